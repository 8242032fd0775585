package dev.graft.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The one embedded {@code local[2]} session the test classes share (starting Spark takes seconds);
 * Spark's shutdown hook stops it when the test JVM exits.
 */
final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  static synchronized SparkSession session() {
    if (session == null) {
      session = GraftSpark.local("graft-spark-tests", 2);
    }
    return session;
  }

  static JavaSparkContext context() {
    return JavaSparkContext.fromSparkContext(session().sparkContext());
  }
}
