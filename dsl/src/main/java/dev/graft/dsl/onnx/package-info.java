/**
 * Reading ONNX model files: the graph's nodes, initializers and constants, parsed with
 * protobuf-java against the part of ONNX's schema Graft needs ({@link
 * dev.graft.dsl.onnx.OnnxGraph#read}). Every problem with a file is an {@link
 * dev.graft.dsl.onnx.OnnxException} naming the file and, where there is one, the tensor or node.
 *
 * <p>Turning a graph into a model tree is the model's business; {@code
 * dev.graft.dsl.nn.Bert#fromOnnx} does it for BERT encoders.
 */
@NullMarked
package dev.graft.dsl.onnx;

import org.jspecify.annotations.NullMarked;
