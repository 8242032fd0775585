package dev.graft.dsl.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Bert;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.optim.OptState;
import dev.graft.dsl.train.LossAndGrads;
import dev.graft.dsl.tree.Mask;
import dev.graft.runtime.Tensor;
import dev.graft.runtime.kernel.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p>Arguments: {@code [rounds] [batch] [seq]}, default {@code 7 32 128}, then optional flags:
 * {@code --lora-steps N} also times N LoRA training steps (rank 8, alpha 16 on every query and
 * value projection, base frozen, AdamW; after one untimed step) and prints their median; {@code
 * --profile N} prints where N Graft forwards spend their time ({@link PrimitiveProfile}); {@code
 * --tsv} adds machine-readable lines {@code TSV<TAB>key<TAB>values} (per-round values joined by
 * commas) for {@code bench/report.sh}. Run it as shown in {@code docs/PERFORMANCE.md}.
 */
public final class EncoderBench {
  private EncoderBench() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException, OrtException {
    List<String> pos = new ArrayList<>();
    boolean tsv = false;
    int loraSteps = 0;
    int profileRuns = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--tsv" -> tsv = true;
        case "--lora-steps" -> loraSteps = Integer.parseInt(args[++i]);
        case "--profile" -> profileRuns = Integer.parseInt(args[++i]);
        default -> {
          if (args[i].startsWith("--")) {
            throw new IllegalArgumentException("EncoderBench: unknown flag " + args[i]
                + " (known: --tsv, --lora-steps N, --profile N)");
          }
          pos.add(args[i]);
        }
      }
    }
    int rounds = pos.size() > 0 ? Integer.parseInt(pos.get(0)) : 7;
    int batch = pos.size() > 1 ? Integer.parseInt(pos.get(1)) : 32;
    int seq = pos.size() > 2 ? Integer.parseInt(pos.get(2)) : 128;
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
          if (rounds > 0) {
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
            if (tsv) {
              System.out.println("TSV\tencoder.graft_ms\t" + join(g));
              System.out.println("TSV\tencoder.ort_ms\t" + join(o));
              System.out.printf(Locale.ROOT, "TSV\tencoder.maxabs\t%.3e%n", diff);
            }
          }
          in.values().forEach(OnnxTensor::close);
        }
      }
      if (loraSteps > 0) {
        double[] steps = loraSteps(bert, tIds, tMask, loraSteps);
        System.out.printf(Locale.ROOT, "LoRA training step (r 8, alpha 16 on query and value, "
            + "AdamW), batch %d x %d: median %.0f ms over %d steps (min %.0f, max %.0f)%n", batch,
            seq, median(steps), loraSteps, min(steps), max(steps));
        if (tsv) {
          System.out.println("TSV\tencoder.lora_step_ms\t" + join(steps));
        }
      }
      if (profileRuns > 0) {
        PrimitiveProfile prof = new PrimitiveProfile();
        for (int i = 0; i < profileRuns; i++) {
          prof.run(() -> bert.encode(tIds, tMask));
        }
        System.out.printf(Locale.ROOT, "profile of the Graft forward, batch %d x %d, %d runs:%n",
            batch, seq, profileRuns);
        System.out.print(prof.report(profileRuns));
      }
    } finally {
      Files.deleteIfExists(onnx);
    }
  }

  /**
   * Milliseconds of {@code n} LoRA training steps on the encoder (loss: mean square of the last
   * hidden state), after one untimed step that compiles the backward's code paths.
   */
  private static double[] loraSteps(Bert bert, Tensor ids, Tensor mask, int n) {
    Net net = Net.of(bert).freeze().lora(8, 16.0, Mask.modules("query", "value"));
    AdamW opt = AdamW.of(1e-3);
    OptState state = OptState.empty();
    double[] ms = new double[n];
    for (int i = -1; i < n; i++) {
      long t0 = System.nanoTime();
      LossAndGrads lg = net.valueAndGrad(m -> ((Bert) m).encode(ids, mask).square().mean());
      var s = opt.step(net, lg.grads(), state);
      net = s.net();
      state = s.state();
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    return ms;
  }

  private static String join(double[] v) {
    StringBuilder sb = new StringBuilder();
    for (double x : v) {
      sb.append(sb.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", x));
    }
    return sb.toString();
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
