package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * OFT (arXiv 2306.07280) on a {@link ConvLayer} (Conv1d/2d/3d): with the kernel seen as {@code W_f
 * (out, flat_in)}, {@code W_f' = W_f Rᵀ}, {@code R = blockdiag(Cayley(S_i − S_iᵀ))} over blocks
 * of {@code flat_in}, {@code Cayley(Q) = (I + Q)(I − Q)⁻¹} computed exactly ({@link Cayley}), and
 * trainable {@code S (flat_in/r, r, r) = 0}. Here {@code r} is the block size and must divide
 * {@code flat_in}; {@code α} is not used. The forward forms the rotated kernel once per call and
 * runs the base's convolution with it. Trains {@code (flat_in/r)·r²} parameters; merges into
 * {@code W_f Rᵀ}. No adapter input path, so dropout does not apply.
 *
 * @param base the frozen conv layer
 * @param oftS the trainable {@code (flat_in/r, r, r)} blocks whose skew parts generate {@code R}
 */
public record OFTConv(ConvLayer base, Tensor oftS) implements LoraWrapper {

  /** Builds OFT adapters for Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("OFTConv",
      layer -> layer instanceof ConvLayer,
      (base, config) -> create((ConvLayer) base, config));

  /** Validates {@code S}'s shape against the base. */
  public OFTConv {
    OFTBlocks.check("OFTConv", oftS, ConvLowRank.flatIn(base));
  }

  /** OFT around {@code base} with blocks of size {@code config.rank()}, {@code S = 0}. */
  public static OFTConv create(ConvLayer base, AdapterConfig config) {
    return new OFTConv(base, OFTBlocks.init("OFTConv", config.rank(), ConvLowRank.flatIn(base)));
  }

  @Override
  public Tensor apply(Tensor x) {
    return merge().apply(x);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    return apply(x);
  }

  @Override
  public ConvLayer merge() {
    return base.withWeight(ConvLowRank.asKernel(base,
        OFTBlocks.rotateWeight(ConvLowRank.flatWeight(base), oftS)));
  }

  @Override
  public List<String> adapterFields() {
    return List.of("oftS");
  }
}
