/**
 * The Spark sample: digits trained on Spark beside one process, then scored with Spark ({@link
 * dev.graft.spark.samples.SparkDigits}).
 */
@NullMarked
package dev.graft.spark.samples;

import org.jspecify.annotations.NullMarked;
