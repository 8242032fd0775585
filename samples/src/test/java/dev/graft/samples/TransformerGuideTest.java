package dev.graft.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Mask;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.dsl.Net;
import dev.graft.dsl.io.PeftConfigFields;
import dev.graft.dsl.nn.Bert;
import dev.graft.dsl.nn.Pooling;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.train.Losses;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code of the guide's section "Adapting a pretrained transformer", on the real
 * all-MiniLM-L6-v2: load, encode, adapt query and value with LoRA, train, save in PEFT's layout.
 */
class TransformerGuideTest {
  @TempDir
  Path dir;

  /** Ids and mask of two texts, padded with id 0 to the longer. */
  record Batch(Tensor ids, Tensor mask) {}

  static Batch tokenize(HuggingFaceTokenizer tokenizer, String... texts) {
    Encoding[] e = new Encoding[texts.length];
    int seq = 0;
    for (int i = 0; i < texts.length; i++) {
      e[i] = tokenizer.encode(texts[i]);
      seq = Math.max(seq, e[i].getIds().length);
    }
    float[] ids = new float[texts.length * seq];
    float[] mask = new float[texts.length * seq];
    for (int i = 0; i < texts.length; i++) {
      for (int j = 0; j < e[i].getIds().length; j++) {
        ids[i * seq + j] = e[i].getIds()[j];
        mask[i * seq + j] = 1f;
      }
    }
    return new Batch(Tensor.of(ids, texts.length, seq), Tensor.of(mask, texts.length, seq));
  }

  @Test
  void adaptingAPretrainedTransformer() throws IOException {
    Path onnx = dir.resolve("all-minilm-l6-v2.onnx");
    try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2.onnx")) {
      Files.copy(in, onnx);
    }
    HuggingFaceTokenizer tokenizer;
    try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
      tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false"));
    }
    // --- guide: load and encode
    Bert bert = Bert.fromOnnx(onnx);                    // config and weights from the graph
    Batch b = tokenize(tokenizer, "The cat sits on the mat.", "A cat is sitting on a mat.");
    Tensor hidden = bert.encode(b.ids(), b.mask());    // (2, seq, 384): the last hidden state
    Tensor sentences = Pooling.l2Normalize(Pooling.mean(hidden, b.mask()));  // (2, 384)
    float cosine = sentences.get(0).times(sentences.get(1)).sum().item();  // about 0.9
    // --- guide: adapt query and value
    Net net = Net.of(bert).freeze().lora(8, 16.0, Mask.modules("query", "value"));
    System.out.println(net);
    // Net[Bert, trainable 73728 of 22639104]
    // --- guide: train
    Net trained = net.fit(List.of(b), (m, batch) -> {
      Tensor e = Pooling.mean(((Bert) m).encode(batch.ids(), batch.mask()), batch.mask());
      return Losses.mse(e.get(0), e.get(1));         // pull the two paraphrases together
    }, AdamW.of(1e-3), 3);
    // --- guide: save in PEFT's layout
    trained.saveAdapter(dir.resolve("adapter"));
    PeftConfigFields.describe(trained.module(), dir.resolve("adapter"),
        "sentence-transformers/all-MiniLM-L6-v2", List.of("query", "value"));
    // adapter/adapter_model.safetensors:
    //   base_model.model.encoder.layer.0.attention.self.query.lora_A.weight (8, 384), ...
    // adapter/adapter_config.json: "peft_type": "LORA", "r": 8, "lora_alpha": 16.0,
    //   "target_modules": ["query", "value"],
    //   "base_model_name_or_path": "sentence-transformers/all-MiniLM-L6-v2"
    // --- guide end

    assertEquals(384, sentences.dim(1));
    assertTrue(cosine > 0.8f && cosine < 1f, "cosine " + cosine);
    assertEquals("Net[Bert, trainable 73728 of 22639104]", net.toString());
    Tensor before = Pooling.mean(((Bert) net.module()).encode(b.ids(), b.mask()), b.mask());
    Tensor after = Pooling.mean(((Bert) trained.module()).encode(b.ids(), b.mask()), b.mask());
    assertTrue(Losses.mse(after.get(0), after.get(1)).item()
        < Losses.mse(before.get(0), before.get(1)).item());
    var config = new ObjectMapper().readTree(dir.resolve("adapter/adapter_config.json").toFile());
    assertEquals("[\"query\",\"value\"]", config.get("target_modules").toString());
    assertEquals(8, config.get("r").asInt());
    Net reloaded = net.loadAdapter(dir.resolve("adapter"));
    assertEquals(trained.module(), reloaded.module());
  }
}
