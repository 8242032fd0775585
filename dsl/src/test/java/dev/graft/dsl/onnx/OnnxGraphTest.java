package dev.graft.dsl.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import dev.graft.dsl.nn.Bert;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxGraphTest {
  @TempDir
  Path dir;

  static Path smallBert() throws URISyntaxException {
    return Path.of(OnnxGraphTest.class.getResource("/bert/model.onnx").toURI());
  }

  @Test
  void readsNodesInitializersAndConstantsOfATorchExport() throws URISyntaxException {
    OnnxGraph g = OnnxGraph.read(smallBert());
    assertEquals(List.of(120, 32), List.of(
        g.initializers().get("m.embeddings.word_embeddings.weight").shape()[0],
        g.initializers().get("m.embeddings.word_embeddings.weight").shape()[1]));
    OnnxNode query = g.nodes().stream()
        .filter(n -> n.name().equals("/m/encoder/layer.0/attention/self/query/MatMul"))
        .findFirst().orElseThrow();
    assertEquals("MatMul", query.opType());
    assertEquals(List.of(32, 32), List.of(g.initializers().get(query.inputs().get(1)).dim(0),
        g.initializers().get(query.inputs().get(1)).dim(1)));
    OnnxNode ln = g.nodes().stream().filter(n -> n.opType().equals("LayerNormalization"))
        .findFirst().orElseThrow();
    assertEquals(1e-12, ln.numbers().get("epsilon"), 1e-18);
    assertTrue(g.constants().values().stream().anyMatch(t -> t.size() == 1
        && t.toArray()[0] == (float) Math.sqrt(2.0)), "GELU's sqrt(2) constant");
    assertEquals(1, g.consumers("input_ids").stream()
        .filter(n -> n.opType().equals("Gather")).count());
  }

  @Test
  void tensorsInEveryEncodingConvert() {
    // raw little-endian floats, float_data, int64 raw data, int32_data, double_data
    ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f)
        .putFloat(-2f);
    assertEquals(Tensor.of(new float[] {1.5f, -2f}, 2, 1),
        OnnxTensors.toTensor(tensor("a", 1, List.of(2L, 1L))
            .setField(f("raw_data"), ByteString.copyFrom(raw.array())).build(), "t"));
    assertEquals(Tensor.of(new float[] {3f}, 1), OnnxTensors.toTensor(tensor("b", 1, List.of(1L))
        .addRepeatedField(f("float_data"), 3f).build(), "t"));
    ByteBuffer longs = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(7L)
        .putLong(-1L);
    assertEquals(Tensor.of(new float[] {7f, -1f}, 2), OnnxTensors.toTensor(
        tensor("c", 7, List.of(2L)).setField(f("raw_data"), ByteString.copyFrom(longs.array()))
            .build(), "t"));
    assertEquals(Tensor.scalar(4f), OnnxTensors.toTensor(tensor("d", 6, List.of())
        .addRepeatedField(f("int32_data"), 4).build(), "t"));
    assertEquals(Tensor.scalar(0.25f), OnnxTensors.toTensor(tensor("e", 11, List.of())
        .addRepeatedField(f("double_data"), 0.25).build(), "t"));
  }

  @Test
  void unsupportedOrInconsistentTensorsAreRefusedByName() {
    OnnxException e = assertThrows(OnnxException.class, () -> OnnxTensors.toTensor(
        tensor("half", 10, List.of(1L)).setField(f("raw_data"), ByteString.copyFrom(new byte[2]))
            .build(), "file x"));
    assertTrue(e.getMessage().contains("'half'") && e.getMessage().contains("type 10"),
        e.getMessage());
    e = assertThrows(OnnxException.class, () -> OnnxTensors.toTensor(
        tensor("short", 1, List.of(3L)).setField(f("raw_data"), ByteString.copyFrom(new byte[8]))
            .build(), "file x"));
    assertTrue(e.getMessage().contains("'short'") && e.getMessage().contains("8 bytes"),
        e.getMessage());
    e = assertThrows(OnnxException.class, () -> OnnxTensors.toTensor(
        tensor("ext", 1, List.of(3L)).setField(f("data_location"), 1).build(), "file x"));
    assertTrue(e.getMessage().contains("'ext'") && e.getMessage().contains("external"),
        e.getMessage());
  }

  @Test
  void aFileThatIsNotOnnxIsRefusedWithItsName() throws IOException {
    Path bad = dir.resolve("bad.onnx");
    Files.write(bad, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02});
    OnnxException e = assertThrows(OnnxException.class, () -> OnnxGraph.read(bad));
    assertTrue(e.getMessage().contains("bad.onnx"), e.getMessage());
    Path missing = dir.resolve("missing.onnx");
    e = assertThrows(OnnxException.class, () -> OnnxGraph.read(missing));
    assertTrue(e.getMessage().contains("missing.onnx"), e.getMessage());
    Path empty = dir.resolve("empty.onnx");
    Files.write(empty, new byte[0]);
    e = assertThrows(OnnxException.class, () -> OnnxGraph.read(empty));
    assertTrue(e.getMessage().contains("no graph"), e.getMessage());
  }

  @Test
  void aGraphThatIsNotABertIsRefusedByBertFromOnnx() throws IOException {
    DynamicMessage node = DynamicMessage.newBuilder(OnnxSchema.NODE)
        .setField(OnnxSchema.NODE.findFieldByName("op_type"), "Relu")
        .setField(OnnxSchema.NODE.findFieldByName("name"), "/relu")
        .addRepeatedField(OnnxSchema.NODE.findFieldByName("input"), "x")
        .addRepeatedField(OnnxSchema.NODE.findFieldByName("output"), "y").build();
    DynamicMessage graph = DynamicMessage.newBuilder(OnnxSchema.GRAPH)
        .addRepeatedField(OnnxSchema.GRAPH.findFieldByName("node"), node).build();
    DynamicMessage model = DynamicMessage.newBuilder(OnnxSchema.MODEL)
        .setField(OnnxSchema.MODEL.findFieldByName("graph"), graph).build();
    Path f = dir.resolve("relu.onnx");
    Files.write(f, model.toByteArray());
    assertEquals(1, OnnxGraph.read(f).nodes().size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Bert.fromOnnx(f));
    assertTrue(e.getMessage().contains("relu.onnx")
        && e.getMessage().contains("embeddings.word_embeddings.weight"), e.getMessage());
  }

  private static DynamicMessage.Builder tensor(String name, int type, List<Long> dims) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(OnnxSchema.TENSOR)
        .setField(f("name"), name).setField(f("data_type"), type);
    for (long d : dims) {
      b.addRepeatedField(f("dims"), d);
    }
    return b;
  }

  private static com.google.protobuf.Descriptors.FieldDescriptor f(String name) {
    return OnnxSchema.TENSOR.findFieldByName(name);
  }
}
