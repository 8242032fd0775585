package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.autodiff.GradCheck;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Conv1d;
import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Conv3d;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.dsl.nn.ConvTranspose1d;
import dev.graft.dsl.nn.ConvTranspose2d;
import dev.graft.dsl.nn.ConvTranspose3d;
import dev.graft.dsl.nn.Embedding;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Relu;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The laws every zoo adapter obeys (ZOO.md), as QuickTheories properties over random shapes,
 * ranks, alphas and (for conv) random Conv1d/2d/3d geometry, reusable for any {@link
 * AdapterFactory}:
 *
 * <ol>
 *   <li>{@link #appliesOnlyToItsBases}: the factory wraps its base kind only — never a
 *       ConvTranspose, another kind of layer, or a wrapper;
 *   <li>{@link #identityAtInit}: right after wrapping (by the factory, and by {@code Net.lora}),
 *       the output equals the base's;
 *   <li>{@link #mergeEqualsAdapted}: after random perturbation of the adapter fields, {@code
 *       merge()} is a layer of the base's type, with the base's leaf shapes, and equal outputs;
 *   <li>{@link #trainableCount}: the sizes of the adapter fields sum to ZOO.md's figure, and
 *       {@code Net.trainableCount()} and {@code Net.trainablePaths()} agree;
 *   <li>{@link #unmergeRestoresExactly}: on a small model (the layer then a Relu), {@code
 *       merge().unmerge()} gives back the same tree exactly, and the merged net computes the same;
 *   <li>{@link #refusesBadRanks}: a rank the layer cannot take is refused by the factory naming
 *       the adapter and the rank, and through {@code Net.lora} naming the layer path;
 *   <li>{@link #gradientsMatchFiniteDifferences} (unless {@link #withoutGradCheck()}): the
 *       gradients w.r.t. the adapter fields match central differences;
 *   <li>{@link #dropoutLaw}: dropout acts on the adapter's input path only (or nowhere).
 * </ol>
 *
 * <p>Use it from a test class with a {@code @TestFactory}:
 *
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicTest> linear() {
 *   return ZooLaws.linear(LoRALinear.FACTORY, (out, in, r) -> (long) r * (in + out)).laws();
 * }
 * }</pre>
 *
 * <p>Every law draws a seed with QuickTheories and builds its case from it, so a failure reports
 * the seed and the case (base, rank, alpha, input shape).
 */
public final class ZooLaws {
  /** ZOO.md's trainable count for a base seen as {@code (out, in)} ({@code flat_in} for conv). */
  @FunctionalInterface
  public interface Count {
    /** The expected number of trainable parameters. */
    long expected(int out, int in, int rank);
  }

  /** Which ranks a base seen as {@code (out, in)} can take. */
  @FunctionalInterface
  public interface RankRule {
    /** Any rank {@code r ≥ 1} (LoRA, rsLoRA, DoRA, ...). */
    RankRule POSITIVE = (out, in, r) -> r >= 1;
    /** {@code 1 ≤ r ≤ min(out, in)} (PiSSA, MiLoRA, LoRA-XS: the SVD needs it). */
    RankRule AT_MOST_MIN_OUT_IN = (out, in, r) -> r >= 1 && r <= Math.min(out, in);
    /** {@code r ≥ 1} dividing {@code in} (OFT: {@code r} is the block size). */
    RankRule DIVIDES_IN = (out, in, r) -> r >= 1 && in % r == 0;
    /** {@code r ≥ 1} dividing {@code out} (OFT on a conv: blocks of output channels). */
    RankRule DIVIDES_OUT = (out, in, r) -> r >= 1 && out % r == 0;
    /** Every rank, even {@code r < 1}: the adapter ignores it (IA3). */
    RankRule IGNORED = (out, in, r) -> true;

    /** Whether {@code rank} is valid for a base seen as {@code (out, in)}. */
    boolean accepts(int out, int in, int rank);
  }

  /** How the adapter treats {@link AdapterConfig#dropout()}. */
  public enum InputDropout {
    /**
     * Dropout on the adapter's input path, and the adapter path is zero at init (LoRA, DoRA,
     * VeRA, ...): at init a dropped-out forward still equals the base; after perturbation it
     * differs from the inference forward, which dropout never changes.
     */
    ADAPTER_PATH,
    /**
     * Dropout on the adapter's input path, but the path carries part of the weight from the start
     * (PiSSA, MiLoRA): only the inference forward is checked to ignore dropout, and the training
     * forward to differ from it.
     */
    ADAPTER_PATH_HOLDING_WEIGHT,
    /** No input path (IA3, OFT): dropout changes nothing, with or without a key. */
    NONE
  }

  /** The kind of base a factory wraps. */
  public enum Kind {
    /** {@link Linear}. */
    LINEAR,
    /** {@link Conv1d}, {@link Conv2d} and {@link Conv3d}. */
    CONV
  }

  /**
   * One random example: a base, an input for it, the base seen as {@code (out, in)}, and the
   * adapter configuration.
   *
   * @param base the layer to wrap
   * @param x an input the base accepts
   * @param out the base's output features or channels
   * @param in the base's input features, or {@code flat_in} for conv
   * @param config rank, alpha, dropout 0 and a key
   * @param seed the seed the case was built from
   */
  public record Case(Layer base, Tensor x, int out, int in, AdapterConfig config, long seed) {
    /** A description for failure messages. */
    @Override
    public String toString() {
      return base + " seen as (" + out + ", " + in + "), rank " + config.rank() + ", alpha "
          + config.alpha() + ", x " + Shapes.format(x.shape()) + ", seed " + seed;
    }

    /** The same case with another rank. */
    public Case withRank(int rank) {
      return new Case(base, x, out, in,
          new AdapterConfig(rank, config.alpha(), config.dropout(), config.key()), seed);
    }

    /** The same case with another dropout rate. */
    public Case withDropout(double dropout) {
      return new Case(base, x, out, in,
          new AdapterConfig(config.rank(), config.alpha(), dropout, config.key()), seed);
    }
  }

  /** The path of the adapted layer in the small model {@code Sequential(layer, Relu)}. */
  public static final Path LAYER = Path.of("layers/0");

  private final AdapterFactory factory;
  private final Kind kind;
  private final Count count;
  private boolean appliesToBoth;
  private RankRule ranks = RankRule.POSITIVE;
  private int examples = 30;
  private double tolerance = 1e-4;
  private float perturbation = 0.3f;
  private boolean gradCheck = true;
  private InputDropout inputDropout = InputDropout.ADAPTER_PATH;
  private BaseCount baseCount;

  private ZooLaws(AdapterFactory factory, Kind kind, Count count) {
    this.factory = factory;
    this.kind = kind;
    this.count = count;
  }

  /** Laws for a factory that wraps {@link Linear} layers. */
  public static ZooLaws linear(AdapterFactory factory, Count count) {
    return new ZooLaws(factory, Kind.LINEAR, count);
  }

  /** Laws for a factory that wraps Conv1d/2d/3d layers. */
  public static ZooLaws conv(AdapterFactory factory, Count count) {
    return new ZooLaws(factory, Kind.CONV, count);
  }

  /**
   * Laws for a catalog kind's factory, which wraps Linear and Conv1d/2d/3d layers alike, on
   * random bases of {@code base}'s type.
   */
  public static ZooLaws of(AdapterKind adapter, Kind base, Count count) {
    ZooLaws laws = new ZooLaws(adapter.factory(), base, count);
    laws.appliesToBoth = true;
    return laws;
  }

  /** A trainable count that needs the whole base (a conv's kernel and groups), not its sizes. */
  @FunctionalInterface
  public interface BaseCount {
    /** The expected number of trainable parameters for {@code base} at {@code rank}. */
    long expected(Layer base, int rank);
  }

  /** Laws for a factory that wraps Conv1d/2d/3d layers, counted from the base itself. */
  public static ZooLaws conv(AdapterFactory factory, BaseCount count) {
    ZooLaws laws = new ZooLaws(factory, Kind.CONV, (out, in, r) -> -1);
    laws.baseCount = count;
    return laws;
  }

  /** Which ranks the adapter accepts; {@link RankRule#POSITIVE} by default. */
  public ZooLaws ranks(RankRule rule) {
    this.ranks = rule;
    return this;
  }

  /** Examples per property; 30 by default (the gradient and conv-3d heavy laws use fewer). */
  public ZooLaws examples(int n) {
    this.examples = n;
    return this;
  }

  /** Relative tolerance: outputs agree when {@code max|Δ| ≤ tol·(1 + max|y|)}; default 1e-4. */
  public ZooLaws tolerance(double tol) {
    this.tolerance = tol;
    return this;
  }

  /** Standard deviation of the normal noise added to each adapter field; default 0.3. */
  public ZooLaws perturbation(float std) {
    this.perturbation = std;
    return this;
  }

  /**
   * Leaves out the finite-difference gradient law, for adapters whose backward pass is not the
   * derivative of their forward by design (DoRA's stop-gradient norm) — test those on their own.
   */
  public ZooLaws withoutGradCheck() {
    this.gradCheck = false;
    return this;
  }

  /** How the adapter treats dropout; {@link InputDropout#ADAPTER_PATH} by default. */
  public ZooLaws inputDropout(InputDropout mode) {
    this.inputDropout = mode;
    return this;
  }

  /** Every law, as dynamic tests named after the factory and the law. */
  public Stream<DynamicTest> laws() {
    List<DynamicTest> tests = new ArrayList<>();
    String p = factory.name() + " on " + kind.name().toLowerCase() + ": ";
    tests.add(DynamicTest.dynamicTest(p + "applies only to its bases",
        this::appliesOnlyToItsBases));
    tests.add(DynamicTest.dynamicTest(p + "identity right after wrapping", this::identityAtInit));
    tests.add(DynamicTest.dynamicTest(p + "merge equals adapted", this::mergeEqualsAdapted));
    tests.add(DynamicTest.dynamicTest(p + "trainable count", this::trainableCount));
    tests.add(DynamicTest.dynamicTest(p + "unmerge(merge) restores exactly",
        this::unmergeRestoresExactly));
    tests.add(DynamicTest.dynamicTest(p + "refuses bad ranks", this::refusesBadRanks));
    if (gradCheck) {
      tests.add(DynamicTest.dynamicTest(p + "gradients match finite differences",
          this::gradientsMatchFiniteDifferences));
    }
    tests.add(DynamicTest.dynamicTest(p + "dropout " + inputDropout.name().toLowerCase(),
        this::dropoutLaw));
    return tests.stream();
  }

  // ------------------------------------------------------------------ the laws

  /** The factory applies to its kind of base and to nothing else. */
  public void appliesOnlyToItsBases() {
    Key k = Key.of(1);
    Linear linear = Linear.create(3, 2, k);
    List<Layer> convs = List.of(Conv1d.create(2, 2, 2, k), Conv2d.create(2, 2, 2, k),
        Conv3d.create(2, 2, 2, k));
    List<Layer> never = List.of(ConvTranspose1d.create(2, 2, 2, k),
        ConvTranspose2d.create(2, 2, 2, k), ConvTranspose3d.create(2, 2, 2, k),
        Embedding.create(4, 3, k), new Relu(), Sequential.of(linear),
        LoRAAdapter.create(linear, new AdapterConfig(1, 1, 0, k)),
        LoRAAdapter.create((ConvLayer) convs.get(1), new AdapterConfig(1, 1, 0, k)));
    for (Layer m : never) {
      assertFalse(factory.appliesTo(m), factory.name() + " must not apply to " + m);
    }
    if (appliesToBoth) {
      assertTrue(factory.appliesTo(linear), factory.name() + " must apply to " + linear);
      for (Layer c : convs) {
        assertTrue(factory.appliesTo(c), factory.name() + " must apply to " + c);
      }
    } else if (kind == Kind.LINEAR) {
      assertTrue(factory.appliesTo(linear), factory.name() + " must apply to " + linear);
      for (Layer c : convs) {
        assertFalse(factory.appliesTo(c), factory.name() + " must not apply to " + c);
      }
    } else {
      assertFalse(factory.appliesTo(linear), factory.name() + " must not apply to " + linear);
      for (Layer c : convs) {
        assertTrue(factory.appliesTo(c), factory.name() + " must apply to " + c);
      }
    }
  }

  /** Right after wrapping, by the factory and by {@code Net.lora}, outputs equal the base's. */
  public void identityAtInit() {
    forAll(examples, c -> {
      Tensor y = c.base().apply(c.x());
      LoraWrapper w = wrap(c);
      assertClose(y, w.apply(c.x()), tolerance, "wrapper at init vs base, " + c);
      assertClose(y, w.apply(c.x(), null), tolerance, "wrapper at init (null key) vs base, " + c);
      Net net = Net.of(model(c.base())).freeze().lora(spec(c));
      LoraWrapper grafted = net.adapters().get(LAYER);
      assertNotNull(grafted, "Net.lora did not wrap " + LAYER + " with " + factory.name());
      assertSame(w.getClass(), grafted.getClass(), "Net.lora wrapper class, " + c);
      assertClose(y, grafted.apply(c.x()), tolerance, "Net.lora wrapper at init vs base, " + c);
      assertClose(y.relu(), net.apply(c.x()), tolerance, "Net at init vs base model, " + c);
    });
  }

  /**
   * After random perturbation of the adapter fields, {@code merge()} is a plain layer of the base's
   * type with the base's leaf shapes, and its outputs equal the wrapper's. At least one example
   * must show the perturbation changing the output, so the law cannot hold vacuously.
   */
  public void mergeEqualsAdapted() {
    AtomicInteger changed = new AtomicInteger();
    forAll(examples, c -> {
      LoraWrapper w = perturb(wrap(c), Key.of(c.seed()).foldIn(99), perturbation);
      Tensor adapted = w.apply(c.x());
      Layer merged = w.merge();
      assertFalse(merged instanceof LoraWrapper, "merge() returned a wrapper, " + c);
      assertSame(c.base().getClass(), merged.getClass(), "merge() type, " + c);
      assertEquals(shapes(c.base()), shapes(merged), "merge() leaf shapes, " + c);
      assertClose(adapted, merged.apply(c.x()), tolerance, "merged vs adapted, " + c);
      Tensor y = c.base().apply(c.x());
      if (y.maxAbsDiff(adapted) > tolerance * (1 + maxAbs(y))) {
        changed.incrementAndGet();
      }
    });
    assertTrue(changed.get() > 0, factory.name()
        + ": perturbing the adapter fields never changed the output; the merge law is vacuous");
  }

  /**
   * The adapter fields are distinct tensor components whose sizes sum to ZOO.md's count; {@code
   * Net.lora} after {@code freeze()} trains exactly those leaves.
   */
  public void trainableCount() {
    forAll(examples, c -> {
      LoraWrapper w = wrap(c);
      long expected = baseCount != null ? baseCount.expected(c.base(), c.config().rank())
          : count.expected(c.out(), c.in(), c.config().rank());
      List<String> fields = w.adapterFields();
      assertEquals(fields.size(), new HashSet<>(fields).size(),
          "duplicate adapter fields " + fields);
      long n = 0;
      List<Path> paths = new ArrayList<>();
      for (String f : fields) {
        Object leaf = Tree.get(w, Path.of(f));
        assertInstanceOf(Tensor.class, leaf, factory.name() + " adapter field '" + f + "'");
        n += ((Tensor) leaf).size();
        paths.add(LAYER.child(f));
      }
      assertEquals(expected, n, "sum of adapter field sizes, " + c);
      Net net = Net.of(model(c.base())).freeze().lora(spec(c));
      assertEquals(expected, net.trainableCount(), "Net.trainableCount(), " + c);
      assertEquals(paths, net.trainablePaths(), "Net.trainablePaths(), " + c);
    });
  }

  /**
   * On {@code Sequential(layer, Relu)} wrapped by {@code Net.lora} and perturbed, the merged net
   * computes the same as the adapted one, holds no wrapper, and {@code unmerge()} restores the
   * adapted tree exactly.
   */
  public void unmergeRestoresExactly() {
    forAll(examples, c -> {
      Net net = perturbed(Net.of(model(c.base())).freeze().lora(spec(c)), c.seed(), perturbation);
      Net merged = net.merge();
      assertSame(c.base().getClass(), Tree.get(merged.module(), LAYER).getClass(),
          "merged layer type, " + c);
      assertTrue(merged.adapters().isEmpty(), "merged net still holds wrappers, " + c);
      assertClose(net.apply(c.x()), merged.apply(c.x()), tolerance, "merged net vs adapted, " + c);
      Net back = merged.unmerge();
      assertEquals(net.module(), back.module(), "unmerge(merge(n)) module, " + c);
      assertTrue(Tree.equals(net.module(), back.module()), "unmerge(merge(n)) Tree.equals, " + c);
      assertEquals(net.trainablePaths(), back.trainablePaths(), "trainable after unmerge, " + c);
    });
  }

  /**
   * Ranks the rule rejects: {@code r ≤ 0} is refused by the factory with a message naming the
   * adapter and the rank; a rejected {@code r ≥ 1} is refused through {@code Net.lora} with a
   * message naming the layer path, the layer, the adapter and the rank, leaving nothing wrapped.
   */
  public void refusesBadRanks() {
    AtomicInteger refusals = new AtomicInteger();
    forAll(examples, c -> {
      for (int r : new int[] {0, -1}) {
        if (!ranks.accepts(c.out(), c.in(), r)) {
          Case bad = c.withRank(r);
          IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
              () -> wrap(bad), factory.name() + " accepted rank " + r + ", " + c);
          assertMentions(e, bad, factory.name(), String.valueOf(r));
          refusals.incrementAndGet();
        }
      }
      int limit = Math.max(c.out(), c.in()) + 3;
      for (int r = 1; r <= limit; r++) {
        if (ranks.accepts(c.out(), c.in(), r)) {
          continue;
        }
        Case bad = c.withRank(r);
        Net net = Net.of(model(c.base())).freeze();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> net.lora(spec(bad)), "Net.lora accepted rank " + r + ", " + c);
        assertMentions(e, bad,
            "lora: layer '" + LAYER + "' (" + c.base().getClass().getSimpleName(),
            factory.name(), String.valueOf(r));
        refusals.incrementAndGet();
        break;
      }
    });
    if (ranks != RankRule.IGNORED) {
      assertTrue(refusals.get() > 0, factory.name() + ": no rank was ever refused");
    }
  }

  /**
   * The gradients of the perturbed wrapper's output w.r.t. its adapter fields match central
   * finite differences ({@link GradCheck}).
   */
  public void gradientsMatchFiniteDifferences() {
    GradCheck.Settings settings = GradCheck.Settings.DEFAULT.withMaxPerArgument(12);
    forAll(Math.max(5, examples / 3), c -> {
      LoraWrapper w = perturb(wrap(c), Key.of(c.seed()).foldIn(7), perturbation);
      List<String> fields = w.adapterFields();
      List<Tensor> at = new ArrayList<>();
      for (String f : fields) {
        at.add(Tree.leaf(w, Path.of(f)));
      }
      Function<List<Tensor>, Tensor> f = ts -> withFields(w, fields, ts).apply(c.x());
      GradCheck.Report report = GradCheck.check(f, at, settings);
      assertTrue(report.worstRelativeError() <= GradCheck.DEFAULT_TOLERANCE,
          "gradient check " + report + ", " + c);
    });
  }

  /** Dropout behaves as {@link #inputDropout(InputDropout)} says. */
  public void dropoutLaw() {
    AtomicInteger differs = new AtomicInteger();
    forAll(examples, c -> {
      Case dc = c.withDropout(0.5);
      Key key = Key.of(c.seed()).foldIn(5);
      LoraWrapper fresh = wrap(dc);
      if (inputDropout == InputDropout.ADAPTER_PATH) {
        assertClose(c.base().apply(c.x()), fresh.apply(c.x(), key), tolerance,
            "dropout forward at init must equal the base, " + dc);
      }
      LoraWrapper w = perturb(fresh, Key.of(c.seed()).foldIn(6), perturbation);
      LoraWrapper noDropout = withFields(wrap(c), w.adapterFields(), fieldValues(w));
      Tensor inference = w.apply(c.x());
      assertEquals(noDropout.apply(c.x()), inference,
          "inference forward must not depend on the dropout rate, " + dc);
      assertEquals(inference, w.apply(c.x(), null), "null key forward, " + dc);
      Tensor training = w.apply(c.x(), key);
      if (inputDropout == InputDropout.NONE) {
        assertEquals(inference, training, "an adapter without input path ignores dropout, " + dc);
      } else if (!training.equals(inference)) {
        differs.incrementAndGet();
      }
    });
    if (inputDropout != InputDropout.NONE) {
      assertTrue(differs.get() > 0, factory.name()
          + ": dropout 0.5 with a key never changed the training forward");
    }
  }

  // ------------------------------------------------------------------ building blocks

  /** The adapter around the case's base, built as {@code Net.lora} does: prepare, then create. */
  public LoraWrapper wrap(Case c) {
    return factory.prepare(List.of(c.base()), c.config()).create(c.base(), c.config());
  }

  /** A spec that wraps with this factory only, with the case's rank, alpha and dropout. */
  public LoraSpec spec(Case c) {
    return LoraSpec.builder().rank(c.config().rank()).alpha(c.config().alpha())
        .dropout(c.config().dropout()).wrappers(List.of(factory)).seed(c.seed()).build();
  }

  /** The small model the Net laws use: {@code Sequential(layer, Relu)}. */
  public static Sequential model(Layer layer) {
    return Sequential.of(layer, new Relu());
  }

  /** A random case of this kind, with a rank the rule accepts. */
  public Case randomCase(long seed) {
    Random rnd = new Random(seed);
    Case c = kind == Kind.LINEAR ? randomLinear(rnd, seed) : randomConv(rnd, seed);
    List<Integer> valid = new ArrayList<>();
    for (int r = 1; r <= Math.min(6, Math.min(c.out(), c.in()) + 2); r++) {
      if (ranks.accepts(c.out(), c.in(), r)) {
        valid.add(r);
      }
    }
    if (valid.isEmpty()) {
      throw new IllegalStateException(factory.name() + ": no valid rank for " + c);
    }
    return c.withRank(valid.get(rnd.nextInt(valid.size())));
  }

  /** A random {@link Linear} (bias on or off) with an input of 0 to 2 leading axes. */
  public static Case randomLinear(Random rnd, long seed) {
    int in = 1 + rnd.nextInt(7);
    int out = 1 + rnd.nextInt(7);
    Key key = Key.of(seed);
    Linear base = Linear.create(in, out, rnd.nextBoolean(), key.foldIn(1));
    int lead = rnd.nextInt(3);
    int[] shape = new int[lead + 1];
    for (int i = 0; i < lead; i++) {
      shape[i] = 1 + rnd.nextInt(3);
    }
    shape[lead] = in;
    return new Case(base, normal(key.foldIn(2), shape), out, in, config(rnd, key), seed);
  }

  /**
   * A random Conv1d, Conv2d or Conv3d: groups 1 to 3, kernel, stride, padding and dilation per
   * axis, bias on or off, a batched or unbatched input large enough for the kernel.
   */
  public static Case randomConv(Random rnd, long seed) {
    int dims = 1 + rnd.nextInt(3);
    int groups = 1 + rnd.nextInt(3);
    int in = groups * (1 + rnd.nextInt(2));
    int out = groups * (1 + rnd.nextInt(dims == 3 ? 2 : 3));
    int[] k = new int[dims];
    int[] stride = new int[dims];
    int[] pad = new int[dims];
    int[] dil = new int[dims];
    boolean batched = rnd.nextInt(4) != 0;
    int[] xs = new int[dims + (batched ? 2 : 1)];
    int off = batched ? 1 : 0;
    if (batched) {
      xs[0] = 1 + rnd.nextInt(2);
    }
    xs[off] = in;
    for (int i = 0; i < dims; i++) {
      k[i] = 1 + rnd.nextInt(dims == 3 ? 2 : 3);
      stride[i] = 1 + rnd.nextInt(2);
      pad[i] = rnd.nextInt(2);
      dil[i] = 1 + rnd.nextInt(2);
      int span = dil[i] * (k[i] - 1) + 1;
      xs[off + 1 + i] = Math.max(1, span - 2 * pad[i]) + rnd.nextInt(dims == 3 ? 2 : 4);
    }
    ConvOptions opts = ConvOptions.defaults().stride(stride).padding(pad).dilation(dil)
        .groups(groups).bias(rnd.nextBoolean());
    Key key = Key.of(seed);
    ConvLayer base;
    if (dims == 1) {
      base = Conv1d.create(in, out, k, opts, key.foldIn(1));
    } else if (dims == 2) {
      base = Conv2d.create(in, out, k, opts, key.foldIn(1));
    } else {
      base = Conv3d.create(in, out, k, opts, key.foldIn(1));
    }
    return new Case(base, normal(key.foldIn(2), xs), out, ConvLowRank.flatIn(base),
        config(rnd, key), seed);
  }

  private static AdapterConfig config(Random rnd, Key key) {
    double alpha = 0.5 + rnd.nextInt(32) / 2.0;
    return new AdapterConfig(1, alpha, 0.0, key.foldIn(3));
  }

  private static Tensor normal(Key key, int... shape) {
    return dev.graft.runtime.Random.normal(key, shape);
  }

  /** {@code w} with each adapter field moved by normal noise of standard deviation {@code std}. */
  public static LoraWrapper perturb(LoraWrapper w, Key key, float std) {
    LoraWrapper out = w;
    int i = 0;
    for (String f : w.adapterFields()) {
      Tensor t = Tree.leaf(w, Path.of(f));
      out = Tree.set(out, Path.of(f), t.plus(normal(key.foldIn(i++), t.shape()).times(std)));
    }
    return out;
  }

  /** {@code net} with every trainable leaf moved by normal noise; trainability kept. */
  public static Net perturbed(Net net, long seed, float std) {
    Layer m = net.module();
    int i = 0;
    for (Path p : net.trainablePaths()) {
      Tensor t = Tree.leaf(m, p);
      m = Tree.set(m, p, t.plus(normal(Key.of(seed).foldIn(i++), t.shape()).times(std)));
    }
    return Net.of(m).freeze().unfreeze(Mask.of(net.trainablePaths()));
  }

  /** The values of {@code w}'s adapter fields, in {@code adapterFields()} order. */
  public static List<Tensor> fieldValues(LoraWrapper w) {
    List<Tensor> out = new ArrayList<>();
    for (String f : w.adapterFields()) {
      out.add(Tree.leaf(w, Path.of(f)));
    }
    return out;
  }

  /** {@code w} with the named fields set to {@code values} (the very tensor objects). */
  public static LoraWrapper withFields(LoraWrapper w, List<String> fields, List<Tensor> values) {
    LoraWrapper out = w;
    for (int i = 0; i < fields.size(); i++) {
      out = Tree.set(out, Path.of(fields.get(i)), values.get(i));
    }
    return out;
  }

  /** Asserts {@code max|expected − actual| ≤ tol·(1 + max|expected|)} and equal shapes. */
  public static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
    if (!Arrays.equals(expected.shape(), actual.shape())) {
      fail(what + ": shape " + Shapes.format(actual.shape()) + ", expected "
          + Shapes.format(expected.shape()));
    }
    double bound = tol * (1 + maxAbs(expected));
    float d = expected.maxAbsDiff(actual);
    if (!(d <= bound)) {
      fail(what + ": max |difference| " + d + " exceeds " + bound);
    }
  }

  /** The largest absolute value of {@code t} (0 for an empty tensor). */
  public static float maxAbs(Tensor t) {
    float m = 0;
    for (float v : t.toArray()) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  private static Map<Path, List<Integer>> shapes(Layer m) {
    Map<Path, List<Integer>> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<Path, Tensor> e : Tree.leavesByPath(m).entrySet()) {
      out.put(e.getKey(), Arrays.stream(e.getValue().shape()).boxed().toList());
    }
    return out;
  }

  private static void assertMentions(Exception e, Case c, String... parts) {
    String msg = String.valueOf(e.getMessage());
    for (String p : parts) {
      assertTrue(msg.contains(p), "message should mention '" + p + "' for " + c + ": " + msg);
    }
  }

  private void forAll(int n, java.util.function.Consumer<Case> law) {
    qt().withExamples(n).forAll(longs().all()).checkAssert(seed -> law.accept(randomCase(seed)));
  }
}
