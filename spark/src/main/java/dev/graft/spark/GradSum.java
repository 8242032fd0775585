package dev.graft.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * A running sum over shards of {@code weight · gradient} per trainable leaf (in the order of the
 * trainable paths), of {@code weight · loss}, and of the weights: what each partition sends to the
 * driver and {@code treeAggregate} adds up. Written as raw float32 bytes (Java serialization and
 * Kryo alike): {@link #wireBytes()} is its exact size on the wire before Spark's envelope.
 */
final class GradSum implements Serializable, KryoSerializable {
  private static final long serialVersionUID = 1L;

  private transient double weight;
  private transient double loss;
  private transient int shards;
  private transient float @Nullable [][] grads;

  /** The sum over no shard: adding it changes nothing. */
  static GradSum empty() {
    return new GradSum();
  }

  /** One shard's contribution: its gradients and loss times its weight. */
  static GradSum of(float[][] weightedGrads, double weightedLoss, double weight) {
    GradSum s = new GradSum();
    s.grads = weightedGrads;
    s.loss = weightedLoss;
    s.weight = weight;
    s.shards = 1;
    return s;
  }

  /** Adds {@code b} into {@code a} (Spark lets an aggregation reuse its first argument). */
  static GradSum add(GradSum a, GradSum b) {
    if (b.grads == null) {
      return a;
    }
    if (a.grads == null) {
      return b;
    }
    if (a.grads.length != b.grads.length) {
      throw new IllegalStateException("GradSum: partial sums over " + a.grads.length + " and "
          + b.grads.length + " leaves; the partitions trained different nets");
    }
    for (int k = 0; k < a.grads.length; k++) {
      float[] x = a.grads[k];
      float[] y = b.grads[k];
      if (x.length != y.length) {
        throw new IllegalStateException("GradSum: leaf " + k + " has " + x.length + " and "
            + y.length + " elements in two partitions");
      }
      for (int i = 0; i < x.length; i++) {
        x[i] += y[i];
      }
    }
    a.weight += b.weight;
    a.loss += b.loss;
    a.shards += b.shards;
    return a;
  }

  double weight() {
    return weight;
  }

  double loss() {
    return loss;
  }

  int shards() {
    return shards;
  }

  float @Nullable [][] grads() {
    return grads;
  }

  /** The bytes {@link #write} produces. */
  long wireBytes() {
    long n = 8 + 8 + 4 + 4;
    if (grads != null) {
      for (float[] g : grads) {
        n += 4 + 4L * g.length;
      }
    }
    return n;
  }

  void write(DataOutputStream out) throws IOException {
    out.writeDouble(weight);
    out.writeDouble(loss);
    out.writeInt(shards);
    out.writeInt(grads == null ? -1 : grads.length);
    if (grads != null) {
      for (float[] g : grads) {
        TreeCodec.writeFloats(out, g);
      }
    }
  }

  static GradSum read(DataInputStream in) throws IOException {
    GradSum s = new GradSum();
    s.weight = in.readDouble();
    s.loss = in.readDouble();
    s.shards = in.readInt();
    int n = in.readInt();
    if (n >= 0) {
      float[][] g = new float[n][];
      for (int k = 0; k < n; k++) {
        g[k] = TreeCodec.readFloats(in);
      }
      s.grads = g;
    }
    return s;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    DataOutputStream data = new DataOutputStream(out);
    write(data);
    data.flush();
  }

  private void readObject(ObjectInputStream in) throws IOException {
    try {
      in.defaultReadObject();
    } catch (ClassNotFoundException e) {
      throw new IOException(e);
    }
    GradSum s = read(new DataInputStream(in));
    weight = s.weight;
    loss = s.loss;
    shards = s.shards;
    grads = s.grads;
  }

  @Override
  public void write(Kryo kryo, Output output) {
    try {
      DataOutputStream data = new DataOutputStream(output);
      write(data);
      data.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("GradSum: " + e.getMessage(), e);
    }
  }

  @Override
  public void read(Kryo kryo, Input input) {
    try {
      GradSum s = read(new DataInputStream(input));
      weight = s.weight;
      loss = s.loss;
      shards = s.shards;
      grads = s.grads;
    } catch (IOException e) {
      throw new UncheckedIOException("GradSum: " + e.getMessage(), e);
    }
  }
}
