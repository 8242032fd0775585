package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Mask;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.dsl.Net;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.graft.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real pretrained all-MiniLM-L6-v2, read by Graft from the ONNX file langchain4j ships,
 * against the references: langchain4j's {@code AllMiniLmL6V2EmbeddingModel} for sentence
 * embeddings and ONNX Runtime for the last hidden state.
 */
class MiniLmEquivalenceTest {
  static final List<String> TEXTS = List.of(
      "Hello, world!",
      "The quick brown fox jumps over the lazy dog.",
      "LoRA adapts the query and value projections of attention.",
      "Win a FREE iPhone now!!! Click here to claim your prize.",
      "Meeting moved to 3pm tomorrow; please bring the quarterly report.",
      "I can't believe it's not butter.",
      "Der schnelle braune Fuchs springt über den faulen Hund.",
      "¿Dónde está la biblioteca?",
      "1234567890 3.14159 2.71828",
      "e-mail: someone@example.com, url: https://example.org/path?q=1",
      "Parameter-efficient fine-tuning on the JVM.",
      "Transformers use self-attention to mix information between tokens.",
      "a",
      "Unsubscribe from this list by replying STOP.",
      "The mitochondria is the powerhouse of the cell.",
      "She sells sea shells by the sea shore.",
      "Re: [SAdev] bug 1234 — patch attached, please review",
      "Café naïve résumé coöperate",
      "Stocks rallied after the central bank held interest rates steady.",
      "To be, or not to be, that is the question: whether 'tis nobler in the mind to suffer "
          + "the slings and arrows of outrageous fortune.",
      "   leading and trailing spaces   ",
      "ALL CAPS SHOUTING MESSAGE",
      "emoji 😀 and symbols © ® ™");

  @Test
  void sentenceEmbeddingsEqualLangchain4jsModel() {
    MiniLm.Batch b = MiniLm.batch(TEXTS);
    Tensor hidden = MiniLm.bert().encode(b.ids(), b.mask());
    Tensor graft = Pooling.l2Normalize(Pooling.mean(hidden, b.mask()));
    AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
    float worst = 0f;
    for (int i = 0; i < TEXTS.size(); i++) {
      float[] want = reference.embed(TEXTS.get(i)).content().vector();
      assertEquals(384, want.length);
      float diff = graft.get(i).maxAbsDiff(Tensor.of(want, want.length));
      assertTrue(diff < 1e-4f, "text " + i + " '" + TEXTS.get(i) + "': max abs diff " + diff);
      worst = Math.max(worst, diff);
    }
    assertTrue(worst > 0f || TEXTS.size() > 0);
  }

  @Test
  void lastHiddenStatesEqualOnnxRuntimesOnAPaddedBatch() throws OrtException {
    MiniLm.Batch b = MiniLm.batch(TEXTS);
    Tensor graft = MiniLm.bert().encode(b.ids(), b.mask());
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(2);
      try (OrtSession session = env.createSession(MiniLm.onnxFile().toString(), opts)) {
        Map<String, OnnxTensor> in = new HashMap<>();
        long[][] types = new long[b.rawIds().length][b.rawIds()[0].length];
        in.put("input_ids", OnnxTensor.createTensor(env, b.rawIds()));
        in.put("attention_mask", OnnxTensor.createTensor(env, b.rawMask()));
        if (session.getInputNames().contains("token_type_ids")) {
          in.put("token_type_ids", OnnxTensor.createTensor(env, types));
        }
        try (OrtSession.Result r = session.run(in)) {
          float[][][] ort = (float[][][]) r.get(0).getValue();
          int[] s = graft.shape();
          assertEquals(s[0], ort.length);
          assertEquals(s[1], ort[0].length);
          assertEquals(s[2], ort[0][0].length);
          float[] flat = new float[s[0] * s[1] * s[2]];
          for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
              System.arraycopy(ort[i][j], 0, flat, (i * s[1] + j) * s[2], s[2]);
            }
          }
          float diff = graft.maxAbsDiff(Tensor.of(flat, s));
          assertTrue(diff < 1e-4f, "last hidden state max abs diff " + diff);
        } finally {
          in.values().forEach(OnnxTensor::close);
        }
      }
    }
  }

  @Test
  void configIsReadFromTheGraph() {
    Bert bert = MiniLm.bert();
    assertEquals(6, bert.encoder().layer().size());
    SelfAttention self = bert.encoder().layer().get(0).attention().self();
    assertEquals(12, self.heads());
    assertEquals(30522, ((Embedding) bert.embeddings().word_embeddings()).numEmbeddings());
    assertEquals(1e-12f, ((LayerNorm) bert.embeddings().LayerNorm()).eps(), 1e-18f);
    assertEquals(1536, ((Linear) bert.encoder().layer().get(5).intermediate().dense())
        .outFeatures());
    // 22,713,216 with the pooler (384·384 + 384), which an encoder without it lacks.
    assertEquals(22_565_376L, Net.of(bert).totalCount());
  }

  @Test
  void loraOnQueryAndValueOfSixLayersTrains73728Parameters() {
    Net net = Net.of(MiniLm.bert()).freeze().lora(8, 16.0, Mask.modules("query", "value"));
    assertEquals(12, net.adapters().size());
    assertEquals(73_728L, net.trainableCount());
    assertTrue(net.adapters().keySet().stream().allMatch(p ->
        p.toString().matches("encoder/layer/[0-5]/attention/self/(query|value)")));
  }
}
