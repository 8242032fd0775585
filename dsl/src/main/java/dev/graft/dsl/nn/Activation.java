package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;
import java.util.function.UnaryOperator;

/**
 * An elementwise nonlinearity as a value: static configuration for layers such as {@link Mlp}
 * that apply one between their children. {@link #module()} gives the matching layer.
 */
public enum Activation implements UnaryOperator<Tensor> {
  /** {@code max(x, 0)}. */
  RELU,
  /** Exact GELU, {@code x·Φ(x)}. */
  GELU,
  /** {@code tanh(x)}. */
  TANH,
  /** {@code 1 / (1 + e^-x)}. */
  SIGMOID,
  /** {@code x·sigmoid(x)}. */
  SILU,
  /** {@code x}. */
  IDENTITY;

  /** The nonlinearity applied to {@code x}. */
  @Override
  public Tensor apply(Tensor x) {
    return switch (this) {
      case RELU -> x.relu();
      case GELU -> x.gelu();
      case TANH -> x.tanh();
      case SIGMOID -> x.sigmoid();
      case SILU -> x.times(x.sigmoid());
      case IDENTITY -> x;
    };
  }

  /** The same nonlinearity as a parameterless layer. */
  public Layer module() {
    return switch (this) {
      case RELU -> new Relu();
      case GELU -> new Gelu();
      case TANH -> new Tanh();
      case SIGMOID -> new Sigmoid();
      case SILU -> new Silu();
      case IDENTITY -> new Identity();
    };
  }
}
