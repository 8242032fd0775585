package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.Net;
import dev.graft.dsl.io.BertSafetensors;
import dev.graft.dsl.io.Safetensors;
import dev.graft.dsl.io.TensorFile;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The small random BERT of the test resources (written by transformers and exported by torch):
 * Graft reproduces its last hidden state from the safetensors weights and from the ONNX export,
 * and with the PEFT LoRA on query and value.
 */
class SmallBertTest {
  static final float TOL = 1e-4f;

  static java.nio.file.Path resource(String name) {
    try {
      return java.nio.file.Path.of(SmallBertTest.class.getResource("/bert/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static TensorFile io() {
    return Safetensors.read(resource("io.safetensors"));
  }

  static Bert fromSafetensors() {
    return BertSafetensors.read(resource("model.safetensors"), 2, 1e-12f);
  }

  private static Tensor encode(Bert bert) {
    Map<String, Tensor> io = io().tensors();
    return bert.encode(io.get("input_ids"), io.get("attention_mask"));
  }

  @Test
  void safetensorsWeightsReproduceTransformers() {
    Tensor want = io().tensors().get("last_hidden_state");
    float diff = encode(fromSafetensors()).maxAbsDiff(want);
    assertTrue(diff < TOL, "max abs diff " + diff);
  }

  @Test
  void onnxExportReproducesTransformersWithConfigFromTheGraph() {
    Bert bert = Bert.fromOnnx(resource("model.onnx"));
    assertEquals(2, bert.encoder().layer().get(0).attention().self().heads());
    LayerNorm ln = (LayerNorm) bert.embeddings().LayerNorm();
    assertEquals(1e-12f, ln.eps(), 1e-18f);
    Tensor want = io().tensors().get("last_hidden_state");
    float diff = encode(bert).maxAbsDiff(want);
    assertTrue(diff < TOL, "max abs diff " + diff);
    // Same tree, same leaves as the safetensors weights (MatMul weights transposed back).
    assertTrue(Tree.equals(bert, fromSafetensors()));
  }

  @Test
  void pathsAreHuggingFaceParameterNames() {
    List<String> paths = Tree.paths(fromSafetensors()).stream().map(Path::toString).toList();
    assertEquals(21, paths.size());
    assertTrue(paths.contains("encoder/layer/0/attention/self/query/weight"), paths.toString());
    assertTrue(paths.contains("embeddings/LayerNorm/bias"), paths.toString());
    Map<String, Tensor> hf = Safetensors.read(resource("model.safetensors")).tensors();
    for (String p : paths) {
      assertTrue(hf.containsKey(p.replace('/', '.')), p);
    }
  }

  @Test
  void modelSafetensorsLoadsIntoAFreshTreeThroughNetLoad() {
    BertConfig c = new BertConfig(120, 32, 1, 2, 64, 64, 2, 1e-12f);
    Net net = Net.load(resource("model.safetensors"), Bert.create(c, Key.of(3)));
    Tensor want = io().tensors().get("last_hidden_state");
    float diff = encode((Bert) net.module()).maxAbsDiff(want);
    assertTrue(diff < TOL, "max abs diff " + diff);
  }

  @Test
  void peftLoraOnQueryAndValueReproducesPeft() {
    // PEFT's target_modules=["query", "value"]: module names matched as path suffixes.
    Net net = Net.of(fromSafetensors()).freeze().lora(4, 8.0, Mask.modules("query", "value"))
        .loadAdapter(resource("lora"));
    assertEquals(2 * (4 * 32 + 32 * 4), net.trainableCount());
    Tensor want = io().tensors().get("last_hidden_state_lora");
    float diff = encode((Bert) net.module()).maxAbsDiff(want);
    assertTrue(diff < TOL, "max abs diff " + diff);
    Tensor merged = encode((Bert) net.merge().module());
    assertTrue(merged.maxAbsDiff(want) < TOL, "merged diff " + merged.maxAbsDiff(want));
  }

  @Test
  void aWeightOfTheWrongShapeOrAnUnknownNameIsRefusedByName() {
    Map<String, Tensor> w = new LinkedHashMap<>(
        Safetensors.read(resource("model.safetensors")).tensors());
    Map<String, Tensor> extra = new LinkedHashMap<>(w);
    extra.put("encoder.layer.0.attention.self.gate.weight", Tensor.zeros(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Bert.fromWeights(extra, 2, 1e-12f));
    assertTrue(e.getMessage().contains("encoder.layer.0.attention.self.gate.weight"),
        e.getMessage());
    w.put("encoder.layer.0.attention.self.key.weight", Tensor.zeros(32, 31));
    e = assertThrows(IllegalArgumentException.class, () -> Bert.fromWeights(w, 2, 1e-12f));
    assertTrue(e.getMessage().contains("encoder.layer.0.attention.self.key.weight")
        && e.getMessage().contains("(32, 31)"), e.getMessage());
  }
}
