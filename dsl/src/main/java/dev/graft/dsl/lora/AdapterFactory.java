package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import java.util.List;

/**
 * Builds one kind of adapter: which base layers it applies to and how an adapter is made from a
 * base and an {@link AdapterConfig} (rank, alpha, dropout, key). Every zoo class exposes one as
 * {@code FACTORY}; a user's own adapter plugs into {@code Net.lora} through the same interface.
 */
public interface AdapterFactory {
  /** A short name for messages and summaries, e.g. {@code LoRA}. */
  String name();

  /** Whether this factory can wrap {@code layer} (never another wrapper). */
  boolean appliesTo(Layer layer);

  /**
   * The adapter around {@code base}. Throws {@link IllegalArgumentException} for a rank or shape
   * the layer cannot take; the caller adds the layer's path to the message.
   */
  LoraWrapper create(Layer base, AdapterConfig config);

  /**
   * Called once per {@code lora} call with every base this factory is about to wrap, before any
   * {@link #create}; returns the factory to use for them. Adapters that share state across layers
   * (VeRA's shared random projections) build it here. The default returns {@code this}.
   */
  default AdapterFactory prepare(List<Layer> bases, AdapterConfig config) {
    return this;
  }

  /**
   * A factory from a name, a type test and a constructor function: the short way to register a
   * custom adapter.
   */
  static AdapterFactory of(String name, java.util.function.Predicate<Layer> appliesTo,
      java.util.function.BiFunction<Layer, AdapterConfig, LoraWrapper> create) {
    return new AdapterFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean appliesTo(Layer layer) {
        return !(layer instanceof LoraWrapper) && appliesTo.test(layer);
      }

      @Override
      public LoraWrapper create(Layer base, AdapterConfig config) {
        return create.apply(base, config);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
