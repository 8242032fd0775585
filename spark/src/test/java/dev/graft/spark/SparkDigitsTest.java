package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.spark.samples.SparkDigits;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The sample, shortened, on the shared {@code local[2]} session. */
class SparkDigitsTest {
  @Test
  void sparkTrainsLikeOneProcessAndScoresWhatItTrained() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    SparkDigits.Result r = SparkDigits.run(TestSpark.session(),
        SparkDigits.Options.defaults().with("pretrain=6", "epochs=3"),
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    String log = buf.toString(StandardCharsets.UTF_8);
    assertTrue(r.pretrainAccuracy() > 0.9, log);
    assertTrue(r.singleAccuracy() > 0.8, log);
    // The same adapters up to float32 summation order, so the same predictions.
    assertTrue(r.maxAdapterDiff() < 1e-5, log);
    assertEquals(r.singleAccuracy(), r.sparkAccuracy(), 0.01, log);
    assertEquals(r.sparkAccuracy(), r.scoredAccuracy(), 0.01, log);
    assertTrue(r.traffic().gradientBytesPerStep() / r.traffic().partitions()
        < r.traffic().baseBytes(), log);
    assertTrue(log.contains("Spark batch inference"), log);
  }
}
