package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Linalg;
import dev.graft.runtime.Svd;
import dev.graft.runtime.Tensor;

/**
 * The SVD-based initializations of PiSSA, MiLoRA and LoRA-XS: which singular triplets of a weight
 * {@code W (out, in)} they start from, and PiSSA's split of {@code W} into an adapter holding
 * those triplets and a frozen residual.
 *
 * <p>Small weights get an exact SVD ({@link Linalg#svd}); a weight with {@code min(out, in) >}
 * {@value #EXACT_MAX_MIN_DIM} or more than {@value #EXACT_MAX_SIZE} entries gets the top triplets
 * from a randomized SVD ({@link Linalg#randomizedSvd(Tensor, int)}, fixed sketch key, so the same
 * weight always gives the same adapter). The smallest triplets (MiLoRA) always come from the
 * exact SVD: a randomized range finder cannot resolve the bottom of the spectrum.
 */
public final class SvdInit {
  /** The largest {@code min(out, in)} that still gets an exact SVD for the top triplets. */
  public static final int EXACT_MAX_MIN_DIM = 256;

  /** The largest {@code out·in} that still gets an exact SVD for the top triplets, {@code 2^18}. */
  public static final long EXACT_MAX_SIZE = 1L << 18;

  private SvdInit() {}

  /**
   * PiSSA's split of {@code W}: {@code A (r, in)}, {@code B (out, r)} and the residual {@code
   * W_res = W − s·B A}, so that {@code W_res + s·B A} is {@code W} again.
   *
   * @param a {@code √(Σ_r/s) V_rᵀ}
   * @param b {@code U_r √(Σ_r/s)}
   * @param residual {@code W − s·B A}
   */
  public record Split(Tensor a, Tensor b, Tensor residual) {}

  /**
   * Rejects a rank outside {@code 1 ≤ r ≤ min(out, in)}: a truncated SVD of an {@code (out, in)}
   * weight has at most {@code min(out, in)} triplets.
   */
  public static void checkRank(String adapter, int rank, int out, int in) {
    int k = Math.min(out, in);
    if (rank < 1 || rank > k) {
      throw new IllegalArgumentException(adapter + ": rank " + rank + " must be in [1, min(out, in)"
          + " = " + k + "] for a base seen as (" + out + ", " + in + "): it takes " + rank
          + " singular triplets of the weight");
    }
  }

  /** Whether the top triplets of an {@code (out, in)} weight come from the exact SVD. */
  public static boolean exact(int out, int in) {
    return Math.min(out, in) <= EXACT_MAX_MIN_DIM && (long) out * in <= EXACT_MAX_SIZE;
  }

  /**
   * The {@code r} largest singular triplets of {@code w (out, in)}, descending: exact for small
   * weights, randomized above the size threshold (see the class comment).
   */
  public static Svd top(String adapter, Tensor w, int rank) {
    checkRank(adapter, rank, w.dim(0), w.dim(1));
    return exact(w.dim(0), w.dim(1)) ? Linalg.svd(w).truncate(rank)
        : Linalg.randomizedSvd(w, rank);
  }

  /**
   * The {@code r} smallest singular triplets of {@code w (out, in)} (in descending order among
   * themselves), always from the exact SVD, whose cost is {@code O(out·in·min(out, in))}.
   */
  public static Svd bottom(String adapter, Tensor w, int rank) {
    checkRank(adapter, rank, w.dim(0), w.dim(1));
    Svd full = Linalg.svd(w);
    int k = full.rank();
    return new Svd(full.u().slice(1, k - rank, k), full.s().slice(0, k - rank, k),
        full.vt().slice(0, k - rank, k));
  }

  /**
   * PiSSA's factors for the given triplets and scale {@code s = α/r}: {@code A = √(Σ/s) Vᵀ},
   * {@code B = U √(Σ/s)} (so {@code s·B A = U Σ Vᵀ}) and the residual {@code W − s·B A}, computed
   * with the same product a merge uses. Rejects a scale that is not positive and finite.
   */
  public static Split principal(String adapter, Tensor w, Svd triplets, double scale) {
    if (!(scale > 0 && Double.isFinite(scale))) {
      throw new IllegalArgumentException(adapter + ": the scale s = alpha / r must be positive and"
          + " finite (A and B hold √(Σ/s)), got s = " + scale);
    }
    Tensor root = triplets.s().div((float) scale).sqrt();                 // (r)
    Tensor a = triplets.vt().times(root.unsqueeze(1));                    // (r, in)
    Tensor b = triplets.u().times(root.unsqueeze(0));                     // (out, r)
    return new Split(a, b, w.minus(LowRank.product(b, a, scale)));
  }

  /**
   * A PiSSA-form adapter of {@code kind} around {@code base} seen as a weight matrix: its {@code
   * r} largest ({@code top}) or smallest singular triplets move into the factors, the rest stays
   * in the residual base.
   */
  static <T extends ZooAdapter> T split(AdapterKind kind, Layer base, AdapterConfig config,
      boolean top, LowRank.Make<T> make) {
    String name = kind.name();
    return PerGroup.ofEach(kind, base, config, (one, c) -> {
      WeightView v = WeightView.of(name, one);
      Tensor w = v.matrix();
      Svd triplets = top ? top(name, w, c.rank()) : bottom(name, w, c.rank());
      Split s = principal(name, w, triplets, c.scale());
      return make.make(v.withMatrix(s.residual()), s.a(), s.b(), c.scale(), c.dropout());
    });
  }

  /** LoRA-XS's frozen factors from the triplets: {@code A = Vᵀ} and {@code B = U Σ}. */
  public static LowRank.Factors scaledLeft(Svd triplets) {
    return new LowRank.Factors(triplets.vt(), triplets.u().times(triplets.s().unsqueeze(0)));
  }
}
