package dev.graft.dsl.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.graft.runtime.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Converts a parsed {@code TensorProto} into a float32 {@link Tensor}. */
final class OnnxTensors {
  private static final int FLOAT = 1;
  private static final int INT32 = 6;
  private static final int INT64 = 7;
  private static final int DOUBLE = 11;
  private static final int EXTERNAL = 1;

  private OnnxTensors() {}

  /**
   * The tensor's values as float32 in its shape: FLOAT as is, DOUBLE rounded, INT32/INT64
   * converted (shape constants and indices); {@code where} names it in errors.
   */
  static Tensor toTensor(DynamicMessage t, String where) {
    String name = string(t, "name");
    int type = ((Number) t.getField(field(t, "data_type"))).intValue();
    if (((Number) t.getField(field(t, "data_location"))).intValue() == EXTERNAL
        || t.getRepeatedFieldCount(field(t, "external_data")) > 0) {
      throw new OnnxException(where + ": tensor '" + name + "' keeps its data in an external "
          + "file, which is not supported; save the model with its weights inside");
    }
    @SuppressWarnings("unchecked")
    List<Long> dimList = (List<Long>) t.getField(field(t, "dims"));
    int[] shape = new int[dimList.size()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      long d = dimList.get(i);
      if (d < 0 || d > Integer.MAX_VALUE) {
        throw new OnnxException(where + ": tensor '" + name + "' has dimension " + d);
      }
      shape[i] = (int) d;
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new OnnxException(where + ": tensor '" + name + "' has " + n + " elements");
    }
    float[] out = new float[(int) n];
    ByteString raw = (ByteString) t.getField(field(t, "raw_data"));
    if (!raw.isEmpty()) {
      ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      int width = switch (type) {
        case FLOAT, INT32 -> 4;
        case INT64, DOUBLE -> 8;
        default -> throw unsupported(where, name, type);
      };
      if (raw.size() != n * width) {
        throw new OnnxException(where + ": tensor '" + name + "' has " + raw.size()
            + " bytes of data for " + n + " elements of " + width + " bytes");
      }
      switch (type) {
        case FLOAT -> b.asFloatBuffer().get(out);
        case INT32 -> {
          for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt(4 * i);
          }
        }
        case INT64 -> {
          for (int i = 0; i < out.length; i++) {
            out[i] = b.getLong(8 * i);
          }
        }
        default -> {
          for (int i = 0; i < out.length; i++) {
            out[i] = (float) b.getDouble(8 * i);
          }
        }
      }
      return Tensor.adopt(out, shape);
    }
    String listField = switch (type) {
      case FLOAT -> "float_data";
      case INT32 -> "int32_data";
      case INT64 -> "int64_data";
      case DOUBLE -> "double_data";
      default -> throw unsupported(where, name, type);
    };
    List<?> values = (List<?>) t.getField(field(t, listField));
    if (values.size() != n) {
      throw new OnnxException(where + ": tensor '" + name + "' has " + values.size()
          + " values for shape of " + n + " elements");
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values.get(i)).floatValue();
    }
    return Tensor.adopt(out, shape);
  }

  private static OnnxException unsupported(String where, String name, int type) {
    return new OnnxException(where + ": tensor '" + name + "' has ONNX data type " + type
        + "; only FLOAT (1), INT32 (6), INT64 (7) and DOUBLE (11) are read");
  }

  static FieldDescriptor field(DynamicMessage m, String name) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
    if (f == null) {
      throw new IllegalStateException("ONNX schema subset has no field " + name + " in "
          + m.getDescriptorForType().getName());
    }
    return f;
  }

  static String string(DynamicMessage m, String name) {
    return (String) m.getField(field(m, name));
  }
}
