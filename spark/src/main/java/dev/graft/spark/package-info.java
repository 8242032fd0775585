/**
 * Graft on Apache Spark: data-parallel adapter training ({@link dev.graft.spark.DataParallel}),
 * batch inference ({@link dev.graft.spark.BatchScorer}) and the compact wire form of model trees
 * ({@link dev.graft.spark.TreeCodec}, {@link dev.graft.spark.GraftKryoRegistrator}). Runs embedded
 * ({@code local[n]}, see {@link dev.graft.spark.GraftSpark#local}) or on a cluster through {@code
 * spark-submit} with the same code.
 */
@NullMarked
package dev.graft.spark;

import org.jspecify.annotations.NullMarked;
