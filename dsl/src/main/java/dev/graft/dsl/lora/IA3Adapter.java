package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Map;

/**
 * (IA)³ (arXiv 2205.05638) on a Linear or a Conv1d/2d/3d: a learned vector {@code l (out)}
 * rescales each output feature or channel, {@code y = l ⊙ base(x)}; merges into {@code W' =
 * diag(l) W} (row {@code o} of the weight, or kernel {@code o}, times {@code l[o]}) and bias {@code
 * l ⊙ b}. Init {@code l = 1}, so it starts as the base. The rank and alpha of the configuration are
 * ignored, and so is dropout (there is no input path). Trains {@code out} parameters.
 *
 * @param base the frozen layer
 * @param ia3L the output scale {@code l (out)}
 */
public record IA3Adapter(Layer base, Tensor ia3L) implements ZooAdapter {

  /** IA3's description: only {@code l} trains; PEFT's IA3. */
  public static final AdapterKind KIND = AdapterKind.of("IA3", IA3Adapter.class, List.of("ia3L"),
      PeftForm.peft("IA3", "ia3", false, Map.of("ia3L", "ia3_l")),
      (base, config) -> create(base));

  /** Builds (IA)³ adapters for Linear and Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = KIND.factory();

  /** Validates that {@code l} has one value per output. */
  public IA3Adapter {
    RowScale.checkVector(KIND.name(), "ia3L", ia3L, WeightView.of(KIND.name(), base));
  }

  /** (IA)³ around {@code base} with {@code l = 1}. */
  public static IA3Adapter create(Layer base) {
    return PerGroup.ofEach(KIND, base, null,
        (one, c) -> new IA3Adapter(one, Tensor.ones(WeightView.of(KIND.name(), one).out())));
  }

  /** IA3 has no rank. */
  @Override
  public int rank() {
    return 0;
  }

  /** {@code l ⊙ base(x)} on the output features or channels. */
  @Override
  public Tensor apply(Tensor x) {
    return RowScale.onOutput(base.apply(x), ia3L, view().spatialDims());
  }

  /** Weight rows and bias times {@code l}. */
  @Override
  public Layer merge() {
    if (PerGroup.grouped(base)) {
      return PerGroup.merge(this);
    }
    WeightView v = view();
    Tensor b = v.bias();
    return v.withParams(RowScale.onRows(v.matrix(), ia3L), b == null ? null : b.times(ia3L));
  }
}
