package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The factory behind {@link VeRALinear#FACTORY} and {@link VeRAConv#FACTORY}: {@link #prepare}
 * draws one pair of {@link VeRAProjections} sized for the largest of the bases ({@code in_max},
 * {@code out_max}) from the call's key and returns a factory that hands those very tensors to
 * every adapter it creates. Used without {@code prepare}, {@link #create} sizes a pair for the one
 * base.
 */
final class VeRAFactory implements AdapterFactory {
  /** How an adapter is built from its base, its config and the shared projections. */
  @FunctionalInterface
  interface Builder {
    LoraWrapper build(Layer base, AdapterConfig config, VeRAProjections shared);
  }

  private final String name;
  private final Predicate<Layer> kind;
  private final ToIntFunction<Layer> outOf;
  private final ToIntFunction<Layer> inOf;
  private final Builder builder;
  private final @Nullable VeRAProjections shared;

  VeRAFactory(String name, Predicate<Layer> kind, ToIntFunction<Layer> outOf,
      ToIntFunction<Layer> inOf, Builder builder, @Nullable VeRAProjections shared) {
    this.name = name;
    this.kind = kind;
    this.outOf = outOf;
    this.inOf = inOf;
    this.builder = builder;
    this.shared = shared;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean appliesTo(Layer layer) {
    return !(layer instanceof LoraWrapper) && kind.test(layer);
  }

  @Override
  public AdapterFactory prepare(List<Layer> bases, AdapterConfig config) {
    LowRank.checkRank(name, config.rank());
    int inMax = 0;
    int outMax = 0;
    for (Layer base : bases) {
      if (!appliesTo(base)) {
        throw new IllegalArgumentException(name + ": cannot wrap "
            + base.getClass().getSimpleName());
      }
      inMax = Math.max(inMax, inOf.applyAsInt(base));
      outMax = Math.max(outMax, outOf.applyAsInt(base));
    }
    if (bases.isEmpty()) {
      return this;
    }
    VeRAProjections p = VeRAProjections.generate(VeRAProjections.seedOf(config.key()),
        config.rank(), inMax, outMax);
    return new VeRAFactory(name, kind, outOf, inOf, builder, p);
  }

  @Override
  public LoraWrapper create(Layer base, AdapterConfig config) {
    LowRank.checkRank(name, config.rank());
    VeRAProjections p = shared;
    if (p == null) {
      p = VeRAProjections.generate(VeRAProjections.seedOf(config.key()), config.rank(),
          inOf.applyAsInt(base), outOf.applyAsInt(base));
    } else if (p.a().dim(0) != config.rank()) {
      throw new IllegalArgumentException(name + ": rank " + config.rank()
          + " differs from the shared projections' rank " + p.a().dim(0)
          + " this factory was prepared with");
    } else if (p.a().dim(1) < inOf.applyAsInt(base) || p.b().dim(0) < outOf.applyAsInt(base)) {
      throw new IllegalArgumentException(name + ": a base seen as (" + outOf.applyAsInt(base)
          + ", " + inOf.applyAsInt(base) + ") exceeds the shared projections, sized for ("
          + p.b().dim(0) + ", " + p.a().dim(1) + ") by prepare");
    }
    return builder.build(base, config, p);
  }

  @Override
  public String toString() {
    return name;
  }
}
