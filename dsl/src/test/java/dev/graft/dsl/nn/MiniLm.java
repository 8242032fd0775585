package dev.graft.dsl.nn;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The real all-MiniLM-L6-v2 of langchain4j's jar (a test dependency), for the equivalence tests:
 * the ONNX file copied once per JVM to a temporary file, the model read from it by Graft, and
 * DJL's tokenizer from the jar's {@code tokenizer.json}.
 */
final class MiniLm {
  static final String ONNX = "/all-minilm-l6-v2.onnx";
  static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

  private static java.nio.file.Path file;
  private static Bert bert;
  private static HuggingFaceTokenizer tokenizer;

  private MiniLm() {}

  /** The ONNX file, copied out of the jar on first use. */
  static synchronized java.nio.file.Path onnxFile() {
    if (file == null) {
      try (InputStream in = MiniLm.class.getResourceAsStream(ONNX)) {
        if (in == null) {
          throw new IllegalStateException("no resource " + ONNX + " on the test classpath");
        }
        java.nio.file.Path f = Files.createTempFile("all-minilm-l6-v2", ".onnx");
        f.toFile().deleteOnExit();
        Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
        file = f;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return file;
  }

  /** The model, read once. */
  static synchronized Bert bert() {
    if (bert == null) {
      bert = Bert.fromOnnx(onnxFile());
    }
    return bert;
  }

  /** DJL's tokenizer for the model, without padding (as langchain4j builds it). */
  static synchronized HuggingFaceTokenizer tokenizer() {
    if (tokenizer == null) {
      try (InputStream in = MiniLm.class.getResourceAsStream(TOKENIZER)) {
        tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return tokenizer;
  }

  /** Ids and mask of {@code texts}, padded with id 0 at the end to the longest. */
  record Batch(Tensor ids, Tensor mask, long[][] rawIds, long[][] rawMask) {}

  static Batch batch(List<String> texts) {
    Encoding[] enc = new Encoding[texts.size()];
    int seq = 0;
    for (int i = 0; i < enc.length; i++) {
      enc[i] = tokenizer().encode(texts.get(i));
      seq = Math.max(seq, enc[i].getIds().length);
    }
    float[] ids = new float[enc.length * seq];
    float[] mask = new float[enc.length * seq];
    long[][] rawIds = new long[enc.length][seq];
    long[][] rawMask = new long[enc.length][seq];
    for (int i = 0; i < enc.length; i++) {
      long[] e = enc[i].getIds();
      for (int j = 0; j < e.length; j++) {
        ids[i * seq + j] = e[j];
        mask[i * seq + j] = 1f;
        rawIds[i][j] = e[j];
        rawMask[i][j] = 1;
      }
    }
    return new Batch(Tensor.adopt(ids, enc.length, seq), Tensor.adopt(mask, enc.length, seq),
        rawIds, rawMask);
  }
}
