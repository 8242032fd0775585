package dev.graft.runtime;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An immutable float32 tensor: a shape and row-major data that are never written after the tensor
 * is built. Every operation returns a new tensor and goes through {@link Dispatch}, so the same
 * code runs eagerly or under autodiff's tracer. Method names follow Kotlin's operator conventions
 * ({@code plus}, {@code minus}, {@code times}, {@code div}, {@code unaryMinus}, {@code get}).
 *
 * <p>Equality is by value: same shape and bitwise-equal data.
 */
public final class Tensor {
  private final float[] data;
  private final int[] shape;
  /**
   * The trace that follows this tensor, if any (set once, right after the tensor is made, on the
   * thread that made it; other threads see it through the hand-over that gave them the tensor).
   */
  private @Nullable TraceMark trace;

  /** Takes ownership of {@code data}: the caller never writes it again. */
  Tensor(float[] data, int[] shape) {
    this.data = data;
    this.shape = shape;
  }

  // ------------------------------------------------------------------ factories

  /** A tensor holding a copy of {@code data} in the given shape; sizes must agree. */
  public static Tensor of(float[] data, int... shape) {
    int[] s = shape.clone();
    int n = Shapes.size(s);
    if (n != data.length) {
      throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape "
          + Shapes.format(s) + " (" + n + " elements)");
    }
    return new Tensor(data.clone(), s);
  }

  /**
   * A tensor that takes ownership of {@code data} without copying: for kernels and loaders that
   * just filled a fresh array and will never touch it again.
   *
   * <p><b>Internal</b>: a tensor is never written after it is built only if the caller keeps this
   * promise; nothing checks it. It is public because Graft's own loaders, optimizers and layers
   * live in other packages. Applications use {@link #of(float[], int...)}, which copies.
   */
  public static Tensor adopt(float[] data, int... shape) {
    int[] s = shape.clone();
    if (Shapes.size(s) != data.length) {
      throw new IllegalArgumentException("Tensor.adopt: " + data.length
          + " values do not fill shape " + Shapes.format(s));
    }
    return new Tensor(data, s);
  }

  /** A tensor of zeros. */
  public static Tensor zeros(int... shape) {
    return new Tensor(new float[Shapes.size(shape)], shape.clone());
  }

  /** A tensor of ones. */
  public static Tensor ones(int... shape) {
    return full(1f, shape);
  }

  /** A tensor filled with {@code value}. */
  public static Tensor full(float value, int... shape) {
    float[] d = new float[Shapes.size(shape)];
    Arrays.fill(d, value);
    return new Tensor(d, shape.clone());
  }

  /** A 0-dimensional tensor. */
  public static Tensor scalar(float value) {
    return new Tensor(new float[] {value}, new int[0]);
  }

  /** {@code 0, 1, ..., n-1} as a 1-d tensor. */
  public static Tensor arange(int n) {
    return arange(0f, n, 1f);
  }

  /** {@code start, start+step, ...} up to (excluding) {@code stop}, as in NumPy. */
  public static Tensor arange(float start, float stop, float step) {
    if (step == 0f || Float.isNaN(step)) {
      throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
    }
    int n = (int) Math.max(0, Math.ceil((stop - start) / (double) step));
    float[] d = new float[n];
    for (int i = 0; i < n; i++) {
      d[i] = (float) (start + (double) i * step);
    }
    return new Tensor(d, new int[] {n});
  }

  // ------------------------------------------------------------------ access

  /** A copy of the row-major data. */
  public float[] toArray() {
    return data.clone();
  }

  /**
   * A read-only view of the row-major data, without a copy: for streaming a large tensor out (to
   * a file, say) in chunks instead of copying it whole first.
   */
  public java.nio.FloatBuffer buffer() {
    return java.nio.FloatBuffer.wrap(data).asReadOnlyBuffer();
  }

  /** The flat (row-major) index of the first NaN or infinite value, or {@code -1} if none. */
  public int firstNonFinite() {
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        return i;
      }
    }
    return -1;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** Size of axis {@code axis} (negative counts from the end). */
  public int dim(int axis) {
    return shape[Shapes.axis("dim", axis, shape.length)];
  }

  /** Number of axes. */
  public int ndim() {
    return shape.length;
  }

  /** Number of elements. */
  public long size() {
    return data.length;
  }

  /** The only value of a one-element tensor. */
  public float item() {
    if (data.length != 1) {
      throw new IllegalStateException("item: tensor of shape " + Shapes.format(shape)
          + " has " + data.length + " elements, not 1");
    }
    return data[0];
  }

  /** The value at a full index (one position per axis), without building a tensor. */
  public float value(int... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException("value: " + index.length + " indices for a tensor of shape "
          + Shapes.format(shape));
    }
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      int ix = index[i] < 0 ? index[i] + shape[i] : index[i];
      if (ix < 0 || ix >= shape[i]) {
        throw new IndexOutOfBoundsException("value: index " + index[i] + " out of range for axis "
            + i + " of size " + shape[i] + " in shape " + Shapes.format(shape));
      }
      flat = flat * shape[i] + ix;
    }
    return data[flat];
  }

  /** Package-private read access for the eager interpreter; never written. */
  float[] data() {
    return data;
  }

  int[] shapeRef() {
    return shape;
  }

  @Nullable TraceMark traceMark() {
    return trace;
  }

  void traceMark(TraceMark mark) {
    trace = mark;
  }

  // ------------------------------------------------------------------ elementwise

  /** {@code this + other}, broadcasting. */
  public Tensor plus(Tensor other) {
    return binary(Primitive.ADD, "plus", other);
  }

  /** {@code this + c}. */
  public Tensor plus(float c) {
    return plus(scalar(c));
  }

  /** {@code this - other}, broadcasting. */
  public Tensor minus(Tensor other) {
    return binary(Primitive.SUB, "minus", other);
  }

  /** {@code this - c}. */
  public Tensor minus(float c) {
    return minus(scalar(c));
  }

  /** {@code this * other} elementwise, broadcasting. */
  public Tensor times(Tensor other) {
    return binary(Primitive.MUL, "times", other);
  }

  /** {@code this * c}. */
  public Tensor times(float c) {
    return times(scalar(c));
  }

  /** {@code this / other} elementwise, broadcasting. */
  public Tensor div(Tensor other) {
    return binary(Primitive.DIV, "div", other);
  }

  /** {@code this / c}. */
  public Tensor div(float c) {
    return div(scalar(c));
  }

  /** {@code this ^ other} elementwise, broadcasting. */
  public Tensor pow(Tensor other) {
    return binary(Primitive.POW, "pow", other);
  }

  /** {@code this ^ c}. */
  public Tensor pow(float c) {
    return pow(scalar(c));
  }

  /** Elementwise maximum, broadcasting. */
  public Tensor maximum(Tensor other) {
    return binary(Primitive.MAXIMUM, "maximum", other);
  }

  /** Elementwise {@code max(this, c)}. */
  public Tensor maximum(float c) {
    return maximum(scalar(c));
  }

  /** {@code 1} where {@code this > other}, else {@code 0}; not differentiable. */
  public Tensor greater(Tensor other) {
    return binary(Primitive.GREATER, "greater", other);
  }

  /** {@code 1} where {@code this > c}, else {@code 0}; not differentiable. */
  public Tensor greater(float c) {
    return greater(scalar(c));
  }

  /** {@code 1} where {@code this == other}, else {@code 0}; not differentiable. */
  public Tensor equalTo(Tensor other) {
    return binary(Primitive.EQUAL, "equalTo", other);
  }

  /** {@code -this}. */
  public Tensor unaryMinus() {
    return unary(Primitive.NEG);
  }

  /** {@code e^this}. */
  public Tensor exp() {
    return unary(Primitive.EXP);
  }

  /** Natural logarithm. */
  public Tensor log() {
    return unary(Primitive.LOG);
  }

  /** Square root. */
  public Tensor sqrt() {
    return unary(Primitive.SQRT);
  }

  /** {@code this * this}. */
  public Tensor square() {
    return times(this);
  }

  /** Absolute value. */
  public Tensor abs() {
    return unary(Primitive.ABS);
  }

  /** Hyperbolic tangent. */
  public Tensor tanh() {
    return unary(Primitive.TANH);
  }

  /** Logistic sigmoid. */
  public Tensor sigmoid() {
    return unary(Primitive.SIGMOID);
  }

  /** {@code max(this, 0)}. */
  public Tensor relu() {
    return unary(Primitive.RELU);
  }

  /** Exact GELU, {@code x·Φ(x)}, as PyTorch's default. */
  public Tensor gelu() {
    return unary(Primitive.GELU);
  }

  /** Gauss error function. */
  public Tensor erf() {
    return unary(Primitive.ERF);
  }

  /** {@code -1, 0, 1} by sign; not differentiable. */
  public Tensor sign() {
    return unary(Primitive.SIGN);
  }

  /** {@code a} where {@code cond != 0}, else {@code b}; all three broadcast together. */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) {
    int[] s = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape, a.shape), b.shape);
    return Dispatch.bind(Primitive.WHERE, Params.NONE, cond.broadcastTo(s), a.broadcastTo(s),
        b.broadcastTo(s));
  }

  /** Identity for the value; autodiff treats the result as a constant. */
  public Tensor stopGradient() {
    return Dispatch.bind(Primitive.STOP_GRADIENT, Params.NONE, this);
  }

  private Tensor unary(Primitive p) {
    return Dispatch.bind(p, Params.NONE, this);
  }

  private Tensor binary(Primitive p, String op, Tensor other) {
    Shapes.broadcast(op, shape, other.shape);
    return Dispatch.bind(p, Params.NONE, this, other);
  }

  // ------------------------------------------------------------------ shape

  /** The same data in a new shape; one dimension may be {@code -1} (inferred). */
  public Tensor reshape(int... newShape) {
    int[] s = newShape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException("reshape: " + Shapes.format(shape) + " to "
              + Arrays.toString(newShape) + ": only one dimension may be -1");
        }
        infer = i;
      } else if (s[i] < 0) {
        throw new IllegalArgumentException("reshape: negative dimension in "
            + Arrays.toString(newShape));
      } else {
        known = Math.min(known * s[i], 1L << 31); // saturated: never wraps around
      }
    }
    if (infer >= 0) {
      if (known == 0 || data.length % known != 0) {
        throw new IllegalArgumentException("reshape: cannot infer -1 reshaping "
            + Shapes.format(shape) + " to " + Arrays.toString(newShape));
      }
      s[infer] = (int) (data.length / known);
      known *= s[infer];
    }
    if (known != data.length) {
      throw new IllegalArgumentException("reshape: " + Shapes.format(shape) + " (" + data.length
          + " elements) to " + Shapes.format(s) + " (" + (known > Integer.MAX_VALUE
          ? "more than 2^31-1" : Long.toString(known)) + " elements)");
    }
    if (Arrays.equals(s, shape)) {
      return this;
    }
    return Dispatch.bind(Primitive.RESHAPE, new Params.Shape(s), this);
  }

  /** Swaps the last two axes (a matrix transpose, batched). */
  public Tensor transpose() {
    if (shape.length < 2) {
      throw new IllegalArgumentException("transpose: needs at least 2 dims, got "
          + Shapes.format(shape));
    }
    int n = shape.length;
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    perm[n - 2] = n - 1;
    perm[n - 1] = n - 2;
    return permute(perm);
  }

  /** Reorders axes: output axis {@code i} is input axis {@code perm[i]}. */
  public Tensor permute(int... perm) {
    if (perm.length != shape.length) {
      throw new IllegalArgumentException("permute: " + perm.length + " axes for shape "
          + Shapes.format(shape));
    }
    int[] p = new int[perm.length];
    boolean[] seen = new boolean[perm.length];
    boolean identity = true;
    for (int i = 0; i < perm.length; i++) {
      p[i] = Shapes.axis("permute", perm[i], shape.length);
      if (seen[p[i]]) {
        throw new IllegalArgumentException("permute: axis " + p[i] + " repeated in "
            + Arrays.toString(perm));
      }
      seen[p[i]] = true;
      identity &= p[i] == i;
    }
    return identity ? this : Dispatch.bind(Primitive.PERMUTE, new Params.Perm(p), this);
  }

  /** Broadcasts to {@code target} following NumPy's rules. */
  public Tensor broadcastTo(int... target) {
    if (!Shapes.broadcastsTo(shape, target)) {
      throw new IllegalArgumentException("broadcastTo: " + Shapes.format(shape) + " to "
          + Shapes.format(target) + ": not broadcastable");
    }
    Shapes.size("broadcastTo", target);
    if (Arrays.equals(shape, target)) {
      return this;
    }
    return Dispatch.bind(Primitive.BROADCAST_TO, new Params.Shape(target.clone()), this);
  }

  /** Inserts an axis of size 1 at {@code axis}. */
  public Tensor unsqueeze(int axis) {
    int a = Shapes.axis("unsqueeze", axis, shape.length + 1);
    int[] s = new int[shape.length + 1];
    for (int i = 0, j = 0; i < s.length; i++) {
      s[i] = i == a ? 1 : shape[j++];
    }
    return reshape(s);
  }

  /** Removes an axis of size 1. */
  public Tensor squeeze(int axis) {
    int a = Shapes.axis("squeeze", axis, shape.length);
    if (shape[a] != 1) {
      throw new IllegalArgumentException("squeeze: axis " + axis + " of " + Shapes.format(shape)
          + " has size " + shape[a] + ", not 1");
    }
    int[] s = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (i != a) {
        s[j++] = shape[i];
      }
    }
    return reshape(s);
  }

  /**
   * NumPy-style basic indexing on the leading axes: {@code t.get(2)} is row 2 (axis dropped),
   * {@code t.get(1, 0)} goes two axes deep. Kotlin: {@code t[1, 0]}.
   */
  public Tensor get(int... indices) {
    Index[] ix = new Index[indices.length];
    for (int i = 0; i < indices.length; i++) {
      ix[i] = Index.at(indices[i]);
    }
    return get(ix);
  }

  /** Indexing and slicing on the leading axes, one {@link Index} per axis; the rest are kept. */
  public Tensor get(Index... indices) {
    if (indices.length > shape.length) {
      throw new IllegalArgumentException("get: " + indices.length + " indices for shape "
          + Shapes.format(shape));
    }
    int n = shape.length;
    int[] start = new int[n];
    int[] stop = shape.clone();
    int[] step = new int[n];
    Arrays.fill(step, 1);
    int dropped = 0;
    boolean whole = true;
    for (int i = 0; i < indices.length; i++) {
      start[i] = indices[i].resolveStart("get", i, shape[i]);
      stop[i] = indices[i].resolveStop("get", i, shape[i]);
      step[i] = indices[i].step();
      if (indices[i].isSingle()) {
        dropped++;
      }
      whole &= start[i] == 0 && stop[i] == shape[i] && step[i] == 1;
    }
    Tensor box = whole ? this
        : Dispatch.bind(Primitive.SLICE, new Params.Slice(shape.clone(), start, stop, step), this);
    if (dropped == 0) {
      return box;
    }
    int[] bs = box.shape;
    int[] s = new int[n - dropped];
    for (int i = 0, j = 0; i < n; i++) {
      if (i >= indices.length || !indices[i].isSingle()) {
        s[j++] = bs[i];
      }
    }
    return box.reshape(s);
  }

  /** Positions {@code start} to {@code stop} (exclusive) along {@code axis}. */
  public Tensor slice(int axis, int start, int stop) {
    int a = Shapes.axis("slice", axis, shape.length);
    Index[] ix = new Index[a + 1];
    Arrays.fill(ix, Index.all());
    ix[a] = Index.range(start, stop);
    return get(ix);
  }

  /** Joins tensors along {@code axis}; all other dims must agree. */
  public static Tensor concat(int axis, Tensor... parts) {
    return concat(Arrays.asList(parts), axis);
  }

  /** Joins tensors along {@code axis}; all other dims must agree. */
  public static Tensor concat(List<Tensor> parts, int axis) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("concat: no tensors given");
    }
    int[] first = parts.get(0).shape;
    int a = Shapes.axis("concat", axis, first.length);
    for (int k = 1; k < parts.size(); k++) {
      int[] s = parts.get(k).shape;
      boolean ok = s.length == first.length;
      for (int i = 0; ok && i < s.length; i++) {
        ok = i == a || s[i] == first[i];
      }
      if (!ok) {
        throw new IllegalArgumentException("concat: " + Shapes.format(first) + " and "
            + Shapes.format(s) + " (part " + k + ") differ outside axis " + a);
      }
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    int[] out = first.clone();
    long along = 0;
    for (Tensor t : parts) {
      along += t.shape[a];
    }
    out[a] = (int) Math.min(along, Integer.MAX_VALUE);
    if (along > Integer.MAX_VALUE || Shapes.count(out) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("concat: " + parts.size() + " parts along axis " + a
          + " give that axis size " + along + ", a result past 2^31-1 elements or a dimension");
    }
    return Dispatch.bind(Primitive.CONCAT, new Params.Axis(a), parts.toArray(new Tensor[0]));
  }

  /** Stacks equally shaped tensors along a new axis. */
  public static Tensor stack(int axis, Tensor... parts) {
    return stack(Arrays.asList(parts), axis);
  }

  /** Stacks equally shaped tensors along a new axis. */
  public static Tensor stack(List<Tensor> parts, int axis) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("stack: no tensors given");
    }
    int[] first = parts.get(0).shape;
    int a = Shapes.axis("stack", axis, first.length + 1);
    Tensor[] expanded = new Tensor[parts.size()];
    for (int k = 0; k < expanded.length; k++) {
      if (!Arrays.equals(parts.get(k).shape, first)) {
        throw new IllegalArgumentException("stack: " + Shapes.format(first) + " and "
            + Shapes.format(parts.get(k).shape) + " (part " + k + ") differ");
      }
      expanded[k] = parts.get(k).unsqueeze(a);
    }
    return concat(Arrays.asList(expanded), a);
  }

  /** Rows {@code indices} along axis 0 (an embedding lookup); the result has the indices' length. */
  public Tensor take(int... indices) {
    if (shape.length == 0) {
      throw new IllegalArgumentException("take: needs at least 1 dim, got a scalar");
    }
    for (int i : indices) {
      if (i < 0 || i >= shape[0]) {
        throw new IndexOutOfBoundsException("take: index " + i + " out of range for axis 0 of "
            + Shapes.format(shape));
      }
    }
    int[] out = shape.clone();
    out[0] = indices.length;
    Shapes.size("take", out);
    return Dispatch.bind(Primitive.TAKE, new Params.Take(indices.clone(), shape[0]), this);
  }

  // ------------------------------------------------------------------ reductions

  /** Sum over {@code axes} (all of them if none, giving a scalar); reduced axes are dropped. */
  public Tensor sum(int... axes) {
    return sum(axes, false);
  }

  /** Sum over {@code axes} (all if empty), keeping them as size 1 when {@code keepDims}. */
  public Tensor sum(int[] axes, boolean keepDims) {
    int[] a = Shapes.axes("sum", axes, shape.length);
    return Dispatch.bind(Primitive.SUM, new Params.Axes(a, keepDims), this);
  }

  /** Mean over {@code axes} (all of them if none). */
  public Tensor mean(int... axes) {
    return mean(axes, false);
  }

  /** Mean over {@code axes} (all if empty), keeping them as size 1 when {@code keepDims}. */
  public Tensor mean(int[] axes, boolean keepDims) {
    int[] a = Shapes.axes("mean", axes, shape.length);
    long n = 1;
    for (int ax : a) {
      n *= shape[ax];
    }
    return sum(a, keepDims).div((float) n);
  }

  /** Maximum over {@code axes} (all of them if none). */
  public Tensor max(int... axes) {
    return max(axes, false);
  }

  /** Maximum over {@code axes} (all if empty), keeping them as size 1 when {@code keepDims}. */
  public Tensor max(int[] axes, boolean keepDims) {
    int[] a = Shapes.axes("max", axes, shape.length);
    for (int ax : a) {
      if (shape[ax] == 0) {
        throw new IllegalArgumentException("max: axis " + ax + " of " + Shapes.format(shape)
            + " is empty");
      }
    }
    return Dispatch.bind(Primitive.MAX, new Params.Axes(a, keepDims), this);
  }

  /** L2 norm over {@code axes} (all of them if none). */
  public Tensor norm(int... axes) {
    return norm(axes, false);
  }

  /** L2 norm over {@code axes} (all if empty), keeping them as size 1 when {@code keepDims}. */
  public Tensor norm(int[] axes, boolean keepDims) {
    return square().sum(axes, keepDims).sqrt();
  }

  /** Softmax along {@code axis}. */
  public Tensor softmax(int axis) {
    return Dispatch.bind(Primitive.SOFTMAX,
        new Params.Axis(Shapes.axis("softmax", axis, shape.length)), this);
  }

  /** Log-softmax along {@code axis}, computed stably. */
  public Tensor logSoftmax(int axis) {
    return Dispatch.bind(Primitive.LOG_SOFTMAX,
        new Params.Axis(Shapes.axis("logSoftmax", axis, shape.length)), this);
  }

  // ------------------------------------------------------------------ linear algebra

  /** NumPy matmul: 1-d operands are promoted, leading (batch) dims broadcast. */
  public Tensor matmul(Tensor other) {
    return matmul(other, false, false);
  }

  /**
   * Matmul with either operand transposed in its last two axes, without materializing the
   * transpose: {@code x.matmul(w, false, true)} is {@code x · wᵀ}. Both operands need at least 2
   * dims when a transpose is asked for.
   */
  public Tensor matmul(Tensor other, boolean transposeThis, boolean transposeOther) {
    Tensor a = this;
    Tensor b = other;
    boolean vecA = a.ndim() == 1;
    boolean vecB = b.ndim() == 1;
    if ((vecA && transposeThis) || (vecB && transposeOther) || a.ndim() == 0 || b.ndim() == 0) {
      throw new IllegalArgumentException("matmul: " + Shapes.format(a.shape) + " x "
          + Shapes.format(b.shape) + ": operands need at least 1 dim (2 when transposed)");
    }
    if (vecA) {
      a = a.reshape(1, a.shape[0]);
    }
    if (vecB) {
      b = b.reshape(b.shape[0], 1);
    }
    int ka = transposeThis ? a.shape[a.ndim() - 2] : a.shape[a.ndim() - 1];
    int kb = transposeOther ? b.shape[b.ndim() - 1] : b.shape[b.ndim() - 2];
    if (ka != kb) {
      throw new IllegalArgumentException("matmul: " + Shapes.format(describe(this.shape,
          transposeThis)) + " x " + Shapes.format(describe(other.shape, transposeOther))
          + ": inner dims " + ka + " != " + kb);
    }
    int[] batchA = Arrays.copyOf(a.shape, a.ndim() - 2);
    int[] batchB = Arrays.copyOf(b.shape, b.ndim() - 2);
    Shapes.broadcast("matmul batch dims", batchA, batchB);
    Tensor out = Dispatch.bind(Primitive.MATMUL, new Params.Matmul(transposeThis, transposeOther),
        a, b);
    if (vecA || vecB) {
      int[] s = out.shape;
      int keep = s.length - (vecA ? 1 : 0) - (vecB ? 1 : 0);
      int[] r = new int[keep];
      int j = 0;
      for (int i = 0; i < s.length - 2; i++) {
        r[j++] = s[i];
      }
      if (!vecA) {
        r[j++] = s[s.length - 2];
      }
      if (!vecB) {
        r[j++] = s[s.length - 1];
      }
      out = out.reshape(r);
    }
    return out;
  }

  private static int[] describe(int[] shape, boolean transposed) {
    if (!transposed || shape.length < 2) {
      return shape;
    }
    int[] s = shape.clone();
    s[s.length - 1] = shape[shape.length - 2];
    s[s.length - 2] = shape[shape.length - 1];
    return s;
  }

  /**
   * Convolution in PyTorch's layout: {@code x (N, C, *spatial)}, {@code w (O, C/groups,
   * *kernel)}, for 1, 2 or 3 spatial dims; no bias. Computed as im2col + matmul.
   */
  public static Tensor conv(Tensor x, Tensor w, int[] stride, int[] padding, int[] dilation,
      int groups) {
    return Convolutions.conv(x, w, stride, padding, dilation, groups);
  }

  /** {@link #conv(Tensor, Tensor, int[], int[], int[], int)} with the same value on every axis. */
  public static Tensor conv(Tensor x, Tensor w, int stride, int padding, int dilation, int groups) {
    int r = Math.max(0, x.ndim() - 2);
    return conv(x, w, repeat(stride, r), repeat(padding, r), repeat(dilation, r), groups);
  }

  /**
   * Transposed convolution in PyTorch's layout: {@code x (N, Cin, *spatial)}, {@code w (Cin,
   * Cout/groups, *kernel)}; the adjoint of {@link #conv} with the same geometry; no bias.
   */
  public static Tensor convTranspose(Tensor x, Tensor w, int[] stride, int[] padding,
      int[] outputPadding, int[] dilation, int groups) {
    return Convolutions.convTranspose(x, w, stride, padding, outputPadding, dilation, groups);
  }

  /** {@link #convTranspose} with the same value on every axis. */
  public static Tensor convTranspose(Tensor x, Tensor w, int stride, int padding,
      int outputPadding, int dilation, int groups) {
    int r = Math.max(0, x.ndim() - 2);
    return convTranspose(x, w, repeat(stride, r), repeat(padding, r), repeat(outputPadding, r),
        repeat(dilation, r), groups);
  }

  static int[] repeat(int v, int n) {
    int[] a = new int[n];
    Arrays.fill(a, v);
    return a;
  }

  // ------------------------------------------------------------------ values

  /** Whether shapes agree and every value is within {@code atol + rtol·|other|}. */
  public boolean allClose(Tensor other, double rtol, double atol) {
    if (!Arrays.equals(shape, other.shape)) {
      return false;
    }
    for (int i = 0; i < data.length; i++) {
      double a = data[i];
      double b = other.data[i];
      if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b)) && !(a == b)) {
        return false;
      }
    }
    return true;
  }

  /** The largest absolute elementwise difference; shapes must agree. */
  public float maxAbsDiff(Tensor other) {
    if (!Arrays.equals(shape, other.shape)) {
      throw new IllegalArgumentException("maxAbsDiff: " + Shapes.format(shape) + " vs "
          + Shapes.format(other.shape));
    }
    float m = 0f;
    for (int i = 0; i < data.length; i++) {
      float d = Math.abs(data[i] - other.data[i]);
      if (d > m || Float.isNaN(d)) {
        m = d;
      }
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  /** Short form: shape and the first few values, e.g. {@code Tensor(2, 3)[0.1, 0.2, ...]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor").append(Shapes.format(shape)).append('[');
    int n = Math.min(data.length, 6);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(data[i]);
    }
    if (data.length > n) {
      sb.append(", ...");
    }
    return sb.append(']').toString();
  }
}
