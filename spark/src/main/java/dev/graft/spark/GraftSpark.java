package dev.graft.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.sql.SparkSession;

/**
 * Spark sessions set up for Graft: Kryo with {@link GraftKryoRegistrator}, and for the embedded
 * case a quiet local session on the loopback interface.
 *
 * <pre>{@code
 * SparkSession spark = GraftSpark.session("my job");  // local[2], or the spark-submit master
 * }</pre>
 */
public final class GraftSpark {
  private GraftSpark() {}

  /**
   * {@code conf} with Spark's Kryo serializer (unless another serializer is set) and {@link
   * GraftKryoRegistrator} added to its registrators; returns {@code conf}.
   */
  public static SparkConf configure(SparkConf conf) {
    conf.setIfMissing("spark.serializer", KryoSerializer.class.getName());
    String ours = GraftKryoRegistrator.class.getName();
    String registrators = conf.get("spark.kryo.registrator", "");
    if (!registrators.contains(ours)) {
      conf.set("spark.kryo.registrator", registrators.isEmpty() ? ours : registrators + ","
          + ours);
    }
    return conf;
  }

  /**
   * An embedded session {@code local[threads]} (no installation needed): no web UI, driver bound
   * to 127.0.0.1, {@code 2 × threads} SQL shuffle partitions, Graft's Kryo set-up. Returns the
   * running session if there is one.
   */
  public static SparkSession local(String appName, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("GraftSpark.local: threads must be >= 1, got " + threads);
    }
    SparkConf conf = new SparkConf().setMaster("local[" + threads + "]").setAppName(appName)
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.sql.shuffle.partitions", Integer.toString(2 * threads))
        .set("spark.default.parallelism", Integer.toString(threads));
    return SparkSession.builder().config(configure(conf)).getOrCreate();
  }

  /**
   * The session for a job that runs both ways: under {@code spark-submit} (which sets {@code
   * spark.master}) a session on that cluster with Graft's Kryo set-up; run directly, {@link
   * #local local[2]}.
   */
  public static SparkSession session(String appName) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      return local(appName, 2);
    }
    return SparkSession.builder().config(configure(conf.setAppName(appName))).getOrCreate();
  }
}
