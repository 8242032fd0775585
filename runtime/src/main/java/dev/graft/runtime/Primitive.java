package dev.graft.runtime;

/**
 * Every operation the runtime knows, as one closed list. A {@link Tensor} method applies one
 * (or a few) of these through {@link Dispatch}; the current {@link Interpreter} decides what an
 * application means. The eager interpreter computes it; autodiff's tracer records it.
 *
 * <p>Each constant documents its inputs and the {@link Params} it takes.
 *
 * <p><b>Internal</b>: part of the interface between the runtime and the autodiff module (an
 * interpreter sees every primitive application). It is public only because that module lives in
 * another package; applications use {@link Tensor}'s methods and {@code dev.graft.autodiff.Grad}
 * instead, and it may change without notice.
 */
public enum Primitive {
  // ---- elementwise, one input, Params.NONE ----
  /** {@code -x}. */
  NEG,
  /** {@code e^x}. */
  EXP,
  /** Natural logarithm. */
  LOG,
  /** Square root. */
  SQRT,
  /** Absolute value. */
  ABS,
  /** Hyperbolic tangent. */
  TANH,
  /** Logistic sigmoid {@code 1 / (1 + e^-x)}. */
  SIGMOID,
  /** {@code max(x, 0)}. */
  RELU,
  /** Exact GELU {@code x·Φ(x)} (PyTorch's default, via erf). */
  GELU,
  /** Gauss error function. */
  ERF,
  /** {@code -1, 0, 1}; not differentiable (its cotangent is zero). */
  SIGN,
  /** Identity that autodiff treats as a constant. */
  STOP_GRADIENT,

  // ---- elementwise, two inputs with NumPy broadcasting, Params.NONE ----
  /** {@code a + b}. */
  ADD,
  /** {@code a - b}. */
  SUB,
  /** {@code a * b}. */
  MUL,
  /** {@code a / b}. */
  DIV,
  /** {@code a ^ b}. */
  POW,
  /** Elementwise maximum. */
  MAXIMUM,
  /** {@code 1} where {@code a > b}, else {@code 0}; not differentiable. */
  GREATER,
  /** {@code 1} where {@code a == b}, else {@code 0}; not differentiable. */
  EQUAL,
  /** Three inputs {@code (cond, a, b)}: {@code a} where {@code cond != 0}, else {@code b}. */
  WHERE,

  // ---- shape ----
  /** One input; {@link Params.Shape}: the new shape (same size). */
  RESHAPE,
  /** One input; {@link Params.Perm}: output axis {@code i} is input axis {@code perm[i]}. */
  PERMUTE,
  /** One input; {@link Params.Shape}: the target shape (NumPy broadcasting rules). */
  BROADCAST_TO,
  /** One input; {@link Params.Slice}: a strided box of the input. */
  SLICE,
  /**
   * One input; {@link Params.Slice}: the adjoint of {@link #SLICE}, placing the input into the
   * box of a zero tensor of shape {@code Slice.source()}.
   */
  SCATTER_SLICE,
  /** Any number of inputs; {@link Params.Axis}: joined along that axis. */
  CONCAT,
  /** One input; {@link Params.Take}: rows {@code indices} along axis 0 (embedding lookup). */
  TAKE,
  /**
   * One input; {@link Params.Take}: the adjoint of {@link #TAKE}, summing row {@code i} of the
   * input into row {@code indices[i]} of a zero tensor with {@code rows} rows.
   */
  SCATTER_ADD,

  // ---- reductions ----
  /** One input; {@link Params.Axes}: sum over the axes. */
  SUM,
  /** One input; {@link Params.Axes}: maximum over the axes. */
  MAX,
  /** One input; {@link Params.Axis}: softmax along the axis. */
  SOFTMAX,
  /** One input; {@link Params.Axis}: log-softmax along the axis. */
  LOG_SOFTMAX,

  // ---- linear algebra and convolution ----
  /**
   * Two inputs; {@link Params.Matmul}: NumPy matmul of (optionally transposed in their last two
   * axes) operands, batched with broadcast leading dims.
   */
  MATMUL,
  /**
   * One input {@code (N, C, *spatial)}; {@link Params.Patches}: the patches a convolution
   * reads, as {@code (N, C·prod(kernel), prod(outSpatial))}.
   */
  IM2COL,
  /**
   * One input {@code (N, C·prod(kernel), prod(outSpatial))}; {@link Params.Patches}: the
   * adjoint of {@link #IM2COL}, summing patches back into {@code (N, C, *spatial)}.
   */
  COL2IM
}
