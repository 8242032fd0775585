package dev.graft.dsl.lora;

import dev.graft.dsl.nn.GroupedLayer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A first-class zoo adapter: one record per method that adapts any layer a {@link WeightView}
 * sees (Linear, Conv1d/2d/3d, GroupedLinear), and describes itself through its {@link
 * AdapterKind}. On a GroupedLinear, call it as its base is called: {@link #apply(Tensor, int[])}.
 */
public interface ZooAdapter extends LoraWrapper, GroupedLayer {
  /** The adapter's kind (name, trainable fields, PEFT form, factory): its class's {@code KIND}. */
  default AdapterKind kind() {
    return AdapterKind.ofType(getClass());
  }

  /**
   * The rank as a PEFT config states it: the inner dimension of low-rank factors, VeRA's
   * {@code λ_d} length, OFT's block size; 0 when the adapter has none (IA3).
   */
  int rank();

  /** The scale {@code s} of the update; NaN for adapters without one (IA3, VeRA, OFT). */
  default double updateScale() {
    return Double.NaN;
  }

  /** Dropout rate on the adapter's input while training; 0 for adapters without an input path. */
  default double dropout() {
    return 0.0;
  }

  /**
   * How this adapter appears in a PEFT directory: its kind's form, unless the base changes it (PEFT
   * has no GroupedLinear, so an adapter on one is Graft's own).
   */
  default PeftForm peft() {
    return PerGroup.grouped(base()) ? kind().peft().onlyGraft("PEFT has no GroupedLinear layer;"
        + " the adapter holds one slice per group in each field") : kind().peft();
  }

  /** The seed shared frozen tensors were drawn from (VeRA's projections); null if none. */
  default @Nullable Long sharedSeed() {
    return null;
  }

  /**
   * {@link #apply(Tensor, Key)} without a key: the inference forward. An adapter with an input
   * path implements {@code apply(x, key)}; one without (IA3, OFT) implements this method instead.
   */
  @Override
  default Tensor apply(Tensor x) {
    return apply(x, (Key) null);
  }

  /**
   * Row {@code r} of {@code x (..., in)} through group {@code groups[r]} of a GroupedLinear base,
   * adapter included; refused on any other base.
   */
  @Override
  default Tensor apply(Tensor x, int[] groups) {
    return apply(x, groups, null);
  }

  /**
   * As {@link #apply(Tensor, int[])}, with the adapter's input dropout drawn from {@code key}
   * (each group's from {@code key.foldIn(group)}).
   */
  @Override
  default Tensor apply(Tensor x, int[] groups, @Nullable Key key) {
    return PerGroup.apply(this, x, groups, key);
  }

  /** The layer seen as a weight matrix. */
  default WeightView view() {
    return WeightView.of(kind().name(), base());
  }

  /** The trainable fields its kind declares. */
  @Override
  default List<String> adapterFields() {
    return kind().trainable();
  }
}
