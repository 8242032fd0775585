package dev.graft.dsl.nn;

import dev.graft.dsl.onnx.OnnxGraph;
import dev.graft.dsl.onnx.OnnxNode;
import dev.graft.runtime.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a BERT encoder's weights and the two sizes weights do not show out of an ONNX graph
 * exported from Hugging Face's {@code BertModel} by torch:
 *
 * <ul>
 *   <li>Biases, LayerNorms and embeddings are initializers under their parameter names, perhaps
 *       under a prefix ({@code m.}); an {@code Identity} node may give one initializer a second
 *       name (exporters deduplicate equal tensors).
 *   <li>A Linear weight is an anonymous initializer ({@code onnx::MatMul_787}), stored {@code
 *       (in, out)}, read by a {@code MatMul} node whose name is the module path ({@code
 *       /encoder/layer.0/attention/self/query/MatMul}, perhaps under a prefix such as {@code
 *       /m/}); it is named after that node and transposed to {@code (out, in)}.
 *   <li>The number of heads is the third entry of the shape the query is reshaped to ({@code
 *       (batch, seq, heads, headDim)}), a constant or a {@code Concat} of constants.
 *   <li>LayerNorm's epsilon is a {@code LayerNormalization} node's attribute, or, when the
 *       exporter spelled LayerNorm out, the constant added to the variance before {@code Sqrt}.
 * </ul>
 */
final class BertOnnx {
  private static final Pattern MODULE = Pattern.compile("(?:^|/)((?:embeddings|encoder)/.*)/"
      + "MatMul$");
  private static final Pattern ROOT = Pattern.compile("(?:^|\\.)((?:embeddings|encoder|pooler)"
      + "\\..*)$");

  /** What the graph gives: dotted HF-named weights, heads and eps. */
  record Import(Map<String, Tensor> weights, int heads, float eps) {}

  private BertOnnx() {}

  static Import read(Path file) {
    OnnxGraph g = OnnxGraph.read(file);
    Map<String, Tensor> weights = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
      hfName(e.getKey()).ifPresent(n -> weights.put(n, e.getValue()));
    }
    for (OnnxNode n : g.nodes()) {
      if (n.opType().equals("Identity") && n.outputs().size() == 1
          && g.initializers().containsKey(n.inputs().get(0))) {
        Tensor t = g.initializers().get(n.inputs().get(0));
        hfName(n.outputs().get(0)).ifPresent(name -> weights.put(name, t));
      }
      if (n.opType().equals("MatMul") && n.inputs().size() == 2) {
        Tensor w = g.initializers().get(n.inputs().get(1));
        Matcher m = MODULE.matcher(n.name());
        if (w != null && w.ndim() == 2 && m.find()) {
          String module = m.group(1).replace('/', '.');
          weights.put(module + ".weight", w.transpose());
        }
      }
    }
    Tensor word = weights.get("embeddings.word_embeddings.weight");
    if (word == null || word.ndim() != 2) {
      throw new IllegalArgumentException("ONNX file " + file + ": no 2-d initializer named "
          + "'embeddings.word_embeddings.weight' (under any prefix); not a BERT export");
    }
    return new Import(weights, heads(g, word.dim(1)), eps(g));
  }

  /** The HF parameter name of a tensor name, without an exporter's prefix; empty if none. */
  private static Optional<String> hfName(String name) {
    Matcher m = ROOT.matcher(name);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The heads of the first layer's attention, from the reshape of the query. */
  private static int heads(OnnxGraph g, int hidden) {
    String queryOut = null;
    for (OnnxNode n : g.nodes()) {
      if (n.opType().equals("Add") && n.name().endsWith("layer.0/attention/self/query/Add")) {
        queryOut = n.outputs().get(0);
      }
    }
    if (queryOut == null) {
      throw new IllegalArgumentException("ONNX file " + g.file() + ": no node named "
          + "'.../encoder/layer.0/attention/self/query/Add'; not a BERT export this reader knows");
    }
    for (OnnxNode n : g.consumers(queryOut)) {
      if (!n.opType().equals("Reshape") || n.inputs().size() < 2) {
        continue;
      }
      String shapeName = n.inputs().get(1);
      Optional<Tensor> constant = g.value(shapeName);
      if (constant.isPresent() && constant.get().size() == 4) {
        float[] shape = constant.get().toArray();
        int heads = heads(shape[2], shape[3], hidden);
        if (heads > 0) {
          return heads;
        }
      }
      for (OnnxNode c : g.nodes()) {
        if (c.opType().equals("Concat") && c.outputs().contains(shapeName)
            && c.inputs().size() == 4) {
          Optional<Tensor> h = g.value(c.inputs().get(2));
          Optional<Tensor> d = g.value(c.inputs().get(3));
          if (h.isPresent() && h.get().size() == 1 && d.isPresent() && d.get().size() == 1) {
            int heads = heads(h.get().toArray()[0], d.get().toArray()[0], hidden);
            if (heads > 0) {
              return heads;
            }
          }
        }
      }
    }
    throw new IllegalArgumentException("ONNX file " + g.file() + ": cannot find the number of "
        + "heads: the query of layer 0 is not reshaped to a constant (batch, seq, heads, dim)");
  }

  /** Heads from a reshape to {@code (b, s, heads, dim)}; one of the two may be {@code -1}. */
  private static int heads(float heads, float dim, int hidden) {
    if (heads > 0) {
      return (int) heads;
    }
    return dim > 0 && hidden % (int) dim == 0 ? hidden / (int) dim : -1;
  }

  /** LayerNorm's epsilon: an attribute, or the constant added to the variance. */
  private static float eps(OnnxGraph g) {
    List<OnnxNode> nodes = g.nodes();
    for (OnnxNode n : nodes) {
      if (n.opType().equals("LayerNormalization")) {
        // The ONNX operator's default epsilon.
        return n.numbers().getOrDefault("epsilon", 1e-5).floatValue();
      }
    }
    for (OnnxNode sqrt : nodes) {
      if (!sqrt.opType().equals("Sqrt") || !sqrt.name().contains("LayerNorm")) {
        continue;
      }
      for (OnnxNode add : nodes) {
        if (add.opType().equals("Add") && add.outputs().contains(sqrt.inputs().get(0))) {
          for (String in : add.inputs()) {
            Optional<Tensor> c = g.value(in);
            if (c.isPresent() && c.get().size() == 1) {
              return c.get().toArray()[0];
            }
          }
        }
      }
    }
    throw new IllegalArgumentException("ONNX file " + g.file() + ": cannot find LayerNorm's "
        + "epsilon: no LayerNormalization node and no '.../LayerNorm/Sqrt' of a variance plus a "
        + "constant");
  }
}
