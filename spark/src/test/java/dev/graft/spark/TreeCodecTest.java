package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.VeRAAdapter;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TreeCodecTest {
  @Test
  void loraNetRoundTripsWithEqualLeavesAndOutputs() {
    Net net = Models.lora(1);
    Layer copy = TreeCodec.decode(TreeCodec.encode(net.module()), Layer.class);
    assertTrue(Tree.equals(net.module(), copy));
    Tensor x = Random.normal(Key.of(2), 5, Models.IN);
    assertEquals(net.apply(x), copy.apply(x));
  }

  @Test
  void tensorsTakeFourBytesPerValuePlusASmallHeader() {
    Net net = Models.lora(1);
    long params = net.totalCount();
    int bytes = TreeCodec.encode(net.module()).length;
    assertTrue(bytes >= 4 * params, bytes + " bytes for " + params + " floats");
    // Class names and shapes: well under a kilobyte per layer for this 5-layer tree.
    assertTrue(bytes < 4 * params + 2_000, bytes + " bytes for " + params + " floats");
  }

  @Test
  void convolutionsWithArrayConfigurationAndEnumsRoundTrip() {
    Key[] k = Key.of(3).split(2);
    Sequential model = Sequential.of(
        Conv2d.create(1, 4, 3, ConvOptions.defaults().stride(2).padding(1), k[0]),
        Mlp.create(new int[] {4, 8, 2}, Activation.GELU, k[1]));
    Layer copy = TreeCodec.decode(TreeCodec.encode(model), Layer.class);
    assertTrue(Tree.equals(model, copy));
    Tensor x = Random.normal(Key.of(4), 2, 1, 6, 6);
    Tensor want = model.layers().get(0).apply(x);
    assertEquals(want, ((Sequential) copy).layers().get(0).apply(x));
    Tensor h = Random.normal(Key.of(5), 3, 4);
    assertEquals(model.layers().get(1).apply(h), ((Sequential) copy).layers().get(1).apply(h));
  }

  @Test
  void sharedTensorsStaySharedAfterDecoding() {
    Net net = Models.vera(5);
    Layer copy = TreeCodec.decode(TreeCodec.encode(net.module()), Layer.class);
    Sequential s = (Sequential) copy;
    VeRAAdapter a = (VeRAAdapter) s.layers().get(0);
    VeRAAdapter b = (VeRAAdapter) s.layers().get(2);
    assertSame(a.veraA(), b.veraA());
    assertEquals(net.totalCount(), Net.of(copy).totalCount());
  }

  @Test
  void mapsOfPathsToTensorsRoundTripInOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b/weight", Tensor.ones(2, 3));
    m.put("a", List.of(Tensor.scalar(1f), "x", 3L, 2.5, true, new int[] {1, 2}));
    Map<?, ?> copy = TreeCodec.decode(TreeCodec.encode(m), Map.class);
    assertEquals(List.copyOf(m.keySet()), List.copyOf(copy.keySet()));
    assertEquals(Tensor.ones(2, 3), copy.get("b/weight"));
    List<?> l = (List<?>) copy.get("a");
    assertEquals(List.of(Tensor.scalar(1f), "x", 3L, 2.5, true), l.subList(0, 5));
    assertArrayEquals(new int[] {1, 2}, (int[]) l.get(5));
  }

  @Test
  void tensorsRoundTripBitForBit() {
    qt().withFixedSeed(Long.getLong("graft.seed", 20261204L)).withExamples(50)
        .forAll(longs().all(), integers().between(0, 3)).checkAssert((seed, rank) -> {
          int[] shape = new int[rank];
          java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
          for (int i = 0; i < rank; i++) {
            shape[i] = 1 + r.nextInt(5);
          }
          float[] data = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
          for (int i = 0; i < data.length; i++) {
            data[i] = Float.intBitsToFloat(r.nextInt());
          }
          Tensor t = Tensor.of(data, shape);
          Tensor back = TreeCodec.decode(TreeCodec.encode(t), Tensor.class);
          assertArrayEquals(shape, back.shape());
          float[] got = back.toArray();
          for (int i = 0; i < data.length; i++) {
            assertEquals(Float.floatToRawIntBits(data[i]), Float.floatToRawIntBits(got[i]));
          }
        });
  }

  /** A module that is neither a record nor Serializable. */
  static final class Opaque implements Layer {
    private final float gain = 2f;

    @Override
    public Tensor apply(Tensor x) {
      return x.times(gain);
    }
  }

  @Test
  void aModuleItCannotWriteIsNamedByPath() {
    Sequential model = Sequential.of(Linear.create(2, 2, Key.of(1)), new Opaque());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TreeCodec.encode(model));
    assertTrue(e.getMessage().contains("'layers/1'"), e.getMessage());
    assertTrue(e.getMessage().contains(Opaque.class.getName()), e.getMessage());
  }

  @Test
  void garbageAndTruncatedInputAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> TreeCodec.decode(new byte[] {1, 2, 3}));
    byte[] good = TreeCodec.encode(Models.lora(1).module());
    byte[] cut = Arrays.copyOf(good, good.length / 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TreeCodec.decode(cut));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> TreeCodec.decode(TreeCodec.encode(Tensor.ones(2)), Layer.class));
  }
}
