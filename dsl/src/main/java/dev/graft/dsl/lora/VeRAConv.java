package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * VeRA (arXiv 2310.11454) on a {@link ConvLayer} (Conv1d/2d/3d): with the kernel seen as {@code
 * W_f (out, flat_in)}, frozen random projections {@code A (r, in_max)}, {@code B (out_max, r)}
 * shared by every conv layer of the {@code lora} call ({@code in_max} the largest {@code flat_in})
 * and sliced to {@code A (r, flat_in)}, {@code B (out, r)}, and trainable {@code λ_b (out) = 0},
 * {@code λ_d (r) = 0.1}; no {@code s}. The kernel becomes {@code W_f + diag(λ_b) B diag(λ_d) A}.
 * Trains factored like {@link LoRAConv}: the small {@code diag(λ_d) A} runs as a convolution with
 * the base's geometry, {@code diag(λ_b) B} as a 1×1 convolution. Trains {@code out + r}
 * parameters. The projections are not meant for checkpoints: {@code seed} is.
 *
 * @param base the frozen conv layer
 * @param veraA the shared frozen {@code (r, in_max)}
 * @param veraB the shared frozen {@code (out_max, r)}
 * @param lambdaB the trainable output scaling {@code (out)}
 * @param lambdaD the trainable rank scaling {@code (r)}
 * @param seed the seed {@code veraA} and {@code veraB} were drawn from
 * @param dropout dropout rate on the adapter's input while training
 */
public record VeRAConv(ConvLayer base, Tensor veraA, Tensor veraB, Tensor lambdaB, Tensor lambdaD,
    long seed, double dropout) implements LoraWrapper {

  /**
   * Builds VeRA adapters for Conv1d/2d/3d layers; {@code prepare} draws the projections shared by
   * all the conv layers of one {@code lora} call.
   */
  public static final AdapterFactory FACTORY = new VeRAFactory("VeRAConv",
      layer -> layer instanceof ConvLayer, layer -> ((ConvLayer) layer).outChannels(),
      layer -> ConvLowRank.flatIn((ConvLayer) layer),
      (base, config, shared) -> create((ConvLayer) base, config, shared), null);

  /** Validates the shapes against the base. */
  public VeRAConv {
    VeRAProjections.check("VeRAConv", veraA, veraB, lambdaB, lambdaD, base.outChannels(),
        ConvLowRank.flatIn(base));
  }

  /** VeRA around {@code base} with {@code shared} projections, {@code λ_b = 0}, {@code λ_d = 0.1}. */
  public static VeRAConv create(ConvLayer base, AdapterConfig config, VeRAProjections shared) {
    return new VeRAConv(base, shared.a(), shared.b(), Tensor.zeros(base.outChannels()),
        Tensor.full(VeRALinear.LAMBDA_D_INIT, shared.a().dim(0)), shared.seed(),
        config.dropout());
  }

  @Override
  public Tensor apply(Tensor x) {
    return apply(x, null);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    return base.apply(x).plus(ConvLowRank.delta(base, AdapterDropout.apply(x, dropout, key),
        scaledA(), scaledB(), 1.0));
  }

  @Override
  public Layer merge() {
    return ConvLowRank.mergeDelta(base, LowRank.product(scaledB(), scaledA(), 1.0));
  }

  /** {@code diag(λ_d) A[:, :flat_in]}. */
  private Tensor scaledA() {
    return VeRAProjections.sliceA(veraA, ConvLowRank.flatIn(base)).times(lambdaD.unsqueeze(1));
  }

  /** {@code diag(λ_b) B[:out, :]}. */
  private Tensor scaledB() {
    return VeRAProjections.sliceB(veraB, base.outChannels()).times(lambdaB.unsqueeze(1));
  }

  @Override
  public List<String> adapterFields() {
    return List.of("lambdaB", "lambdaD");
  }
}
