package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * OFT (arXiv 2306.07280) on a {@link ConvLayer} (Conv1d/2d/3d), as jNO's {@code OFTConv}: a
 * block-diagonal Cayley rotation of the <em>output channels</em>. With the kernel seen as {@code
 * W_f (out, flat_in)}, {@code W_f' = R W_f}, {@code R = blockdiag(Cayley(S_i − S_iᵀ))} over
 * {@code out/r} blocks of {@code r} channels, {@code Cayley(Q) = (I + Q)(I − Q)⁻¹} computed exactly
 * ({@link Cayley}), and trainable {@code S (out/r, r, r) = 0}. Here {@code r} is the block size
 * and must divide {@code out_ch}; {@code α} is not used. So {@code Conv2d(4 → 8, k = 3)} at {@code
 * r = 4} trains {@code 2·4² = 32} values. Each output channel becomes a rotation of the channels
 * in its block, so the angles between input-side filters ({@code W_fᵀ W_f}) are kept; the bias is
 * not rotated. The forward forms the rotated kernel once per call and runs the base's convolution
 * with it. Trains {@code (out/r)·r²} parameters; merges into {@code R W_f}. No adapter input path,
 * so dropout does not apply.
 *
 * @param base the frozen conv layer
 * @param oftS the trainable {@code (out/r, r, r)} blocks whose skew parts generate {@code R}
 */
public record OFTConv(ConvLayer base, Tensor oftS) implements LoraWrapper {

  /** Builds OFT adapters for Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("OFTConv",
      layer -> layer instanceof ConvLayer,
      (base, config) -> create((ConvLayer) base, config));

  /** Validates {@code S}'s shape against the base. */
  public OFTConv {
    OFTBlocks.check("OFTConv", oftS, base.outChannels(), "out_ch");
  }

  /** OFT around {@code base} with blocks of {@code config.rank()} output channels, {@code S = 0}. */
  public static OFTConv create(ConvLayer base, AdapterConfig config) {
    int out = base.outChannels();
    int r = config.rank();
    OFTBlocks.checkBlockSize("OFTConv", r, out, "output channels", "out_ch");
    return new OFTConv(base, Tensor.zeros(out / r, r, r));
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
        OFTBlocks.rotateRows(ConvLowRank.flatWeight(base), oftS)));
  }

  @Override
  public List<String> adapterFields() {
    return List.of("oftS");
  }
}
