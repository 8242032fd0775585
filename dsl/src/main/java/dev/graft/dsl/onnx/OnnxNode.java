package dev.graft.dsl.onnx;

import java.util.List;
import java.util.Map;

/**
 * One node of an ONNX graph: its name (exporters put the module path there, e.g. {@code
 * /encoder/layer.0/attention/self/query/MatMul}), operator, input and output tensor names, and
 * its scalar numeric attributes ({@code epsilon}, {@code axis}, ...) as doubles.
 *
 * @param name the node's name, possibly empty
 * @param opType the operator, e.g. {@code MatMul}
 * @param inputs the names of the tensors it reads, in order (an empty name is an absent input)
 * @param outputs the names of the tensors it writes
 * @param numbers the attributes holding a single float or integer, by name
 */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs,
    Map<String, Double> numbers) {

  /** Copies the lists and map into immutable ones. */
  public OnnxNode {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    numbers = Map.copyOf(numbers);
  }
}
