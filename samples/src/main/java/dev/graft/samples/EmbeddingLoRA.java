package dev.graft.samples;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.lora.AdapterConfig;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.nn.Embedding;
import dev.graft.runtime.Random;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * A user-written adapter for {@link Embedding} tables, the kind of thing jNO's {@code
 * MyEmbeddingAdapter} shows: the zoo has no Embedding adapter, so this file adds one without
 * touching the library. It is low-rank, as PEFT's LoRA for embeddings: {@code y = W[x] + s·A[x]·B}
 * with {@code A (num, r)} starting at zero (so the wrapped table starts as the identity) and {@code
 * B (r, dim)} drawn from {@code N(0, 1)}; {@code s = α / r}. Trains {@code r·(num + dim)}
 * parameters; merges into {@code Embedding(W + s·A·B)}.
 *
 * <p>Everything {@code Net.lora} needs is here: a record whose components are the base, the
 * adapter tensors and static configuration; {@link #FACTORY} (which layers it applies to, how it
 * is built from a base and an {@link AdapterConfig}); the forward pass; {@link #merge()}; and
 * {@link #adapterFields()}, the components that train.
 *
 * @param base the frozen table {@code (num, dim)}
 * @param loraA the per-row factor {@code (num, r)}, zero at start
 * @param loraB the shared factor {@code (r, dim)}
 * @param scale {@code α / r}
 */
public record EmbeddingLoRA(Embedding base, Tensor loraA, Tensor loraB, double scale)
    implements LoraWrapper {

  /** Wraps {@link Embedding} layers; pass it in {@code LoraSpec.builder().wrappers(...)}. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("EmbeddingLoRA",
      layer -> layer instanceof Embedding,
      (base, config) -> create((Embedding) base, config));

  /** Checks the factors fit the table. */
  public EmbeddingLoRA {
    int r = loraA.ndim() == 2 ? loraA.dim(1) : -1;
    if (loraA.ndim() != 2 || loraA.dim(0) != base.numEmbeddings() || loraB.ndim() != 2
        || loraB.dim(0) != r || loraB.dim(1) != base.embeddingDim()) {
      throw new IllegalArgumentException("EmbeddingLoRA: factors " + Shapes.format(loraA.shape())
          + " and " + Shapes.format(loraB.shape()) + " do not fit a table of "
          + base.numEmbeddings() + " x " + base.embeddingDim() + "; expected (num, r), (r, dim)");
    }
  }

  /** The adapter around {@code base}: {@code A = 0}, {@code B ~ N(0, 1)} from the config's key. */
  public static EmbeddingLoRA create(Embedding base, AdapterConfig config) {
    int r = config.rank();
    if (r > Math.min(base.numEmbeddings(), base.embeddingDim())) {
      throw new IllegalArgumentException("EmbeddingLoRA: rank " + r + " exceeds min(num, dim) = "
          + Math.min(base.numEmbeddings(), base.embeddingDim()));
    }
    return new EmbeddingLoRA(base, Tensor.zeros(base.numEmbeddings(), r),
        Random.normal(config.key(), r, base.embeddingDim()), config.scale());
  }

  /** {@code W[x] + s·A[x]·B} for a tensor of integer indices. */
  @Override
  public Tensor apply(Tensor x) {
    Tensor rows = new Embedding(loraA).apply(x);
    return base.apply(x).plus(rows.matmul(loraB).times((float) scale));
  }

  /** A plain table holding {@code W + s·A·B}. */
  @Override
  public Layer merge() {
    return new Embedding(base.weight().plus(loraA.matmul(loraB).times((float) scale)));
  }

  @Override
  public List<String> adapterFields() {
    return List.of("loraA", "loraB");
  }
}
