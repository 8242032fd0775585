package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A BERT encoder ({@code BertModel} without the pooler), the architecture of {@code
 * sentence-transformers/all-MiniLM-L6-v2}: embeddings, then post-LN encoder layers; {@link
 * #encode} gives the last hidden state. The tree's paths are Hugging Face's parameter names with
 * {@code /} for {@code .} ({@code encoder/layer/0/attention/self/query/weight}), so a PEFT adapter
 * saved from it carries the keys PEFT writes for the same model, and a {@code model.safetensors}
 * loads into it ({@code Net.load(file, Bert.create(config, key))} or {@code
 * BertSafetensors.read(file, heads, eps)}).
 *
 * <pre>{@code
 * Bert bert = Bert.fromOnnx(Path.of("all-minilm-l6-v2.onnx"));
 * Tensor hidden = bert.encode(ids, mask);                       // (batch, seq, 384)
 * Tensor sentence = Pooling.l2Normalize(Pooling.mean(hidden, mask));
 * Net net = Net.of(bert).freeze().lora(8, 16.0, Mask.modules("query", "value"));
 * }</pre>
 *
 * @param embeddings word, position and token type embeddings with their LayerNorm
 * @param encoder the encoder layers
 */
public record Bert(BertEmbeddings embeddings, BertEncoder encoder) implements Layer {
  /** Weights some exports carry that are not parameters of this tree; they are skipped. */
  private static final List<String> IGNORED = List.of("embeddings.position_ids", "pooler.");

  /** A model of the given sizes with PyTorch's default initialization of each layer. */
  public static Bert create(BertConfig c, Key key) {
    Key[] k = key.split(c.layers() + 1);
    List<BertLayer> layers = new ArrayList<>();
    for (int i = 0; i < c.layers(); i++) {
      layers.add(BertLayer.create(c.hidden(), c.heads(), c.intermediate(), c.eps(), k[i + 1]));
    }
    return new Bert(BertEmbeddings.create(c.vocab(), c.hidden(), c.maxPositions(), c.typeVocab(),
        c.eps(), k[0]), new BertEncoder(layers));
  }

  /**
   * Reads config and weights from an ONNX export of a BERT encoder (Hugging Face's {@code
   * BertModel}, e.g. the {@code all-minilm-l6-v2.onnx} that langchain4j ships): biases,
   * LayerNorms and embeddings by their initializer names, each MatMul weight by the name of the
   * node that uses it, heads from the attention's reshape and eps from the LayerNorms. An {@link
   * dev.graft.dsl.onnx.OnnxException} or {@link IllegalArgumentException} naming the file and
   * what is missing when the graph is not a BERT encoder this reader understands.
   */
  public static Bert fromOnnx(java.nio.file.Path file) {
    BertOnnx.Import imported = BertOnnx.read(file);
    try {
      return fromWeights(imported.weights(), imported.heads(), imported.eps());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ONNX file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A model from Hugging Face-named weights (dotted, as in a {@code state_dict}; Linear weights
   * {@code (out, in)}), optionally all under one prefix such as {@code bert.}. Every parameter
   * must be present with the shape the config implies; a name that is neither a parameter nor a
   * known non-parameter ({@code embeddings.position_ids}, {@code pooler.*}) is refused, so a
   * misnamed file fails instead of loading partly.
   */
  public static Bert fromWeights(Map<String, Tensor> weights, int heads, float eps) {
    String prefix = prefix(weights);
    Map<String, Tensor> w = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : weights.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        w.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    BertConfig c = BertConfig.fromWeights(w, heads, eps);
    Set<String> used = new LinkedHashSet<>();
    Weights get = (name, shape) -> {
      Tensor t = w.get(name);
      if (t == null) {
        throw new IllegalArgumentException("no weight '" + prefix + name + "'");
      }
      if (!Arrays.equals(t.shape(), shape)) {
        throw new IllegalArgumentException("weight '" + prefix + name + "' has shape "
            + Shapes.format(t.shape()) + ", expected " + Shapes.format(shape));
      }
      used.add(name);
      return t;
    };
    int h = c.hidden();
    BertEmbeddings emb = new BertEmbeddings(
        new Embedding(get.of("embeddings.word_embeddings.weight", c.vocab(), h)),
        new Embedding(get.of("embeddings.position_embeddings.weight", c.maxPositions(), h)),
        new Embedding(get.of("embeddings.token_type_embeddings.weight", c.typeVocab(), h)),
        layerNorm(get, "embeddings.LayerNorm", h, eps));
    List<BertLayer> layers = new ArrayList<>();
    for (int i = 0; i < c.layers(); i++) {
      String p = "encoder.layer." + i + ".";
      SelfAttention self = new SelfAttention(linear(get, p + "attention.self.query", h, h),
          linear(get, p + "attention.self.key", h, h),
          linear(get, p + "attention.self.value", h, h), heads, false);
      AddNorm attnOut = new AddNorm(linear(get, p + "attention.output.dense", h, h),
          layerNorm(get, p + "attention.output.LayerNorm", h, eps));
      Intermediate inter = new Intermediate(linear(get, p + "intermediate.dense", h,
          c.intermediate()));
      AddNorm out = new AddNorm(linear(get, p + "output.dense", c.intermediate(), h),
          layerNorm(get, p + "output.LayerNorm", h, eps));
      layers.add(new BertLayer(new BertAttention(self, attnOut), inter, out));
    }
    List<String> unknown = new ArrayList<>();
    for (String name : w.keySet()) {
      if (!used.contains(name) && IGNORED.stream().noneMatch(name::startsWith)) {
        unknown.add(prefix + name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("weights that are not parameters of a BERT encoder with "
          + c.layers() + " layers: " + unknown);
    }
    return new Bert(emb, new BertEncoder(layers));
  }

  /** The prefix before {@code embeddings.word_embeddings.weight} (often empty). */
  private static String prefix(Map<String, Tensor> weights) {
    String suffix = "embeddings.word_embeddings.weight";
    for (String k : weights.keySet()) {
      if (k.endsWith(suffix)) {
        String p = k.substring(0, k.length() - suffix.length());
        if (p.isEmpty() || p.endsWith(".")) {
          return p;
        }
      }
    }
    throw new IllegalArgumentException("no weight named '" + suffix + "' (under any prefix) among "
        + weights.size() + " weights");
  }

  /** Looks a weight up by name, checking its shape. */
  private interface Weights {
    Tensor of(String name, int... shape);
  }

  private static Linear linear(Weights get, String name, int in, int out) {
    return new Linear(get.of(name + ".weight", out, in), get.of(name + ".bias", out));
  }

  private static LayerNorm layerNorm(Weights get, String name, int h, float eps) {
    return new LayerNorm(get.of(name + ".weight", h), get.of(name + ".bias", h), eps);
  }

  /**
   * The last hidden state {@code (batch, seq, hidden)} of {@code inputIds (batch, seq)} (float
   * tensor of integer ids) with a 1/0 {@code attentionMask} of the same shape; token types 0.
   */
  public Tensor encode(Tensor inputIds, Tensor attentionMask) {
    return encode(inputIds, attentionMask, null);
  }

  /** {@link #encode(Tensor, Tensor)} with token types (all 0 when {@code null}). */
  public Tensor encode(Tensor inputIds, Tensor attentionMask, @Nullable Tensor tokenTypes) {
    if (!Arrays.equals(inputIds.shape(), attentionMask.shape())) {
      throw new IllegalArgumentException("Bert: attention mask shape "
          + Shapes.format(attentionMask.shape()) + " differs from input ids "
          + Shapes.format(inputIds.shape()));
    }
    Tensor x = embeddings.apply(inputIds, tokenTypes);
    return encoder.apply(x, SelfAttention.paddingMask(attentionMask));
  }

  /** The last hidden state of {@code inputIds (batch, seq)} with every position attended to. */
  @Override
  public Tensor apply(Tensor inputIds) {
    return encode(inputIds, Tensor.ones(inputIds.shape()));
  }
}
