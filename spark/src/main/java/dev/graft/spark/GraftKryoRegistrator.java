package dev.graft.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.train.Batch;
import dev.graft.dsl.train.LabeledBatch;
import dev.graft.runtime.Tensor;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Teaches Spark's Kryo serializer Graft's types, so they can sit in RDDs, broadcasts and task
 * results: a {@link Tensor} is its shape and raw float32 bytes; {@link Batch} and {@link
 * LabeledBatch} are their tensors (and labels); any {@link Layer} is written by {@link
 * TreeCodec}. Records are not something Kryo can build itself, hence these serializers. {@link
 * GraftSpark#configure} installs it ({@code spark.kryo.registrator}).
 */
public final class GraftKryoRegistrator implements KryoRegistrator {
  /** Spark instantiates the registrator by reflection. */
  public GraftKryoRegistrator() {}

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(Tensor.class, new TensorSerializer());
    kryo.register(Batch.class, new BatchSerializer());
    kryo.register(LabeledBatch.class, new LabeledBatchSerializer());
    kryo.register(GradSum.class);
    kryo.register(float[].class);
    kryo.register(int[].class);
    kryo.register(byte[].class);
    kryo.addDefaultSerializer(Layer.class, new ModuleSerializer());
  }

  private static final class TensorSerializer extends Serializer<Tensor> {
    TensorSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Tensor t) {
      writeTensor(output, t);
    }

    @Override
    public Tensor read(Kryo kryo, Input input, Class<Tensor> type) {
      return readTensor(input);
    }
  }

  private static final class BatchSerializer extends Serializer<Batch> {
    BatchSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Batch b) {
      writeTensor(output, b.inputs());
      writeTensor(output, b.targets());
    }

    @Override
    public Batch read(Kryo kryo, Input input, Class<Batch> type) {
      Tensor x = readTensor(input);
      return new Batch(x, readTensor(input));
    }
  }

  private static final class LabeledBatchSerializer extends Serializer<LabeledBatch> {
    LabeledBatchSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, LabeledBatch b) {
      writeTensor(output, b.inputs());
      int[] labels = b.labels();
      output.writeInt(labels.length);
      output.writeInts(labels);
    }

    @Override
    public LabeledBatch read(Kryo kryo, Input input, Class<LabeledBatch> type) {
      Tensor x = readTensor(input);
      int n = input.readInt();
      return new LabeledBatch(x, input.readInts(n));
    }
  }

  private static final class ModuleSerializer extends Serializer<Layer> {
    ModuleSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Layer m) {
      byte[] bytes = TreeCodec.encode(m);
      output.writeInt(bytes.length);
      output.writeBytes(bytes);
    }

    @Override
    public Layer read(Kryo kryo, Input input, Class<Layer> type) {
      int n = input.readInt();
      return TreeCodec.decode(input.readBytes(n), Layer.class);
    }
  }

  private static void writeTensor(Output output, Tensor t) {
    try {
      DataOutputStream data = new DataOutputStream(output);
      TreeCodec.writeTensor(data, t);
      data.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("GraftKryoRegistrator: writing a tensor: " + e, e);
    }
  }

  private static Tensor readTensor(Input input) {
    try {
      return TreeCodec.readTensor(new DataInputStream(input));
    } catch (IOException e) {
      throw new UncheckedIOException("GraftKryoRegistrator: reading a tensor: " + e, e);
    }
  }
}
