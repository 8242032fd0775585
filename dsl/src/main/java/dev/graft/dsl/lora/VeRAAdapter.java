package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * VeRA (arXiv 2310.11454) on a Linear or a Conv1d/2d/3d: frozen random projections {@code A (r,
 * in_max)} and {@code B (out_max, r)} shared by every layer of the {@code lora} call (the same
 * tensor objects, see {@link VeRAProjections}; Linear and conv layers each get their own pair,
 * {@code in_max} the largest {@code in} or {@code flat_in}), sliced to {@code A (r, in)} and {@code
 * B (out, r)}, and two trainable scaling vectors {@code λ_b (out) = 0} and {@code λ_d (r) = 0.1};
 * no {@code s}. The weight seen as {@code W (out, in)} becomes {@code W + diag(λ_b) B diag(λ_d)
 * A}, run factored ({@link WeightView#lowRank}), starting as the identity since {@code λ_b = 0}.
 * Trains {@code out + r} parameters. The projections are not meant for checkpoints: {@code seed}
 * is, and {@link VeRAProjections#generate} rebuilds them. PEFT reads VeRA on Linear layers only.
 *
 * @param base the frozen layer
 * @param veraA the shared frozen {@code (r, in_max)}
 * @param veraB the shared frozen {@code (out_max, r)}
 * @param lambdaB the trainable output scaling {@code (out)}
 * @param lambdaD the trainable rank scaling {@code (r)}
 * @param seed the seed {@code veraA} and {@code veraB} were drawn from
 * @param dropout dropout rate on the adapter's input while training
 */
public record VeRAAdapter(Layer base, Tensor veraA, Tensor veraB, Tensor lambdaB, Tensor lambdaD,
    long seed, double dropout) implements ZooAdapter {

  /** λ_d's initial value. */
  public static final float LAMBDA_D_INIT = 0.1f;

  private static final Map<String, String> KEYS = Map.of("lambdaB", "vera_lambda_b", "lambdaD",
      "vera_lambda_d");

  /** VeRA's description: the two scaling vectors train; PEFT's VeRA on Linear layers. */
  public static final AdapterKind KIND = AdapterKind.of("VeRA", VeRAAdapter.class,
      List.of("lambdaB", "lambdaD"), PeftForm.peft("VERA", "vera", false, KEYS),
      VeRAAdapter::create).preparedBy(VeRAAdapter::prepare).sharing("veraA", "veraB");

  private static final PeftForm ON_CONV = PeftForm.graftOnly("vera", false,
      "PEFT's VeRA adapts Linear layers only", KEYS);

  /**
   * Builds VeRA adapters for Linear and Conv1d/2d/3d layers; {@code prepare} draws the
   * projections shared by all the layers of one {@code lora} call.
   */
  public static final AdapterFactory FACTORY = KIND.factory();

  /** Validates the shapes against the base. */
  public VeRAAdapter {
    VeRAProjections.check(KIND.name(), veraA, veraB, lambdaB, lambdaD,
        WeightView.of(KIND.name(), base));
  }

  /** VeRA around {@code base} alone: projections sized for it, drawn from the config's key. */
  public static VeRAAdapter create(Layer base, AdapterConfig config) {
    return prepare(List.of(base), config).apply(base, config);
  }

  /** VeRA around {@code base} with {@code shared} projections, {@code λ_b = 0}, {@code λ_d}. */
  public static VeRAAdapter create(Layer base, AdapterConfig config, VeRAProjections shared) {
    return PerGroup.ofEach(KIND, base, config, (one, c) -> new VeRAAdapter(one, shared.a(),
        shared.b(), Tensor.zeros(WeightView.of(KIND.name(), one).out()),
        Tensor.full(LAMBDA_D_INIT, shared.a().dim(0)), shared.seed(), c.dropout()));
  }

  /**
   * The constructor for VeRA around {@code bases}: one pair of projections for the Linear bases
   * and one for the conv bases, each sized for the largest of them and drawn from the config's
   * key; every adapter it builds holds those very tensors.
   */
  static BiFunction<Layer, AdapterConfig, VeRAAdapter> prepare(List<Layer> bases,
      AdapterConfig config) {
    LowRank.checkRank(KIND.name(), config.rank());
    int[] linear = new int[2];
    int[] conv = new int[2];
    for (Layer base : bases) {
      WeightView v = WeightView.of(KIND.name(), base);
      int[] max = v instanceof WeightView.OfConv ? conv : linear;
      max[0] = Math.max(max[0], v.out());
      max[1] = Math.max(max[1], v.in());
    }
    long seed = VeRAProjections.seedOf(config.key());
    VeRAProjections forLinear = linear[0] == 0 ? null
        : VeRAProjections.generate(seed, config.rank(), linear[1], linear[0]);
    VeRAProjections forConv = conv[0] == 0 ? null
        : VeRAProjections.generate(seed, config.rank(), conv[1], conv[0]);
    return (base, c) -> {
      WeightView v = WeightView.of(KIND.name(), base);
      VeRAProjections p = v instanceof WeightView.OfConv ? forConv : forLinear;
      if (p == null || c.rank() != config.rank() || p.a().dim(1) < v.in()
          || p.b().dim(0) < v.out()) {
        throw new IllegalArgumentException(KIND.name() + ": the projections were prepared at rank "
            + config.rank() + " for other layers; rank " + c.rank() + " on " + v.describe()
            + " does not fit them");
      }
      return create(base, c, p);
    };
  }

  /** PEFT's VeRA on a Linear; Graft-only on a conv and on a GroupedLinear. */
  @Override
  public PeftForm peft() {
    WeightView v = view();
    return v instanceof WeightView.OfConv ? ON_CONV : ZooAdapter.super.peft();
  }

  /** The length of {@code λ_d}: its last axis. */
  @Override
  public int rank() {
    return lambdaD.dim(lambdaD.ndim() - 1);
  }

  /** {@link #seed()}. */
  @Override
  public @Nullable Long sharedSeed() {
    return seed;
  }

  /** {@code base(x) + ((x (λ_d ⊙ A)ᵀ) (λ_b ⊙ B)ᵀ)}, factored. */
  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    WeightView v = view();
    return base.apply(x).plus(v.lowRank(AdapterDropout.apply(x, dropout, key), scaledA(v),
        scaledB(v), 1.0));
  }

  /** {@code W + diag(λ_b) B diag(λ_d) A}. */
  @Override
  public Layer merge() {
    if (PerGroup.grouped(base)) {
      return PerGroup.merge(this);
    }
    WeightView v = view();
    return v.plus(LowRank.product(scaledB(v), scaledA(v), 1.0));
  }

  /** {@code diag(λ_d) A[:, :in]}. */
  private Tensor scaledA(WeightView v) {
    return VeRAProjections.sliceA(veraA, v.in()).times(lambdaD.unsqueeze(1));
  }

  /** {@code diag(λ_b) B[:out, :]}. */
  private Tensor scaledB(WeightView v) {
    return VeRAProjections.sliceB(veraB, v.out()).times(lambdaB.unsqueeze(1));
  }
}
