package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * VeRA (arXiv 2310.11454) on a {@link Linear}: frozen random projections {@code A (r, in_max)} and
 * {@code B (out_max, r)} shared by every layer of the {@code lora} call (the same tensor objects,
 * see {@link VeRAProjections}), sliced to {@code A (r, in)} and {@code B (out, r)}, and two
 * trainable scaling vectors {@code λ_b (out) = 0} and {@code λ_d (r) = 0.1}; no {@code s}:
 * {@code y = x Wᵀ + b + λ_b ⊙ (((x Aᵀ) ⊙ λ_d) Bᵀ)}, starting as the identity since {@code λ_b =
 * 0}. Trains {@code out + r} parameters; merges into {@code W + diag(λ_b) B diag(λ_d) A}. The
 * projections are not meant for checkpoints: {@code seed} is, and {@link
 * VeRAProjections#generate} rebuilds them.
 *
 * @param base the frozen layer
 * @param veraA the shared frozen {@code (r, in_max)}
 * @param veraB the shared frozen {@code (out_max, r)}
 * @param lambdaB the trainable output scaling {@code (out)}
 * @param lambdaD the trainable rank scaling {@code (r)}
 * @param seed the seed {@code veraA} and {@code veraB} were drawn from
 * @param dropout dropout rate on the adapter's input while training
 */
public record VeRALinear(Linear base, Tensor veraA, Tensor veraB, Tensor lambdaB, Tensor lambdaD,
    long seed, double dropout) implements LoraWrapper {

  /** λ_d's initial value. */
  public static final float LAMBDA_D_INIT = 0.1f;

  /**
   * Builds VeRA adapters for {@link Linear} layers; {@code prepare} draws the projections shared
   * by all the layers of one {@code lora} call.
   */
  public static final AdapterFactory FACTORY = new VeRAFactory("VeRALinear",
      layer -> layer instanceof Linear, layer -> ((Linear) layer).outFeatures(),
      layer -> ((Linear) layer).inFeatures(),
      (base, config, shared) -> create((Linear) base, config, shared), null);

  /** Validates the shapes against the base. */
  public VeRALinear {
    VeRAProjections.check("VeRALinear", veraA, veraB, lambdaB, lambdaD, base.outFeatures(),
        base.inFeatures());
  }

  /** VeRA around {@code base} with {@code shared} projections, {@code λ_b = 0}, {@code λ_d = 0.1}. */
  public static VeRALinear create(Linear base, AdapterConfig config, VeRAProjections shared) {
    return new VeRALinear(base, shared.a(), shared.b(), Tensor.zeros(base.outFeatures()),
        Tensor.full(LAMBDA_D_INIT, shared.a().dim(0)), shared.seed(), config.dropout());
  }

  @Override
  public Tensor apply(Tensor x) {
    return apply(x, null);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    Tensor a = VeRAProjections.sliceA(veraA, base.inFeatures());
    Tensor b = VeRAProjections.sliceB(veraB, base.outFeatures());
    Tensor h = AdapterDropout.apply(x, dropout, key).matmul(a, false, true).times(lambdaD)
        .matmul(b, false, true).times(lambdaB);
    return base.apply(x).plus(h);
  }

  @Override
  public Layer merge() {
    Tensor a = VeRAProjections.sliceA(veraA, base.inFeatures());
    Tensor b = VeRAProjections.sliceB(veraB, base.outFeatures());
    return base.withWeight(base.weight().plus(
        LowRank.product(b.times(lambdaB.unsqueeze(1)), a.times(lambdaD.unsqueeze(1)), 1.0)));
  }

  @Override
  public List<String> adapterFields() {
    return List.of("lambdaB", "lambdaD");
  }
}
