package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.GroupedLayer;
import dev.graft.dsl.nn.GroupedLinear;
import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * LoRA on a {@link GroupedLinear} (weight {@code (G, in, out)}, each row through its group's
 * matrix): one pair of factors per group, {@code A (G, in, r)} and {@code B (G, r, out)}, so row
 * {@code x} of group {@code g} maps to {@code x W_g + b_g + s·(x A_g) B_g} with {@code s = α/r}.
 * The factors run as grouped maps themselves (never forming {@code A_g B_g}). Init: {@code A}
 * kaiming-uniform (bound {@code 1/√in}), {@code B = 0}, so it starts as the base. Trains {@code
 * G·r·(in + out)} parameters; merges into {@code W_g + s·A_g B_g}.
 *
 * <p>Like its base it needs each row's group: call {@link #apply(Tensor, int[])}.
 *
 * @param base the frozen grouped layer
 * @param loraA the down projections {@code (G, in, r)}
 * @param loraB the up projections {@code (G, r, out)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoRAGroupedLinear(GroupedLinear base, Tensor loraA, Tensor loraB, double scale,
    double dropout) implements LoraWrapper, GroupedLayer {

  /** Builds LoRA adapters for {@link GroupedLinear} layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("LoRAGroupedLinear",
      layer -> layer instanceof GroupedLinear,
      (base, config) -> create((GroupedLinear) base, config));

  /** Validates the factor shapes against the base. */
  public LoRAGroupedLinear {
    int g = base.numGroups();
    int[] as = loraA.shape();
    int[] bs = loraB.shape();
    if (as.length != 3 || bs.length != 3 || as[0] != g || bs[0] != g
        || as[1] != base.inFeatures() || bs[2] != base.outFeatures() || as[2] != bs[1]) {
      throw new IllegalArgumentException("LoRAGroupedLinear: factors A " + Shapes.format(as)
          + " and B " + Shapes.format(bs) + " do not fit a base of shape "
          + Shapes.format(base.weight().shape()) + ": expected A (" + g + ", "
          + base.inFeatures() + ", r) and B (" + g + ", r, " + base.outFeatures() + ")");
    }
  }

  /** LoRA around {@code base} with {@code config}'s rank, {@code α/r} scale and key. */
  public static LoRAGroupedLinear create(GroupedLinear base, AdapterConfig config) {
    int r = config.rank();
    LowRank.checkRank("LoRAGroupedLinear", r);
    int g = base.numGroups();
    int in = base.inFeatures();
    Tensor a = Init.kaimingUniform(config.key(), Math.sqrt(5.0), in, g, in, r);
    return new LoRAGroupedLinear(base, a, Tensor.zeros(g, r, base.outFeatures()), config.scale(),
        config.dropout());
  }

  /** Refused, as for the base: a grouped layer needs each row's group. */
  @Override
  public Tensor apply(Tensor x) {
    throw new UnsupportedOperationException("LoRAGroupedLinear: group indices are required, one "
        + "per input row; call apply(x, groups)");
  }

  /** Row {@code r} of {@code x (..., in)} through group {@code groups[r]}, adapter included. */
  @Override
  public Tensor apply(Tensor x, int[] groups) {
    return apply(x, groups, null);
  }

  /** As {@link #apply(Tensor, int[])}, with the adapter's input dropout drawn from {@code key}. */
  public Tensor apply(Tensor x, int[] groups, @Nullable Key key) {
    Tensor down = new GroupedLinear(loraA, null).apply(AdapterDropout.apply(x, dropout, key),
        groups);
    Tensor up = new GroupedLinear(loraB, null).apply(down, groups);
    return base.apply(x, groups).plus(scale == 1.0 ? up : up.times((float) scale));
  }

  @Override
  public Layer merge() {
    return new GroupedLinear(base.weight().plus(LowRank.product(loraA, loraB, scale)),
        base.bias());
  }

  @Override
  public List<String> adapterFields() {
    return List.of("loraA", "loraB");
  }
}
