package dev.graft.runtime;

import dev.graft.runtime.kernel.Elementwise;
import dev.graft.runtime.kernel.Im2col;
import dev.graft.runtime.kernel.Layout;
import dev.graft.runtime.kernel.Matmul;
import dev.graft.runtime.kernel.Reductions;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/** The default interpreter: computes each primitive with the kernels. */
final class Eager implements Interpreter {
  static final Eager INSTANCE = new Eager();

  /**
   * Each elementwise primitive's kernel operation, matched by name: every kernel op has its
   * primitive (checked when this class loads), and a primitive without one falls to the switch.
   */
  private static final Map<Primitive, Elementwise.Unary> UNARY = byName(Elementwise.Unary.class);
  private static final Map<Primitive, Elementwise.Binary> BINARY =
      byName(Elementwise.Binary.class);

  private static <E extends Enum<E>> Map<Primitive, E> byName(Class<E> ops) {
    Map<Primitive, E> m = new EnumMap<>(Primitive.class);
    for (E op : ops.getEnumConstants()) {
      m.put(Primitive.valueOf(op.name()), op);
    }
    return m;
  }

  private Eager() {}

  @Override
  public Tensor apply(Primitive p, Params params, Tensor... in) {
    Elementwise.Unary unary = UNARY.get(p);
    if (unary != null) {
      return new Tensor(Elementwise.unary(unary, in[0].data()), in[0].shapeRef());
    }
    Elementwise.Binary binary = BINARY.get(p);
    if (binary != null) {
      int[] out = Shapes.broadcast(p.name(), in[0].shapeRef(), in[1].shapeRef());
      return new Tensor(Elementwise.binary(binary, in[0].data(), in[0].shapeRef(), in[1].data(),
          in[1].shapeRef(), out), out);
    }
    switch (p) {
      case STOP_GRADIENT:
        return in[0];
      case WHERE:
        return new Tensor(Elementwise.where(in[0].data(), in[1].data(), in[2].data()),
            in[1].shapeRef());
      case RESHAPE:
        // Immutable data can be shared between shapes.
        return new Tensor(in[0].data(), ((Params.Shape) params).shape().clone());
      case PERMUTE: {
        int[] perm = ((Params.Perm) params).perm();
        int[] s = in[0].shapeRef();
        int[] out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
          out[i] = s[perm[i]];
        }
        return new Tensor(Layout.permute(in[0].data(), s, perm), out);
      }
      case BROADCAST_TO: {
        int[] target = ((Params.Shape) params).shape().clone();
        return new Tensor(Layout.broadcastTo(in[0].data(), in[0].shapeRef(), target), target);
      }
      case SLICE: {
        Params.Slice sl = (Params.Slice) params;
        return new Tensor(Layout.slice(in[0].data(), sl.source(), sl.start(), sl.stop(),
            sl.step()), sl.resultShape());
      }
      case SCATTER_SLICE: {
        Params.Slice sl = (Params.Slice) params;
        return new Tensor(Layout.scatterSlice(in[0].data(), sl.source(), sl.start(), sl.stop(),
            sl.step()), sl.source().clone());
      }
      case CONCAT: {
        int axis = ((Params.Axis) params).axis();
        float[][] datas = new float[in.length][];
        int[][] shapes = new int[in.length][];
        int[] out = in[0].shapeRef().clone();
        out[axis] = 0;
        for (int i = 0; i < in.length; i++) {
          datas[i] = in[i].data();
          shapes[i] = in[i].shapeRef();
          out[axis] += shapes[i][axis];
        }
        return new Tensor(Layout.concat(datas, shapes, axis, out), out);
      }
      case TAKE: {
        Params.Take t = (Params.Take) params;
        int[] out = in[0].shapeRef().clone();
        out[0] = t.indices().length;
        return new Tensor(Layout.take(in[0].data(), in[0].shapeRef(), t.indices()), out);
      }
      case SCATTER_ADD: {
        Params.Take t = (Params.Take) params;
        int[] out = in[0].shapeRef().clone();
        out[0] = t.rows();
        return new Tensor(Layout.scatterAdd(in[0].data(), in[0].shapeRef(), t.indices(), t.rows()),
            out);
      }
      case SUM: case MAX: {
        Params.Axes ax = (Params.Axes) params;
        int[] s = in[0].shapeRef();
        float[] r = p == Primitive.SUM ? Reductions.sum(in[0].data(), s, ax.axes())
            : Reductions.max(in[0].data(), s, ax.axes());
        return new Tensor(r, Shapes.reduced(s, ax.axes(), ax.keepDims()));
      }
      case SOFTMAX:
        return new Tensor(Reductions.softmax(in[0].data(), in[0].shapeRef(),
            ((Params.Axis) params).axis(), false), in[0].shapeRef());
      case LOG_SOFTMAX:
        return new Tensor(Reductions.softmax(in[0].data(), in[0].shapeRef(),
            ((Params.Axis) params).axis(), true), in[0].shapeRef());
      case MATMUL: {
        Params.Matmul m = (Params.Matmul) params;
        int[] as = in[0].shapeRef();
        int[] bs = in[1].shapeRef();
        int[] batch = Shapes.broadcast("matmul batch dims", Arrays.copyOf(as, as.length - 2),
            Arrays.copyOf(bs, bs.length - 2));
        int rows = m.transposeA() ? as[as.length - 1] : as[as.length - 2];
        int cols = m.transposeB() ? bs[bs.length - 2] : bs[bs.length - 1];
        int[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = rows;
        out[batch.length + 1] = cols;
        return new Tensor(Matmul.matmul(in[0].data(), as, m.transposeA(), in[1].data(), bs,
            m.transposeB(), out), out);
      }
      case IM2COL: {
        Params.Patches g = (Params.Patches) params;
        int[] s = in[0].shapeRef();
        int[] out = {s[0], s[1] * Shapes.size(g.kernel()), Shapes.size(g.outSpatial())};
        return new Tensor(Im2col.im2col(in[0].data(), s[0], s[1], g.spatial(), g.kernel(),
            g.stride(), g.padding(), g.dilation()), out);
      }
      case COL2IM: {
        Params.Patches g = (Params.Patches) params;
        int[] s = in[0].shapeRef();
        int c = s[1] / Shapes.size(g.kernel());
        int[] out = new int[2 + g.rank()];
        out[0] = s[0];
        out[1] = c;
        System.arraycopy(g.spatial(), 0, out, 2, g.rank());
        return new Tensor(Im2col.col2im(in[0].data(), s[0], c, g.spatial(), g.kernel(),
            g.stride(), g.padding(), g.dilation()), out);
      }
      default:
        throw new UnsupportedOperationException("eager: no kernel for primitive " + p);
    }
  }
}
