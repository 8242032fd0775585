package dev.graft.dsl.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.dsl.nn.Bert;
import dev.graft.runtime.Tensor;
import dev.graft.runtime.kernel.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The forward pass of the real all-MiniLM-L6-v2 encoder (the ONNX file langchain4j ships) on a
 * batch of {@code 32 × 128} tokens, Graft beside ONNX Runtime in the same JVM, the two
 * alternating round by round so both see the same machine load. Graft runs on {@code
 * graft.threads} threads, ONNX Runtime on as many intra-op threads. Prints the median wall time
 * per forward of each, their ratio, and the largest difference of their outputs.
 *
 * <p>Arguments: {@code [rounds] [batch] [seq]}, default {@code 7 32 128}. Run it as shown in
 * {@code docs/PERFORMANCE.md}.
 */
public final class EncoderBench {
  private EncoderBench() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException, OrtException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int seq = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    int threads = Parallel.THREADS;
    Path onnx = Files.createTempFile("all-minilm-l6-v2", ".onnx");
    try (InputStream in = EncoderBench.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
      Files.copy(in, onnx, StandardCopyOption.REPLACE_EXISTING);
    }
    try {
      long t0 = System.nanoTime();
      Bert bert = Bert.fromOnnx(onnx);
      double loadMs = (System.nanoTime() - t0) / 1e6;

      Random rnd = new Random(42);
      long[][] ids = new long[batch][seq];
      long[][] mask = new long[batch][seq];
      long[][] types = new long[batch][seq];
      float[] fids = new float[batch * seq];
      for (int i = 0; i < batch; i++) {
        for (int j = 0; j < seq; j++) {
          ids[i][j] = j == 0 ? 101 : j == seq - 1 ? 102 : 1000 + rnd.nextInt(28000);
          mask[i][j] = 1;
          fids[i * seq + j] = ids[i][j];
        }
      }
      Tensor tIds = Tensor.of(fids, batch, seq);
      Tensor tMask = Tensor.ones(batch, seq);

      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
        opts.setIntraOpNumThreads(threads);
        opts.setInterOpNumThreads(1);
        try (OrtSession session = env.createSession(onnx.toString(), opts)) {
          Map<String, OnnxTensor> in = new HashMap<>();
          in.put("input_ids", OnnxTensor.createTensor(env, ids));
          in.put("attention_mask", OnnxTensor.createTensor(env, mask));
          if (session.getInputNames().contains("token_type_ids")) {
            in.put("token_type_ids", OnnxTensor.createTensor(env, types));
          }
          float[] ortOut = null;
          Tensor graftOut = null;
          // Warm-up: the JIT for Graft, the allocator and thread pool for ONNX Runtime.
          for (int w = 0; w < 3; w++) {
            graftOut = bert.encode(tIds, tMask);
            ortOut = runOrt(session, in);
          }
          double[] g = new double[rounds];
          double[] o = new double[rounds];
          for (int r = 0; r < rounds; r++) {
            long a = System.nanoTime();
            graftOut = bert.encode(tIds, tMask);
            g[r] = (System.nanoTime() - a) / 1e6;
            a = System.nanoTime();
            ortOut = runOrt(session, in);
            o[r] = (System.nanoTime() - a) / 1e6;
          }
          float diff = graftOut.maxAbsDiff(Tensor.of(ortOut, batch, seq, 384));
          double gm = median(g);
          double om = median(o);
          System.out.printf(Locale.ROOT, "all-MiniLM-L6-v2 forward, batch %d x %d tokens, %d "
              + "threads each, %d rounds (ONNX read by Graft in %.0f ms)%n", batch, seq, threads,
              rounds, loadMs);
          System.out.printf(Locale.ROOT, "| %-13s | %9s | %9s | %9s |%n", "", "median ms",
              "min ms", "max ms");
          System.out.printf(Locale.ROOT, "| %-13s | %9.0f | %9.0f | %9.0f |%n", "Graft", gm,
              min(g), max(g));
          System.out.printf(Locale.ROOT, "| %-13s | %9.0f | %9.0f | %9.0f |%n", "ONNX Runtime",
              om, min(o), max(o));
          System.out.printf(Locale.ROOT, "Graft / ONNX Runtime = %.2f; max |difference| of the "
              + "last hidden states = %.2e%n", gm / om, diff);
          in.values().forEach(OnnxTensor::close);
        }
      }
    } finally {
      Files.deleteIfExists(onnx);
    }
  }

  private static float[] runOrt(OrtSession session, Map<String, OnnxTensor> in)
      throws OrtException {
    try (OrtSession.Result r = session.run(in)) {
      OnnxTensor t = (OnnxTensor) r.get(0);
      float[] out = new float[(int) t.getInfo().getNumElements()];
      t.getFloatBuffer().get(out);
      return out;
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }
}
