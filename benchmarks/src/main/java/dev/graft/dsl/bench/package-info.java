/** The training benchmark run beside PyTorch ({@code bench/train.sh}) and its profiler. */
@NullMarked
package dev.graft.dsl.bench;

import org.jspecify.annotations.NullMarked;
