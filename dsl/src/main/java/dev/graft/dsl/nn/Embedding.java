package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;

/**
 * A lookup table of {@code num} vectors of size {@code dim}: row {@code i} of {@code weight
 * (num, dim)} is the embedding of index {@code i}.
 *
 * <p>Initialization ({@link #create}) follows {@code torch.nn.Embedding}: {@code N(0, 1)}.
 *
 * @param weight the {@code (num, dim)} table
 */
public record Embedding(Tensor weight) implements Layer {

  /** Validates that {@code weight} is a matrix. */
  public Embedding {
    if (weight.ndim() != 2) {
      throw new IllegalArgumentException("Embedding: weight shape "
          + Shapes.format(weight.shape()) + " must have 2 dims (num, dim)");
    }
  }

  /** A table of {@code num} embeddings of size {@code dim}, drawn from {@code N(0, 1)}. */
  public static Embedding create(int num, int dim, Key key) {
    if (num <= 0 || dim <= 0) {
      throw new IllegalArgumentException("Embedding: sizes must be positive, got num=" + num
          + ", dim=" + dim);
    }
    return new Embedding(Init.normal(key, 1f, num, dim));
  }

  /** Number of rows in the table. */
  public int numEmbeddings() {
    return weight.dim(0);
  }

  /** Size of each embedding. */
  public int embeddingDim() {
    return weight.dim(1);
  }

  /**
   * The embeddings of {@code x}, a tensor of any shape holding integer-valued indices; the result
   * has shape {@code (*x.shape, dim)}.
   */
  @Override
  public Tensor apply(Tensor x) {
    float[] v = x.toArray();
    int[] ids = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      if (v[i] != Math.rint(v[i])) {
        throw new IllegalArgumentException("Embedding: input of shape "
            + Shapes.format(x.shape()) + " holds " + v[i] + " at flat position " + i
            + ", not an integer index");
      }
      ids[i] = check((int) v[i]);
    }
    int[] s = Arrays.copyOf(x.shape(), x.ndim() + 1);
    s[x.ndim()] = embeddingDim();
    return weight.take(ids).reshape(s);
  }

  /** The embeddings of {@code ids}, shape {@code (ids.length, dim)}. */
  public Tensor lookup(int... ids) {
    for (int id : ids) {
      check(id);
    }
    return weight.take(ids);
  }

  private int check(int id) {
    if (id < 0 || id >= numEmbeddings()) {
      throw new IndexOutOfBoundsException("Embedding: index " + id + " out of range for "
          + numEmbeddings() + " embeddings");
    }
    return id;
  }
}
