package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * OFT (arXiv 2306.07280) on a {@link Linear}: an orthogonal rotation of each neuron's input space,
 * which keeps the angles between neurons. {@code W' = W Rᵀ} with {@code R = blockdiag(Cayley(S_i −
 * S_iᵀ))}, {@code Cayley(Q) = (I + Q)(I − Q)⁻¹} computed exactly ({@link Cayley}), and trainable
 * {@code S (in/r, r, r) = 0}, so {@code R = I} at init. Here {@code r} is the block size and must
 * divide {@code in}; {@code α} is not used. Forward: {@code y = (x R) Wᵀ + b}, rotating the input
 * block by block ({@link BlockRotation}) rather than forming {@code W Rᵀ}; the same function.
 * Trains {@code (in/r)·r²} parameters; merges into {@code W Rᵀ}. OFT has no adapter input path,
 * so dropout does not apply.
 *
 * @param base the frozen layer
 * @param oftS the trainable {@code (in/r, r, r)} blocks whose skew parts generate {@code R}
 */
public record OFTLinear(Linear base, Tensor oftS) implements LoraWrapper {

  /** Builds OFT adapters for {@link Linear} layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("OFTLinear",
      layer -> layer instanceof Linear,
      (base, config) -> create((Linear) base, config));

  /** Validates {@code S}'s shape against the base. */
  public OFTLinear {
    OFTBlocks.check("OFTLinear", oftS, base.inFeatures());
  }

  /** OFT around {@code base} with blocks of size {@code config.rank()}, {@code S = 0}. */
  public static OFTLinear create(Linear base, AdapterConfig config) {
    return new OFTLinear(base, OFTBlocks.init("OFTLinear", config.rank(), base.inFeatures()));
  }

  @Override
  public Tensor apply(Tensor x) {
    return base.apply(BlockRotation.applyRight(x, Cayley.rotations(oftS), false));
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    return apply(x);
  }

  @Override
  public Layer merge() {
    return base.withWeight(OFTBlocks.rotateWeight(base.weight(), oftS));
  }

  @Override
  public List<String> adapterFields() {
    return List.of("oftS");
  }
}
