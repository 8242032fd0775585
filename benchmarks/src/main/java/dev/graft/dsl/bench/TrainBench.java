package dev.graft.dsl.bench;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.DoRAAdapter;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Relu;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.optim.OptState;
import dev.graft.dsl.optim.Step;
import dev.graft.dsl.train.LossAndGrads;
import dev.graft.dsl.train.Losses;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import dev.graft.runtime.kernel.Matmul;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The training benchmark that runs the workloads of {@code bench/torch_lora.py} on
 * Graft, with the same shapes, initialization distributions and optimizer: an MLP of {@code
 * layers} {@code Linear(width, width)} layers with bias and ReLU between them, LoRA of rank {@code
 * r} and scale {@code α/r} on every layer with the base frozen, MSE loss against a random target,
 * AdamW (lr 1e-3, PyTorch's defaults) over the trainable leaves. {@code bench/train.sh} runs it
 * beside PyTorch in one invocation and prints the ratios; see {@code docs/PERFORMANCE.md}.
 *
 * <p>Sections ({@code --sections train,merge,memory}):
 *
 * <ul>
 *   <li>{@code train}: for LoRA, full fine-tuning and DoRA, the median time of the forward (loss
 *       only), forward + backward ({@code net.valueAndGrad}), a full step (plus {@code
 *       AdamW.step}) and the optimizer update alone.
 *   <li>{@code merge}: inference of the adapted net, of the merged net and of the plain base
 *       model, and the cost of {@code net.merge()}.
 *   <li>{@code memory}: one child JVM per variant (SerialGC); each reports the peak of live heap
 *       (heap used right after a full GC, sampled after every primitive of a training step and
 *       after the optimizer update) over the live heap without the workload, and its VmHWM.
 * </ul>
 *
 * <p>Diagnostics: {@code --profile VARIANT [--runs N]} prints where a forward + backward pass
 * spends its time, per primitive and input shapes ({@link PrimitiveProfile}); {@code --spin
 * VARIANT --seconds S} runs training steps in a loop and prints wall and CPU time per step, for
 * external profilers such as JFR.
 *
 * <p>Times follow {@code torch_lora.py}'s {@code bench()}: a warm-up (longer here, for the JIT),
 * then samples of at least 50 ms of calls each, the figure being the median per-call time over
 * the samples. With {@code --tsv} every figure is also printed as {@code key<TAB>value} for the
 * runner script.
 */
public final class TrainBench {
  private static final double LR = 1e-3;

  private final int width;
  private final int batch;
  private final int layers;
  private final int rank;
  private final double alpha;
  private final boolean quick;
  private final Map<String, Double> results = new LinkedHashMap<>();

  private TrainBench(int width, int batch, int layers, int rank, double alpha, boolean quick) {
    this.width = width;
    this.batch = batch;
    this.layers = layers;
    this.rank = rank;
    this.alpha = alpha;
    this.quick = quick;
  }

  /** A bench for one workload with normal sampling; for tests. */
  static TrainBench forWorkload(int width, int batch, int layers, int rank, double alpha) {
    return new TrainBench(width, batch, layers, rank, alpha, false);
  }

  /**
   * Runs the sections given by {@code --sections} (default {@code train,merge}) for the workload
   * given by {@code --width --batch --layers --rank --alpha} (defaults 1024, 256, 4, 8, 16).
   * {@code --quick} shortens sampling; {@code --tsv} prints machine-readable lines; {@code
   * --child VARIANT} is the memory section's per-process entry point.
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = parse(args);
    TrainBench b = new TrainBench(intOpt(opt, "width", 1024), intOpt(opt, "batch", 256),
        intOpt(opt, "layers", 4), intOpt(opt, "rank", 8),
        Double.parseDouble(opt.getOrDefault("alpha", "16")), opt.containsKey("quick"));
    if (opt.containsKey("child")) {
      b.child(opt.get("child"));
      return;
    }
    if (opt.containsKey("serve")) {
      serve(opt.containsKey("quick"));
      return;
    }
    if (opt.containsKey("spin")) {
      b.spin(opt.get("spin"), Double.parseDouble(opt.getOrDefault("seconds", "20")));
      return;
    }
    if (opt.containsKey("profile")) {
      b.profile(opt.get("profile"), intOpt(opt, "runs", 20));
      return;
    }
    boolean tsv = opt.containsKey("tsv");
    List<String> sections = Arrays.asList(opt.getOrDefault("sections", "train,merge").split(","));
    System.out.printf(Locale.ROOT, "graft: %s; %dx Linear(%d,%d), batch %d, r=%d, alpha=%s%n",
        Matmul.kernelName(), b.layers, b.width, b.width, b.batch, b.rank, b.alpha);
    if (sections.contains("train")) {
      for (String v : List.of("lora", "full", "dora")) {
        b.train(v);
      }
    }
    if (sections.contains("merge")) {
      b.merge();
    }
    if (sections.contains("memory")) {
      b.memory();
    }
    if (tsv) {
      for (Map.Entry<String, Double> e : b.results.entrySet()) {
        System.out.printf(Locale.ROOT, "TSV\t%s\t%.6f%n", e.getKey(), e.getValue());
      }
    }
  }

  // ------------------------------------------------------------------ workloads

  /** The base MLP: {@code layers} Linear layers (PyTorch init) with ReLU between them. */
  Sequential base() {
    Key[] keys = Key.of(0).split(layers);
    List<Layer> mods = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      mods.add(Linear.create(width, width, keys[i]));
      if (i < layers - 1) {
        mods.add(new Relu());
      }
    }
    return new Sequential(mods);
  }

  /** The net of a variant: {@code lora}, {@code dora} (base frozen) or {@code full}. */
  Net net(String variant) {
    Net net = Net.of(base());
    switch (variant) {
      case "lora":
        return net.freeze().lora(rank, alpha);
      case "dora":
        return net.freeze().lora(LoraSpec.builder().rank(rank).alpha(alpha)
            .wrappers(List.of(DoRAAdapter.FACTORY)).build());
      case "full":
        return net;
      default:
        throw new IllegalArgumentException("unknown variant " + variant);
    }
  }

  /** Input and target, standard normal as {@code torch.randn}. */
  Tensor[] data() {
    Key[] k = Key.of(1).split(2);
    return new Tensor[] {Random.normal(k[0], batch, width), Random.normal(k[1], batch, width)};
  }

  /** A training loop's state, stepped in place by the timed closures. */
  private static final class Loop {
    Net net;
    OptState state = OptState.empty();

    Loop(Net net) {
      this.net = net;
    }
  }

  // ------------------------------------------------------------------ server mode

  /** The loops and closures built so far, by workload name; built once, reused by every window. */
  private final Map<String, Supplier<?>> workloads = new LinkedHashMap<>();
  /** Workloads whose JIT warm-up has run. */
  private final java.util.Set<String> warm = new java.util.HashSet<>();

  /**
   * The named workload, e.g. {@code lora.step} or {@code merge.merged_fwd}: {@code
   * VARIANT.fwd|fwd_bwd|step|optim} for {@code lora}, {@code full}, {@code dora}, and {@code
   * merge.unmerged_fwd|merged_fwd|base_fwd|merge}.
   */
  Supplier<?> workload(String name) {
    Supplier<?> w = workloads.get(name);
    if (w != null) {
      return w;
    }
    String[] f = name.split("\\.");
    if (f.length != 2) {
      throw new IllegalArgumentException("TrainBench: workload names are VARIANT.WHAT, got " + name);
    }
    if (f[0].equals("merge")) {
      buildMerge();
    } else {
      buildTrain(f[0]);
    }
    w = workloads.get(name);
    if (w == null) {
      throw new IllegalArgumentException("TrainBench: unknown workload " + name);
    }
    return w;
  }

  private void buildTrain(String variant) {
    Tensor[] xy = data();
    Tensor x = xy[0];
    Tensor y = xy[1];
    AdamW opt = AdamW.of(LR);
    Loop loop = new Loop(net(variant));
    workloads.put(variant + ".fwd", () -> Losses.mse(loop.net.module().apply(x), y).item());
    workloads.put(variant + ".fwd_bwd",
        () -> loop.net.valueAndGrad(m -> Losses.mse(m.apply(x), y)));
    workloads.put(variant + ".step", () -> {
      LossAndGrads lg = loop.net.valueAndGrad(m -> Losses.mse(m.apply(x), y));
      Step<Net> s = opt.step(loop.net, lg.grads(), loop.state);
      loop.net = s.net();
      loop.state = s.state();
      return s;
    });
    // The update alone, from the net and state of one step in (as torch re-steps with the
    // gradients its last backward left).
    Loop once = new Loop(loop.net);
    LossAndGrads lg0 = once.net.valueAndGrad(m -> Losses.mse(m.apply(x), y));
    Step<Net> s1 = opt.step(once.net, lg0.grads(), once.state);
    LossAndGrads lg1 = s1.net().valueAndGrad(m -> Losses.mse(m.apply(x), y));
    workloads.put(variant + ".optim", () -> opt.step(s1.net(), lg1.grads(), s1.state()));
  }

  /** The LoRA net with non-trivial adapters, as torch_lora.py: {@code B ~ N(0, 0.02)}. */
  private Net mergeable() {
    Net adapted = net("lora");
    Key key = Key.of(5);
    return adapted.withModule(dev.graft.dsl.tree.Tree.mapWithPath(adapted.module(),
        (p, t) -> p.toString().endsWith("loraB")
            ? Random.normal(key.foldIn(p.toString().hashCode()), t.shape()).times(0.02f) : t));
  }

  private void buildMerge() {
    Tensor x = data()[0];
    Net withB = mergeable();
    Layer adaptedModel = withB.module();
    Layer merged = withB.merge().module();
    Layer plain = base();
    workloads.put("merge.unmerged_fwd", () -> adaptedModel.apply(x));
    workloads.put("merge.merged_fwd", () -> merged.apply(x));
    workloads.put("merge.base_fwd", () -> plain.apply(x));
    workloads.put("merge.merge", withB::merge);
    put("merge.maxabs", adaptedModel.apply(x).maxAbsDiff(merged.apply(x)));
  }

  /**
   * Median milliseconds per call of a workload over a window of about {@code seconds}: samples
   * of at least 20 ms of calls each (at least 3 samples). The first window of a workload is
   * preceded by a JIT warm-up of at least 2 s and 5 calls.
   */
  double window(String name, double seconds) {
    Supplier<?> fn = workload(name);
    Object sink = null;
    if (warm.add(name)) {
      long t0 = System.nanoTime();
      for (int n = 0; n < 5 || System.nanoTime() - t0 < 2_000_000_000L; n++) {
        sink = fn.get();
      }
    }
    long t0 = System.nanoTime();
    sink = fn.get();
    double one = Math.max((System.nanoTime() - t0) / 1e9, 1e-7);
    int inner = (int) Math.max(1, Math.ceil(0.02 / one));
    List<Double> samples = new ArrayList<>();
    long start = System.nanoTime();
    while (samples.size() < 3 || (System.nanoTime() - start) / 1e9 < seconds) {
      long s = System.nanoTime();
      for (int i = 0; i < inner; i++) {
        sink = fn.get();
      }
      samples.add((System.nanoTime() - s) / 1e6 / inner);
    }
    if (sink == null) {
      throw new IllegalStateException("no result");
    }
    return median(samples);
  }

  /**
   * Server mode for {@code bench/train_compare.py}: reads lines {@code WIDTH BATCH WORKLOAD
   * SECONDS} from standard input and answers each with {@code OK MEDIAN_MS} (or {@code ERR
   * message}), so the driver can alternate short windows of PyTorch and Graft on the same
   * workload and both see the same machine load.
   */
  private static void serve(boolean quick) throws java.io.IOException {
    Map<String, TrainBench> benches = new LinkedHashMap<>();
    java.io.BufferedReader in = new java.io.BufferedReader(
        new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
    System.out.println("READY " + Matmul.kernelName());
    System.out.flush();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 1 && f[0].equals("quit")) {
        break;
      }
      try {
        int w = Integer.parseInt(f[0]);
        int b = Integer.parseInt(f[1]);
        TrainBench bench = benches.computeIfAbsent(w + "x" + b,
            k -> new TrainBench(w, b, 4, 8, 16, quick));
        double ms = bench.window(f[2], Double.parseDouble(f[3]));
        System.out.printf(Locale.ROOT, "OK %.6f%n", ms);
      } catch (RuntimeException e) {
        System.out.println("ERR " + e);
      }
      System.out.flush();
    }
  }

  // ------------------------------------------------------------------ sections

  private void train(String variant) {
    Tensor[] xy = data();
    Tensor x = xy[0];
    Tensor y = xy[1];
    AdamW opt = AdamW.of(LR);
    Loop loop = new Loop(net(variant));
    LossAndGrads[] last = new LossAndGrads[1];
    Supplier<Object> fwd = () -> Losses.mse(loop.net.module().apply(x), y).item();
    Supplier<Object> fwdBwd = () -> last[0] = loop.net.valueAndGrad(
        m -> Losses.mse(m.apply(x), y));
    Supplier<Object> step = () -> {
      LossAndGrads lg = loop.net.valueAndGrad(m -> Losses.mse(m.apply(x), y));
      Step<Net> s = opt.step(loop.net, lg.grads(), loop.state);
      loop.net = s.net();
      loop.state = s.state();
      return s;
    };
    double tf = time(fwd);
    double tfb = time(fwdBwd);
    double ts = time(step);
    LossAndGrads lg = loop.net.valueAndGrad(m -> Losses.mse(m.apply(x), y));
    // The update alone, always from the same net and state (as torch re-steps with old grads).
    Net n0 = loop.net;
    OptState s0 = loop.state;
    double to = time(() -> opt.step(n0, lg.grads(), s0));
    put(variant + ".fwd_ms", tf);
    put(variant + ".fwd_bwd_ms", tfb);
    put(variant + ".step_ms", ts);
    put(variant + ".optim_ms", to);
    put(variant + ".trainable_params", loop.net.trainableCount());
    System.out.printf(Locale.ROOT, "  %-5s trainable=%,9d  fwd %8.3f ms  fwd+bwd %8.3f ms  step"
        + " %8.3f ms  (AdamW alone %7.3f ms)%n", variant, loop.net.trainableCount(), tf, tfb, ts,
        to);
  }

  private void merge() {
    Tensor x = data()[0];
    Net withB = mergeable();
    Layer adaptedModel = withB.module();
    Layer merged = withB.merge().module();
    Layer plain = base();
    double tu = time(() -> adaptedModel.apply(x));
    double tm = time(() -> merged.apply(x));
    double tb = time(() -> plain.apply(x));
    double tmerge = time(() -> withB.merge());
    float diff = adaptedModel.apply(x).maxAbsDiff(merged.apply(x));
    put("merge.unmerged_fwd_ms", tu);
    put("merge.merged_fwd_ms", tm);
    put("merge.base_fwd_ms", tb);
    put("merge.merge_ms", tmerge);
    put("merge.maxabs", diff);
    System.out.printf(Locale.ROOT, "  inference (batch %d): adapted %.3f ms, merged %.3f ms"
        + " (x%.3f), base model %.3f ms; merge all %d adapters %.3f ms; max|diff| %.2e%n", batch,
        tu, tm, tu / tm, tb, layers, tmerge, diff);
  }

  /**
   * Runs a variant's training step in a loop for {@code seconds} and prints the step count: a
   * target for external profilers (JFR: {@code -XX:StartFlightRecording}).
   */
  private void spin(String variant, double seconds) {
    Tensor[] xy = data();
    Tensor x = xy[0];
    Tensor y = xy[1];
    AdamW opt = AdamW.of(LR);
    Loop loop = new Loop(net(variant));
    long warm = System.nanoTime() + (long) (Math.min(5, seconds / 4) * 1e9);
    while (System.nanoTime() < warm) {
      LossAndGrads lg = loop.net.valueAndGrad(m -> Losses.mse(m.apply(x), y));
      Step<Net> s = opt.step(loop.net, lg.grads(), loop.state);
      loop.net = s.net();
      loop.state = s.state();
    }
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    java.lang.management.ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    long cpu0 = os.getProcessCpuTime();
    long main0 = tm.getCurrentThreadCpuTime();
    long until = System.nanoTime() + (long) (seconds * 1e9);
    long steps = 0;
    long t0 = System.nanoTime();
    while (System.nanoTime() < until) {
      LossAndGrads lg = loop.net.valueAndGrad(m -> Losses.mse(m.apply(x), y));
      Step<Net> s = opt.step(loop.net, lg.grads(), loop.state);
      loop.net = s.net();
      loop.state = s.state();
      steps++;
    }
    System.out.printf(Locale.ROOT, "%d steps of %s: %.3f ms wall, %.3f ms process CPU, %.3f ms"
        + " calling-thread CPU per step%n", steps, variant, (System.nanoTime() - t0) / 1e6 / steps,
        (os.getProcessCpuTime() - cpu0) / 1e6 / steps,
        (tm.getCurrentThreadCpuTime() - main0) / 1e6 / steps);
  }

  /**
   * Warms a variant's training step up, then times {@code runs} forward + backward passes under a
   * {@link PrimitiveProfile} and prints where the time goes, and the optimizer step's median.
   */
  private void profile(String variant, int runs) {
    Tensor[] xy = data();
    Tensor x = xy[0];
    Tensor y = xy[1];
    AdamW opt = AdamW.of(LR);
    Loop loop = new Loop(net(variant));
    long until = System.nanoTime() + (quick ? 2_000_000_000L : 5_000_000_000L);
    while (System.nanoTime() < until) {
      LossAndGrads lg = loop.net.valueAndGrad(m -> Losses.mse(m.apply(x), y));
      Step<Net> s = opt.step(loop.net, lg.grads(), loop.state);
      loop.net = s.net();
      loop.state = s.state();
    }
    PrimitiveProfile prof = new PrimitiveProfile();
    for (int i = 0; i < runs; i++) {
      prof.phase("fwd");
      LossAndGrads lg = prof.run(() -> loop.net.valueAndGrad(m -> {
        Tensor l = Losses.mse(m.apply(x), y);
        prof.phase("bwd");
        return l;
      }));
      Step<Net> s = opt.step(loop.net, lg.grads(), loop.state);
      loop.net = s.net();
      loop.state = s.state();
    }
    System.out.printf(Locale.ROOT, "profile of %s forward + backward (valueAndGrad), %d runs:%n",
        variant, runs);
    System.out.print(prof.report(runs));
    LossAndGrads lg = loop.net.valueAndGrad(m -> Losses.mse(m.apply(x), y));
    Net n0 = loop.net;
    OptState s0 = loop.state;
    System.out.printf(Locale.ROOT, "AdamW step alone: %.3f ms%n",
        time(() -> opt.step(n0, lg.grads(), s0)));
  }

  // ------------------------------------------------------------------ memory

  private void memory() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (String v : List.of("lora", "dora", "full")) {
      List<String> cmd = new ArrayList<>();
      cmd.add(java);
      for (String a : jvmArgs) {
        boolean gc = a.startsWith("-XX:+Use") && a.endsWith("GC");
        if (!gc && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")
            && !a.startsWith("-XX:StartFlightRecording")) {
          cmd.add(a);
        }
      }
      // SerialGC counts heap used exactly (G1 rounds large arrays up to whole regions).
      cmd.add("-XX:+UseSerialGC");
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TrainBench.class.getName(),
          "--child", v, "--width", "" + width, "--batch", "" + batch, "--layers", "" + layers,
          "--rank", "" + rank, "--alpha", "" + alpha));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      for (String line : out.split("\n")) {
        if (line.startsWith("MEM\t")) {
          String[] f = line.split("\t");
          put("memory." + v + "." + f[1], Double.parseDouble(f[2]));
        }
      }
      if (!results.containsKey("memory." + v + ".peak_mib")) {
        System.out.println("  child " + v + " failed:\n" + out);
        continue;
      }
      System.out.printf(Locale.ROOT, "  %-5s live heap over baseline: peak +%.1f MiB (steady +%.1f,"
          + " forward end +%.1f, optimizer step +%.1f); process VmHWM %.1f MiB%n", v,
          results.get("memory." + v + ".peak_mib"), results.get("memory." + v + ".steady_mib"),
          results.get("memory." + v + ".fwd_end_mib"),
          results.get("memory." + v + ".after_step_mib"),
          results.get("memory." + v + ".vmhwm_mib"));
    }
  }

  /**
   * One memory child: the peak of live heap over one training step of {@code variant}, after
   * three warm-up steps (so the optimizer state exists, as torch_lora.py's children take five).
   * Live heap is heap used right after {@code System.gc()}; it is sampled after every primitive
   * of the forward and backward pass (a sampling interpreter installed around {@code
   * valueAndGrad}) and once after the optimizer step while the old and the new parameters and
   * state are both still referenced (the update's own peak). The baseline is the live heap
   * before the model is built. Prints {@code MEM} lines for the parent.
   */
  private void child(String variant) {
    warmKernels();
    double start = liveMiB();
    double[] m = measureStep(variant);
    // The baseline: live heap once the workload's objects are unreachable again (whatever the
    // kernels and the JIT keep from the run stays in it), or at start if that was lower.
    double base = Math.min(start, liveMiB());
    String[] names = {"steady_mib", "fwd_end_mib", "after_step_mib", "peak_mib"};
    for (int i = 0; i < names.length; i++) {
      System.out.printf(Locale.ROOT, "MEM\t%s\t%.3f%n", names[i], m[i] - base);
    }
    System.out.printf(Locale.ROOT, "MEM\tbaseline_mib\t%.3f%n", base);
    System.out.printf(Locale.ROOT, "MEM\tvmhwm_mib\t%.3f%n", kib(readStatus("VmHWM")) / 1024);
    System.out.printf(Locale.ROOT, "MEM\ttrainable_params\t%d%n", (long) m[4]);
  }

  /**
   * Live heap (MiB) of a warmed-up training step of {@code variant}: steady state, end of the
   * forward pass, after the optimizer step with old and new state both referenced, and the peak;
   * then the trainable parameter count.
   */
  private double[] measureStep(String variant) {
    Tensor[] xy = data();
    Tensor x = xy[0];
    Tensor y = xy[1];
    AdamW opt = AdamW.of(LR);
    Loop loop = new Loop(net(variant));
    for (int i = 0; i < 3; i++) {
      LossAndGrads lg = loop.net.valueAndGrad(m -> Losses.mse(m.apply(x), y));
      Step<Net> s = opt.step(loop.net, lg.grads(), loop.state);
      loop.net = s.net();
      loop.state = s.state();
    }
    double steady = liveMiB();
    double[] peak = {steady};
    double[] fwdEnd = {0};
    dev.graft.runtime.Interpreter sampler = (p, params, in) -> {
      Tensor out = dev.graft.runtime.Dispatch.eager().apply(p, params, in);
      peak[0] = Math.max(peak[0], liveMiB());
      return out;
    };
    LossAndGrads lg = dev.graft.runtime.Dispatch.with(sampler,
        () -> loop.net.valueAndGrad(m -> {
          Tensor l = Losses.mse(m.apply(x), y);
          fwdEnd[0] = liveMiB();
          return l;
        }));
    double afterBackward = liveMiB();
    Step<Net> s = opt.step(loop.net, lg.grads(), loop.state);
    double afterStep = liveMiB(); // old net, state and grads still referenced here
    peak[0] = Math.max(Math.max(peak[0], afterBackward), afterStep);
    return new double[] {steady, fwdEnd[0], afterStep, peak[0], s.net().trainableCount()};
  }

  private void warmKernels() {
    Tensor w = Tensor.ones(width, width);
    Tensor.ones(batch, width).matmul(w, false, true).relu().sum().item();
  }

  /** Heap used right after a full collection, in MiB. */
  private static double liveMiB() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
  }

  private static double kib(String status) {
    String[] f = status.trim().split("\\s+");
    return f.length > 0 && !f[0].isEmpty() ? Double.parseDouble(f[0]) : -1;
  }

  // ------------------------------------------------------------------ timing

  /**
   * Median milliseconds per call of {@code fn}, as torch_lora.py's {@code bench()}: warm-up of at
   * least 5 calls and 2 s (1 s quick), then up to 21 samples (9 quick) of at least 50 ms each,
   * stopping after 15 s (6 s quick) once 3 samples are in.
   */
  private double time(Supplier<?> fn) {
    double warmupS = quick ? 1.0 : 2.0;
    int repeats = quick ? 9 : 21;
    double capS = quick ? 6 : 15;
    long t0 = System.nanoTime();
    int n = 0;
    Object sink = null;
    while (n < 5 || (System.nanoTime() - t0) / 1e9 < warmupS) {
      sink = fn.get();
      n++;
    }
    double one = (System.nanoTime() - t0) / 1e9 / n;
    int inner = (int) Math.max(1, Math.ceil(0.05 / Math.max(one, 1e-9)));
    List<Double> samples = new ArrayList<>();
    long start = System.nanoTime();
    for (int r = 0; r < repeats; r++) {
      long s = System.nanoTime();
      for (int i = 0; i < inner; i++) {
        sink = fn.get();
      }
      samples.add((System.nanoTime() - s) / 1e6 / inner);
      if (samples.size() >= 3 && (System.nanoTime() - start) / 1e9 > capS) {
        break;
      }
    }
    if (sink == null) {
      throw new IllegalStateException("no result");
    }
    return median(samples);
  }

  static double median(List<Double> values) {
    double[] s = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private void put(String key, double value) {
    results.put(key, value);
  }

  // ------------------------------------------------------------------ arguments

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("TrainBench: unexpected argument " + args[i]);
      }
      String k = args[i].substring(2);
      if (List.of("quick", "tsv", "serve").contains(k)) {
        m.put(k, "");
      } else if (i + 1 < args.length) {
        m.put(k, args[++i]);
      } else {
        throw new IllegalArgumentException("TrainBench: --" + k + " needs a value");
      }
    }
    return m;
  }

  private static int intOpt(Map<String, String> opt, String key, int fallback) {
    return opt.containsKey(key) ? Integer.parseInt(opt.get(key)) : fallback;
  }

  static String readStatus(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return line.substring(field.length() + 1).trim();
        }
      }
    } catch (java.io.IOException e) {
      return "";
    }
    return "";
  }
}
