package dev.graft.dsl.onnx;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;

/**
 * The subset of ONNX's {@code onnx.proto} (proto2, package {@code onnx}) that Graft reads, built
 * as a protobuf descriptor in code so that no code generator is part of the build. Field names
 * and numbers are those of the public schema; fields not declared here are skipped by the parser
 * (kept as unknown fields), so files from newer IR versions still read.
 */
final class OnnxSchema {
  static final Descriptor MODEL;
  static final Descriptor GRAPH;
  static final Descriptor NODE;
  static final Descriptor ATTRIBUTE;
  static final Descriptor TENSOR;
  static final Descriptor ENTRY;

  static {
    FileDescriptorProto file = FileDescriptorProto.newBuilder()
        .setName("graft_onnx_subset.proto")
        .setPackage("onnx")
        .setSyntax("proto2")
        .addMessageType(message("ModelProto",
            scalar("ir_version", 1, FieldDescriptorProto.Type.TYPE_INT64),
            scalar("producer_name", 2, FieldDescriptorProto.Type.TYPE_STRING),
            message("graph", 7, "GraphProto", false)))
        .addMessageType(message("GraphProto",
            message("node", 1, "NodeProto", true),
            scalar("name", 2, FieldDescriptorProto.Type.TYPE_STRING),
            message("initializer", 5, "TensorProto", true)))
        .addMessageType(message("NodeProto",
            repeated("input", 1, FieldDescriptorProto.Type.TYPE_STRING),
            repeated("output", 2, FieldDescriptorProto.Type.TYPE_STRING),
            scalar("name", 3, FieldDescriptorProto.Type.TYPE_STRING),
            scalar("op_type", 4, FieldDescriptorProto.Type.TYPE_STRING),
            message("attribute", 5, "AttributeProto", true),
            scalar("domain", 7, FieldDescriptorProto.Type.TYPE_STRING)))
        .addMessageType(message("AttributeProto",
            scalar("name", 1, FieldDescriptorProto.Type.TYPE_STRING),
            scalar("f", 2, FieldDescriptorProto.Type.TYPE_FLOAT),
            scalar("i", 3, FieldDescriptorProto.Type.TYPE_INT64),
            scalar("s", 4, FieldDescriptorProto.Type.TYPE_BYTES),
            message("t", 5, "TensorProto", false),
            repeated("floats", 7, FieldDescriptorProto.Type.TYPE_FLOAT),
            repeated("ints", 8, FieldDescriptorProto.Type.TYPE_INT64),
            scalar("type", 20, FieldDescriptorProto.Type.TYPE_INT32)))
        .addMessageType(message("TensorProto",
            repeated("dims", 1, FieldDescriptorProto.Type.TYPE_INT64),
            scalar("data_type", 2, FieldDescriptorProto.Type.TYPE_INT32),
            repeated("float_data", 4, FieldDescriptorProto.Type.TYPE_FLOAT),
            repeated("int32_data", 5, FieldDescriptorProto.Type.TYPE_INT32),
            repeated("int64_data", 7, FieldDescriptorProto.Type.TYPE_INT64),
            scalar("name", 8, FieldDescriptorProto.Type.TYPE_STRING),
            scalar("raw_data", 9, FieldDescriptorProto.Type.TYPE_BYTES),
            repeated("double_data", 10, FieldDescriptorProto.Type.TYPE_DOUBLE),
            message("external_data", 13, "StringStringEntryProto", true),
            scalar("data_location", 14, FieldDescriptorProto.Type.TYPE_INT32)))
        .addMessageType(message("StringStringEntryProto",
            scalar("key", 1, FieldDescriptorProto.Type.TYPE_STRING),
            scalar("value", 2, FieldDescriptorProto.Type.TYPE_STRING)))
        .build();
    FileDescriptor fd;
    try {
      fd = FileDescriptor.buildFrom(file, new FileDescriptor[0]);
    } catch (DescriptorValidationException e) {
      throw new IllegalStateException("ONNX schema subset does not validate: " + e.getMessage(), e);
    }
    MODEL = fd.findMessageTypeByName("ModelProto");
    GRAPH = fd.findMessageTypeByName("GraphProto");
    NODE = fd.findMessageTypeByName("NodeProto");
    ATTRIBUTE = fd.findMessageTypeByName("AttributeProto");
    TENSOR = fd.findMessageTypeByName("TensorProto");
    ENTRY = fd.findMessageTypeByName("StringStringEntryProto");
  }

  private OnnxSchema() {}

  private static DescriptorProto message(String name, FieldDescriptorProto... fields) {
    DescriptorProto.Builder b = DescriptorProto.newBuilder().setName(name);
    for (FieldDescriptorProto f : fields) {
      b.addField(f);
    }
    return b.build();
  }

  private static FieldDescriptorProto scalar(String name, int number,
      FieldDescriptorProto.Type type) {
    return field(name, number, type, FieldDescriptorProto.Label.LABEL_OPTIONAL).build();
  }

  /** Repeated numbers are accepted packed and unpacked alike by the parser. */
  private static FieldDescriptorProto repeated(String name, int number,
      FieldDescriptorProto.Type type) {
    return field(name, number, type, FieldDescriptorProto.Label.LABEL_REPEATED).build();
  }

  private static FieldDescriptorProto message(String name, int number, String type,
      boolean repeated) {
    return field(name, number, FieldDescriptorProto.Type.TYPE_MESSAGE, repeated
        ? FieldDescriptorProto.Label.LABEL_REPEATED : FieldDescriptorProto.Label.LABEL_OPTIONAL)
        .setTypeName(".onnx." + type).build();
  }

  private static FieldDescriptorProto.Builder field(String name, int number,
      FieldDescriptorProto.Type type, FieldDescriptorProto.Label label) {
    return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
        .setLabel(label);
  }
}
