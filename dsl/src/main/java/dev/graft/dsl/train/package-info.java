/**
 * Training: gradients of a loss with respect to a net's trainable leaves ({@link
 * dev.graft.dsl.train.Gradients}), {@link dev.graft.dsl.train.Losses losses}, the {@link
 * dev.graft.dsl.train.Trainer} loop with its {@link dev.graft.dsl.train.History} (per-step and
 * per-epoch losses, timings, throughput, evaluation metrics), a terminal progress bar and PNG loss
 * plots ({@link dev.graft.dsl.train.LossPlot}).
 */
@NullMarked
package dev.graft.dsl.train;

import org.jspecify.annotations.NullMarked;
