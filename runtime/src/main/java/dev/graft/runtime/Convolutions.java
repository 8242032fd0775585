package dev.graft.runtime;

/**
 * Convolution and transposed convolution as compositions of {@link Primitive#IM2COL} /
 * {@link Primitive#COL2IM} and {@link Primitive#MATMUL}, so their gradients follow from those
 * primitives' rules and the time goes to the one matmul kernel.
 */
final class Convolutions {
  private Convolutions() {}

  static Tensor conv(Tensor x, Tensor w, int[] stride, int[] padding, int[] dilation, int groups) {
    int[] xs = x.shapeRef();
    int[] ws = w.shapeRef();
    int r = xs.length - 2;
    checkCommon("conv", xs, ws, r, stride, padding, dilation, groups);
    int n = xs[0];
    int c = xs[1];
    int o = ws[0];
    if (c % groups != 0 || o % groups != 0) {
      throw new IllegalArgumentException("conv: channels in " + c + " and out " + o
          + " must both be divisible by groups " + groups);
    }
    if (ws[1] != c / groups) {
      throw new IllegalArgumentException("conv: input " + Shapes.format(xs) + " x weight "
          + Shapes.format(ws) + ": weight dim 1 is " + ws[1] + " but in_channels/groups is "
          + (c / groups));
    }
    int[] spatial = java.util.Arrays.copyOfRange(xs, 2, xs.length);
    int[] kernel = java.util.Arrays.copyOfRange(ws, 2, ws.length);
    Params.Patches g = new Params.Patches(spatial, kernel, stride.clone(),
        padding.clone(), dilation.clone());
    int[] outSpatial = g.outSpatial();
    for (int i = 0; i < r; i++) {
      if (outSpatial[i] <= 0) {
        throw new IllegalArgumentException("conv: input " + Shapes.format(xs) + " x weight "
            + Shapes.format(ws) + ": output size " + outSpatial[i] + " along spatial axis " + i
            + " (input " + spatial[i] + ", padding " + padding[i] + ", dilated kernel "
            + (dilation[i] * (kernel[i] - 1) + 1) + ")");
      }
    }
    int k = Shapes.size(kernel);
    int l = Shapes.size(outSpatial);
    int ck = (c / groups) * k;
    Tensor cols = Dispatch.bind(Primitive.IM2COL, g, x); // (N, C*K, L)
    Tensor out;
    if (groups == 1) {
      out = w.reshape(o, ck).matmul(cols); // (O, CK) x (N, CK, L) -> (N, O, L)
    } else {
      Tensor wg = w.reshape(groups, o / groups, ck);
      out = wg.matmul(cols.reshape(n, groups, ck, l)); // (N, G, O/G, L)
    }
    int[] outShape = new int[r + 2];
    outShape[0] = n;
    outShape[1] = o;
    System.arraycopy(outSpatial, 0, outShape, 2, r);
    return out.reshape(outShape);
  }

  static Tensor convTranspose(Tensor x, Tensor w, int[] stride, int[] padding,
      int[] outputPadding, int[] dilation, int groups) {
    int[] xs = x.shapeRef();
    int[] ws = w.shapeRef();
    int r = xs.length - 2;
    checkCommon("convTranspose", xs, ws, r, stride, padding, dilation, groups);
    if (outputPadding.length != r) {
      throw new IllegalArgumentException("convTranspose: outputPadding has " + outputPadding.length
          + " values for " + r + " spatial dims");
    }
    int n = xs[0];
    int cin = xs[1];
    if (ws[0] != cin) {
      throw new IllegalArgumentException("convTranspose: input " + Shapes.format(xs)
          + " x weight " + Shapes.format(ws) + ": weight dim 0 is " + ws[0]
          + " but in_channels is " + cin);
    }
    if (cin % groups != 0) {
      throw new IllegalArgumentException("convTranspose: in_channels " + cin
          + " not divisible by groups " + groups);
    }
    int coutG = ws[1];
    int cout = coutG * groups;
    int[] spatial = java.util.Arrays.copyOfRange(xs, 2, xs.length);
    int[] kernel = java.util.Arrays.copyOfRange(ws, 2, ws.length);
    int[] outSpatial = new int[r];
    for (int i = 0; i < r; i++) {
      if (outputPadding[i] < 0 || outputPadding[i] >= Math.max(stride[i], dilation[i])) {
        throw new IllegalArgumentException("convTranspose: outputPadding " + outputPadding[i]
            + " must be smaller than stride " + stride[i] + " or dilation " + dilation[i]);
      }
      outSpatial[i] = (spatial[i] - 1) * stride[i] - 2 * padding[i]
          + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1;
      if (outSpatial[i] <= 0) {
        throw new IllegalArgumentException("convTranspose: input " + Shapes.format(xs)
            + " x weight " + Shapes.format(ws) + ": output size " + outSpatial[i]
            + " along spatial axis " + i);
      }
    }
    Params.Patches g = new Params.Patches(outSpatial, kernel, stride.clone(),
        padding.clone(), dilation.clone());
    int k = Shapes.size(kernel);
    int[] positions = g.outSpatial();
    if (!java.util.Arrays.equals(positions, spatial)) {
      // outputPadding >= stride (allowed when dilation > stride) gives the output more conv
      // positions than x has; the extra ones read zeros appended to x.
      int[] padded = xs.clone();
      System.arraycopy(positions, 0, padded, 2, r);
      int[] ones = new int[r + 2];
      java.util.Arrays.fill(ones, 1);
      x = Dispatch.bind(Primitive.SCATTER_SLICE,
          new Params.Slice(padded, new int[r + 2], xs.clone(), ones), x);
    }
    int l = Shapes.size(positions);
    int ck = coutG * k;
    Tensor cols;
    if (groups == 1) {
      // (Cin, Cout*K)^T x (N, Cin, L) -> (N, Cout*K, L)
      cols = w.reshape(cin, ck).matmul(x.reshape(n, cin, l), true, false);
    } else {
      Tensor wg = w.reshape(groups, cin / groups, ck);
      cols = wg.matmul(x.reshape(n, groups, cin / groups, l), true, false)
          .reshape(n, groups * ck, l);
    }
    Tensor out = Dispatch.bind(Primitive.COL2IM, g, cols);
    int[] outShape = new int[r + 2];
    outShape[0] = n;
    outShape[1] = cout;
    System.arraycopy(outSpatial, 0, outShape, 2, r);
    return out.reshape(outShape);
  }

  private static void checkCommon(String op, int[] xs, int[] ws, int r, int[] stride,
      int[] padding, int[] dilation, int groups) {
    if (r < 1 || r > 3) {
      throw new IllegalArgumentException(op + ": input " + Shapes.format(xs)
          + " must be (N, C, *spatial) with 1 to 3 spatial dims");
    }
    if (ws.length != xs.length) {
      throw new IllegalArgumentException(op + ": input " + Shapes.format(xs) + " x weight "
          + Shapes.format(ws) + ": weight needs " + xs.length + " dims");
    }
    if (stride.length != r || padding.length != r || dilation.length != r) {
      throw new IllegalArgumentException(op + ": stride/padding/dilation need " + r
          + " values each for input " + Shapes.format(xs));
    }
    if (groups < 1) {
      throw new IllegalArgumentException(op + ": groups must be >= 1, got " + groups);
    }
    for (int i = 0; i < r; i++) {
      if (stride[i] < 1 || dilation[i] < 1 || padding[i] < 0) {
        throw new IllegalArgumentException(op + ": stride and dilation must be >= 1 and padding"
            + " >= 0; got stride " + stride[i] + ", padding " + padding[i] + ", dilation "
            + dilation[i] + " on spatial axis " + i);
      }
    }
  }
}
