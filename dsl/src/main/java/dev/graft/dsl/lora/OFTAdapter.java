package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * OFT (arXiv 2306.07280) on a Linear or a Conv1d/2d/3d: a block-diagonal orthogonal rotation
 * {@code R = blockdiag(Cayley(S_i − S_iᵀ))}, {@code Cayley(Q) = (I + Q)(I − Q)⁻¹} computed exactly
 * ({@link Cayley}), trainable {@code S = 0} so {@code R = I} at init. Here {@code r} is the block
 * size; {@code α} is not used, and there is no adapter input path, so dropout does not apply. The
 * axis it rotates differs by layer:
 *
 * <ul>
 *   <li>Linear: each neuron's input space, which keeps the angles between neurons: {@code W' = W
 *       Rᵀ} with {@code S (in/r, r, r)}, {@code r} dividing {@code in}. The forward rotates the
 *       input block by block ({@link BlockRotation}), {@code y = (x R) Wᵀ + b}, never forming
 *       {@code W Rᵀ}. Trains {@code (in/r)·r²} parameters.
 *   <li>Conv, as jNO's {@code OFTConv}: the output channels, with the kernel seen as {@code W_f
 *       (out, flat_in)}: {@code W_f' = R W_f} with {@code S (out/r, r, r)}, {@code r} dividing
 *       {@code out_ch}; the bias is not rotated. The forward forms the rotated kernel once per
 *       call. Trains {@code (out/r)·r²} parameters, so {@code Conv2d(4 → 8, k = 3)} at {@code r =
 *       4} trains 32.
 * </ul>
 *
 * @param base the frozen layer
 * @param oftS the trainable {@code (n, r, r)} blocks whose skew parts generate {@code R}
 */
public record OFTAdapter(Layer base, Tensor oftS) implements ZooAdapter {

  /** OFT's description: only {@code S} trains; only Graft reads this form. */
  public static final AdapterKind KIND = AdapterKind.of("OFT", OFTAdapter.class, List.of("oftS"),
      PeftForm.graftOnly("oft", false, "the zoo's OFT stores full blocks S with R = Cayley(S -"
          + " S^T); PEFT's OFT stores packed triangles with its own map (use PeftOFTLinear for a"
          + " PEFT-compatible OFT)", Map.of("oftS", "oft_r")), OFTAdapter::create);

  /** Builds OFT adapters for Linear and Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = KIND.factory();

  /** Validates {@code S}'s shape against the rotated axis of the base. */
  public OFTAdapter {
    WeightView v = WeightView.of(KIND.name(), base);
    if (v instanceof WeightView.OfConv) {
      OFTBlocks.check(KIND.name(), v, oftS, v.out(), "out_ch");
    } else {
      OFTBlocks.check(KIND.name(), v, oftS, v.in(), "in");
    }
  }

  /** OFT around {@code base} with blocks of size {@code config.rank()}, {@code S = 0}. */
  public static OFTAdapter create(Layer base, AdapterConfig config) {
    return PerGroup.ofEach(KIND, base, config, (one, c) -> {
      WeightView v = WeightView.of(KIND.name(), one);
      int r = c.rank();
      boolean linear = v instanceof WeightView.OfLinear;
      int size = linear ? v.in() : v.out();
      OFTBlocks.checkBlockSize(KIND.name(), r, size, linear ? "input size" : "output channels",
          linear ? "in" : "out_ch");
      return new OFTAdapter(one, Tensor.zeros(size / r, r, r));
    });
  }

  /** The block size: {@code S}'s last axis. */
  @Override
  public int rank() {
    return oftS.dim(oftS.ndim() - 1);
  }

  /** Linear: {@code base(x R)}; conv: the base's convolution with {@code R W_f}. */
  @Override
  public Tensor apply(Tensor x) {
    if (base instanceof Linear) {
      return base.apply(BlockRotation.applyRight(x, Cayley.rotations(oftS), false));
    }
    return merge().apply(x);
  }

  /** As {@link #apply(Tensor)}: there is no input path for dropout. */
  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    return apply(x);
  }

  /** {@code W Rᵀ} (Linear) or {@code R W_f} (conv), same bias. */
  @Override
  public Layer merge() {
    if (PerGroup.grouped(base)) {
      return PerGroup.merge(this);
    }
    WeightView v = view();
    return v.withMatrix(v instanceof WeightView.OfLinear ? OFTBlocks.rotateWeight(v.matrix(), oftS)
        : OFTBlocks.rotateRows(v.matrix(), oftS));
  }
}
