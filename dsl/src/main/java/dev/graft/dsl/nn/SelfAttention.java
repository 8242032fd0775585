package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Multi-head scaled dot-product self-attention, as BERT's {@code BertSelfAttention}: the input
 * {@code (batch, seq, hidden)} is projected by {@code query}, {@code key} and {@code value} and
 * split into {@code heads} heads of {@code hidden / heads}; each head computes {@code
 * softmax(q·kᵀ / √d + mask)·v}, and the heads are joined back to {@code (batch, seq, hidden)}.
 * All heads of all sequences are two batched matmuls; no output projection (BERT's is in the
 * layer's output block).
 *
 * <p>The projections are declared as {@link Layer} so an adapter (LoRA on query and value) can
 * take a {@link Linear}'s place. Initialization ({@link #create}) is {@link Linear#create} for
 * each projection.
 *
 * @param query the query projection, {@code hidden -> hidden}
 * @param key the key projection, {@code hidden -> hidden}
 * @param value the value projection, {@code hidden -> hidden}
 * @param heads the number of heads (static configuration); divides the hidden size
 * @param causal whether position {@code i} may only attend to positions {@code <= i} (decoders)
 */
public record SelfAttention(Layer query, Layer key, Layer value, int heads, boolean causal)
    implements Layer {
  /**
   * The additive mask value of a position that must not be attended to: large enough that its
   * softmax weight is exactly 0 in float32, finite so that masks add without overflow.
   */
  public static final float MASKED = -1e9f;

  /** Checks that there is at least one head. */
  public SelfAttention {
    if (heads < 1) {
      throw new IllegalArgumentException("SelfAttention: heads must be >= 1, got " + heads);
    }
  }

  /** Bidirectional attention over {@code hidden} features in {@code heads} heads, with biases. */
  public static SelfAttention create(int hidden, int heads, Key key) {
    return create(hidden, heads, false, key);
  }

  /** Attention over {@code hidden} features in {@code heads} heads; causal if asked. */
  public static SelfAttention create(int hidden, int heads, boolean causal, Key key) {
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("SelfAttention: hidden size " + hidden
          + " is not divisible by " + heads + " heads");
    }
    Key[] k = key.split(3);
    return new SelfAttention(Linear.create(hidden, hidden, k[0]),
        Linear.create(hidden, hidden, k[1]), Linear.create(hidden, hidden, k[2]), heads, causal);
  }

  /**
   * The additive mask for a 1/0 {@code attentionMask (batch, seq)} (1 = a real token): {@code
   * (batch, 1, 1, seq)} holding 0 for real keys and {@link #MASKED} for padding, to pass to
   * {@link #attend}.
   */
  public static Tensor paddingMask(Tensor attentionMask) {
    if (attentionMask.ndim() != 2) {
      throw new IllegalArgumentException("SelfAttention: attention mask shape "
          + Shapes.format(attentionMask.shape()) + " must be (batch, seq)");
    }
    return attentionMask.minus(1f).times(-MASKED).reshape(attentionMask.dim(0), 1, 1,
        attentionMask.dim(1));
  }

  /** The additive {@code (seq, seq)} mask hiding positions after the query's: 0 or MASKED. */
  public static Tensor causalMask(int seq) {
    float[] m = new float[seq * seq];
    for (int i = 0; i < seq; i++) {
      for (int j = i + 1; j < seq; j++) {
        m[i * seq + j] = MASKED;
      }
    }
    return Tensor.adopt(m, seq, seq);
  }

  /** Attention with every position visible (except later ones when causal). */
  @Override
  public Tensor apply(Tensor x) {
    return attend(x, null);
  }

  /**
   * Attention of {@code x (batch, seq, hidden)} with an additive {@code mask} broadcastable to
   * {@code (batch, heads, seq, seq)} (e.g. {@link #paddingMask}), or none; gives {@code (batch,
   * seq, hidden)}.
   */
  public Tensor attend(Tensor x, @Nullable Tensor mask) {
    if (x.ndim() != 3) {
      throw new IllegalArgumentException("SelfAttention: input shape " + Shapes.format(x.shape())
          + " must be (batch, seq, hidden)");
    }
    int b = x.dim(0);
    int s = x.dim(1);
    int h = x.dim(2);
    if (h % heads != 0) {
      throw new IllegalArgumentException("SelfAttention: hidden size " + h + " of input "
          + Shapes.format(x.shape()) + " is not divisible by " + heads + " heads");
    }
    int d = h / heads;
    Tensor q = split(query.apply(x), b, s, d).times((float) (1.0 / Math.sqrt(d)));
    Tensor k = split(key.apply(x), b, s, d);
    Tensor v = split(value.apply(x), b, s, d);
    Tensor scores = q.matmul(k, false, true);
    if (mask != null) {
      scores = scores.plus(mask);
    }
    if (causal) {
      scores = scores.plus(causalMask(s));
    }
    Tensor context = scores.softmax(-1).matmul(v);
    return context.permute(0, 2, 1, 3).reshape(b, s, h);
  }

  /** {@code (b, s, heads·d)} to {@code (b, heads, s, d)}. */
  private Tensor split(Tensor t, int b, int s, int d) {
    return t.reshape(b, s, heads, d).permute(0, 2, 1, 3);
  }
}
