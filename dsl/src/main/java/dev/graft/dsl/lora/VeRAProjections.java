package dev.graft.dsl.lora;

import dev.graft.runtime.Index;
import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;

/**
 * VeRA's frozen random projections, shared by every layer of one {@code lora} call: {@code A (r,
 * in_max)} and {@code B (out_max, r)}, both kaiming-uniform ({@code a = √5}, so bounds {@code
 * 1/√in_max} and {@code 1/√r}) from one seed. Each layer uses the slices {@code A[:, :in]} and
 * {@code B[:out, :]}. Since they are a function of {@code (seed, r, in_max, out_max)}, a checkpoint
 * need not store them: {@link #generate} rebuilds them from the seed.
 *
 * @param a {@code (r, in_max)}
 * @param b {@code (out_max, r)}
 * @param seed the seed they were drawn from
 */
public record VeRAProjections(Tensor a, Tensor b, long seed) {
  /** Checks that the two shapes share the rank. */
  public VeRAProjections {
    if (a.ndim() != 2 || b.ndim() != 2 || a.dim(0) != b.dim(1)) {
      throw new IllegalArgumentException("VeRAProjections: A " + Shapes.format(a.shape())
          + " and B " + Shapes.format(b.shape())
          + " must be (r, in_max) and (out_max, r)");
    }
  }

  /** The projections of rank {@code rank} for bases up to {@code (outMax, inMax)}, from a seed. */
  public static VeRAProjections generate(long seed, int rank, int inMax, int outMax) {
    LowRank.checkRank("VeRA", rank);
    if (inMax < 1 || outMax < 1) {
      throw new IllegalArgumentException("VeRA: in_max and out_max must be >= 1, got " + inMax
          + " and " + outMax);
    }
    Key key = Key.of(seed);
    return new VeRAProjections(Init.kaimingUniform(key.foldIn(0), Math.sqrt(5.0), inMax, rank,
        inMax), Init.kaimingUniform(key.foldIn(1), Math.sqrt(5.0), rank, outMax, rank), seed);
  }

  /** The seed whose {@link Key#of(long)} is {@code key}. */
  public static long seedOf(Key key) {
    int[] w = key.words();
    return ((long) w[0] << 32) | (w[1] & 0xFFFF_FFFFL);
  }

  /** {@code A[:, :in]}, the down projection of a base with {@code in} inputs (no copy if whole). */
  public static Tensor sliceA(Tensor a, int in) {
    return a.dim(1) == in ? a : a.get(Index.all(), Index.range(0, in));
  }

  /** {@code B[:out, :]}, the up projection of a base with {@code out} outputs. */
  public static Tensor sliceB(Tensor b, int out) {
    return b.dim(0) == out ? b : b.slice(0, 0, out);
  }

  /**
   * Checks a wrapper's shared projections and scaling vectors against its base {@code (out, in)}:
   * {@code A (r, ≥ in)}, {@code B (≥ out, r)}, {@code λ_b (out)}, {@code λ_d (r)}.
   */
  static void check(String adapter, Tensor a, Tensor b, Tensor lambdaB, Tensor lambdaD,
      WeightView view) {
    int out = view.out();
    int in = view.in();
    if (a.ndim() != 2 || b.ndim() != 2 || a.dim(0) != b.dim(1) || a.dim(1) < in
        || b.dim(0) < out) {
      throw new IllegalArgumentException(adapter + ": shared A " + Shapes.format(a.shape())
          + " and B " + Shapes.format(b.shape()) + " do not fit a base of shape (" + out
          + ", " + in + "): expected A (r, >= " + in + ") and B (>= " + out + ", r)");
    }
    FieldShapes.check(adapter, view, "lambdaB", lambdaB, out);
    FieldShapes.check(adapter, view, "lambdaD", lambdaD, a.dim(0));
  }
}
