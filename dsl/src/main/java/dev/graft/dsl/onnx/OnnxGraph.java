package dev.graft.dsl.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The main graph of an ONNX model file: its nodes in file order, its initializers (the weights)
 * and the outputs of its {@code Constant} nodes, all as float32 {@link Tensor}s. Parsed with
 * protobuf-java against the part of ONNX's schema Graft needs; subgraphs (control flow) are not
 * read.
 *
 * <pre>{@code
 * OnnxGraph g = OnnxGraph.read(Path.of("model.onnx"));
 * Tensor bias = g.initializers().get("encoder.layer.0.attention.self.query.bias");
 * }</pre>
 */
public final class OnnxGraph {
  private final Path file;
  private final List<OnnxNode> nodes;
  private final Map<String, Tensor> initializers;
  private final Map<String, Tensor> constants;

  private OnnxGraph(Path file, List<OnnxNode> nodes, Map<String, Tensor> initializers,
      Map<String, Tensor> constants) {
    this.file = file;
    this.nodes = Collections.unmodifiableList(nodes);
    this.initializers = Collections.unmodifiableMap(initializers);
    this.constants = Collections.unmodifiableMap(constants);
  }

  /**
   * Reads {@code file}, an ONNX model ({@code ModelProto}) with its weights inside; an {@link
   * OnnxException} naming the file when it cannot be read or parsed, or holds a tensor of a type
   * other than float, double, int32 or int64 or with external data.
   */
  public static OnnxGraph read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new OnnxException("ONNX file " + file + ": cannot read: " + e.getMessage(), e);
    }
    DynamicMessage model;
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.enableAliasing(true);
      in.setSizeLimit(Integer.MAX_VALUE);
      model = DynamicMessage.parseFrom(OnnxSchema.MODEL, in);
    } catch (InvalidProtocolBufferException e) {
      throw new OnnxException("ONNX file " + file + ": not a valid ONNX model: " + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new OnnxException("ONNX file " + file + ": cannot parse: " + e.getMessage(), e);
    }
    if (!model.hasField(OnnxTensors.field(model, "graph"))) {
      throw new OnnxException("ONNX file " + file + ": the model has no graph");
    }
    DynamicMessage graph = (DynamicMessage) model.getField(OnnxTensors.field(model, "graph"));
    String where = "ONNX file " + file;
    Map<String, Tensor> inits = new LinkedHashMap<>();
    for (Object o : (List<?>) graph.getField(OnnxTensors.field(graph, "initializer"))) {
      DynamicMessage t = (DynamicMessage) o;
      inits.put(OnnxTensors.string(t, "name"), OnnxTensors.toTensor(t, where));
    }
    List<OnnxNode> nodes = new ArrayList<>();
    Map<String, Tensor> constants = new LinkedHashMap<>();
    for (Object o : (List<?>) graph.getField(OnnxTensors.field(graph, "node"))) {
      DynamicMessage n = (DynamicMessage) o;
      OnnxNode node = node(n, where, constants);
      nodes.add(node);
    }
    return new OnnxGraph(file, nodes, inits, constants);
  }

  private static OnnxNode node(DynamicMessage n, String where, Map<String, Tensor> constants) {
    String name = OnnxTensors.string(n, "name");
    String op = OnnxTensors.string(n, "op_type");
    List<String> inputs = strings(n, "input");
    List<String> outputs = strings(n, "output");
    Map<String, Double> numbers = new LinkedHashMap<>();
    for (Object a : (List<?>) n.getField(OnnxTensors.field(n, "attribute"))) {
      DynamicMessage attr = (DynamicMessage) a;
      String an = OnnxTensors.string(attr, "name");
      if (attr.hasField(OnnxTensors.field(attr, "f"))) {
        numbers.put(an, (double) (Float) attr.getField(OnnxTensors.field(attr, "f")));
      } else if (attr.hasField(OnnxTensors.field(attr, "i"))) {
        numbers.put(an, (double) (Long) attr.getField(OnnxTensors.field(attr, "i")));
      }
      if (op.equals("Constant") && outputs.size() == 1) {
        Tensor value = constantValue(attr, an, where + ", node '" + name + "'");
        if (value != null) {
          constants.put(outputs.get(0), value);
        }
      }
    }
    return new OnnxNode(name, op, inputs, outputs, numbers);
  }

  /** A Constant's {@code value} (a tensor) or {@code value_float(s)}/{@code value_int(s)}. */
  private static @Nullable Tensor constantValue(DynamicMessage attr,
      String name, String where) {
    switch (name) {
      case "value":
        return OnnxTensors.toTensor((DynamicMessage) attr.getField(OnnxTensors.field(attr, "t")),
            where);
      case "value_float":
        return Tensor.scalar((Float) attr.getField(OnnxTensors.field(attr, "f")));
      case "value_int":
        return Tensor.scalar((float) (long) (Long) attr.getField(OnnxTensors.field(attr, "i")));
      case "value_floats": {
        List<?> v = (List<?>) attr.getField(OnnxTensors.field(attr, "floats"));
        return vector(v);
      }
      case "value_ints": {
        List<?> v = (List<?>) attr.getField(OnnxTensors.field(attr, "ints"));
        return vector(v);
      }
      default:
        return null;
    }
  }

  private static Tensor vector(List<?> values) {
    float[] d = new float[values.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = ((Number) values.get(i)).floatValue();
    }
    return Tensor.adopt(d, d.length);
  }

  private static List<String> strings(DynamicMessage m, String field) {
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) m.getField(OnnxTensors.field(m, field))) {
      out.add(o instanceof ByteString b ? b.toStringUtf8() : (String) o);
    }
    return out;
  }

  /** The file this graph was read from. */
  public Path file() {
    return file;
  }

  /** The nodes in file order (ONNX requires a topological order). */
  public List<OnnxNode> nodes() {
    return nodes;
  }

  /** The initializers (the weights) by name, in file order. */
  public Map<String, Tensor> initializers() {
    return initializers;
  }

  /** The outputs of the graph's {@code Constant} nodes, by output name. */
  public Map<String, Tensor> constants() {
    return constants;
  }

  /** The value of tensor {@code name} if it is an initializer or a constant's output. */
  public Optional<Tensor> value(String name) {
    Tensor t = initializers.get(name);
    return Optional.ofNullable(t != null ? t : constants.get(name));
  }

  /** The nodes that read tensor {@code name}, in file order. */
  public List<OnnxNode> consumers(String name) {
    List<OnnxNode> out = new ArrayList<>();
    for (OnnxNode n : nodes) {
      if (n.inputs().contains(name)) {
        out.add(n);
      }
    }
    return out;
  }

  /** Short: file, node and initializer counts. */
  @Override
  public String toString() {
    return "OnnxGraph[" + file.getFileName() + ", " + nodes.size() + " nodes, "
        + initializers.size() + " initializers]";
  }
}
