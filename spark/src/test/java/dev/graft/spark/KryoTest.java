package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.train.Batch;
import dev.graft.dsl.train.LabeledBatch;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

class KryoTest {
  private static final SerializerInstance KRYO =
      new KryoSerializer(GraftSpark.configure(new SparkConf())).newInstance();
  private static final SerializerInstance JAVA =
      new JavaSerializer(new SparkConf()).newInstance();

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(SerializerInstance s, T value) {
    ClassTag<T> tag = (ClassTag<T>) ClassTag$.MODULE$.apply(Object.class);
    ByteBuffer bytes = s.serialize(value, tag);
    return s.deserialize(bytes, tag);
  }

  private static int size(SerializerInstance s, Object value) {
    return s.serialize(value, ClassTag$.MODULE$.apply(Object.class)).remaining();
  }

  @Test
  void tensorsAndBatchesRoundTripCompactly() {
    Batch b = Models.batches(1, 1, 32).get(0);
    Batch back = roundTrip(KRYO, b);
    assertEquals(b, back);
    long floats = b.inputs().size() + b.targets().size();
    assertTrue(size(KRYO, b) < 4 * floats + 64, size(KRYO, b) + " bytes for " + floats);
    LabeledBatch lb = new LabeledBatch(Tensor.ones(3, 2), new int[] {0, 2, 1});
    assertEquals(lb, roundTrip(KRYO, lb));
  }

  @Test
  void moduleTreesGoThroughTheCodec() {
    Net net = Models.dora(2);
    Layer back = roundTrip(KRYO, net.module());
    assertTrue(Tree.equals(net.module(), back));
  }

  @Test
  void gradientSumsKeepTheirFloatsUnderBothSerializers() {
    GradSum s = GradSum.of(new float[][] {{1f, 2f}, {3f}}, 1.5, 2);
    for (SerializerInstance ser : new SerializerInstance[] {KRYO, JAVA}) {
      GradSum back = roundTrip(ser, s);
      assertEquals(1.5, back.loss());
      assertEquals(2, back.weight());
      assertEquals(1, back.shards());
      assertArrayEquals(new float[] {1f, 2f}, back.grads()[0]);
      assertArrayEquals(new float[] {3f}, back.grads()[1]);
    }
    assertTrue(size(KRYO, s) <= s.wireBytes() + 16, size(KRYO, s) + " vs " + s.wireBytes());
  }
}
