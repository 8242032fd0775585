package dev.graft.spark;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Path;
import dev.graft.runtime.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A compact binary form of model trees for shipping them between JVMs (Spark broadcasts, task
 * results, Kryo): records are written component by component and rebuilt through their canonical
 * constructors, tensors as their shape and raw little-endian float32 bytes. A tensor or record
 * that occurs several times (VeRA's shared projections) is written once and shared again on
 * reading. The core classes need not be {@link Serializable}.
 *
 * <p>What it writes: {@link Tensor}s, records (any record, module or not), {@code List}s,
 * {@code Map}s, strings, boxed primitives, enums, primitive arrays, {@code null}; anything else
 * only when it is {@link Serializable} (written by Java serialization, e.g. a serializable lambda).
 * Anything else fails with the path of the value in the tree.
 *
 * <pre>{@code
 * byte[] bytes = TreeCodec.encode(net.module());
 * Layer copy = TreeCodec.decode(bytes, Layer.class);   // Tree.equals(copy, net.module())
 * }</pre>
 */
public final class TreeCodec {
  private static final int MAGIC = 0x47524654; // "GRFT"
  private static final int VERSION = 1;

  private static final byte NULL = 0;
  private static final byte TENSOR = 1;
  private static final byte REF = 2;
  private static final byte RECORD = 3;
  private static final byte LIST = 4;
  private static final byte MAP = 5;
  // 6 to 14: the boxed scalars (Scalars)
  private static final byte ENUM = 15;
  private static final byte INT_ARRAY = 16;
  private static final byte FLOAT_ARRAY = 17;
  private static final byte LONG_ARRAY = 18;
  private static final byte DOUBLE_ARRAY = 19;
  private static final byte BOOLEAN_ARRAY = 20;
  private static final byte JAVA = 21;

  private TreeCodec() {}

  /**
   * The bytes of {@code value} (a module tree, a tensor, or a list or map of them).
   *
   * @throws IllegalArgumentException naming the path of a value it cannot write
   */
  public static byte[] encode(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeByte(VERSION);
      new Writer(out).write(value, Path.root());
    } catch (IOException e) {
      throw new UncheckedIOException("TreeCodec.encode: " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  /**
   * The value {@code bytes} encode, checked to be a {@code type}.
   *
   * @throws IllegalArgumentException when the bytes are not a tree of this codec, are cut short,
   *     or hold another type; or when a record's constructor rejects its components
   */
  public static <T> T decode(byte[] bytes, Class<T> type) {
    Object v = decode(bytes);
    if (!type.isInstance(v)) {
      throw new IllegalArgumentException("TreeCodec.decode: expected a " + type.getName()
          + ", the bytes hold " + (v == null ? "null" : v.getClass().getName()));
    }
    return type.cast(v);
  }

  /** The value {@code bytes} encode; see {@link #decode(byte[], Class)}. */
  public static @Nullable Object decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (bytes.length < 5 || in.readInt() != MAGIC) {
        throw new IllegalArgumentException("TreeCodec.decode: the " + bytes.length
            + " bytes do not start with the codec's magic number; not an encoded tree");
      }
      int version = in.readByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("TreeCodec.decode: format version " + version
            + ", this reader knows version " + VERSION);
      }
      Object v = new Reader(in).read(Path.root());
      if (in.available() > 0) {
        throw new IllegalArgumentException("TreeCodec.decode: " + in.available()
            + " bytes left after the tree; corrupt input");
      }
      return v;
    } catch (IOException e) {
      throw new IllegalArgumentException("TreeCodec.decode: truncated or corrupt input ("
          + e + ")", e);
    }
  }

  /** Writes {@code t} as rank, shape and raw float32 bytes (no codec header). */
  static void writeTensor(DataOutputStream out, Tensor t) throws IOException {
    int[] shape = t.shape();
    out.writeByte(shape.length);
    for (int d : shape) {
      out.writeInt(d);
    }
    writeFloats(out, t.toArray());
  }

  /** Reads what {@link #writeTensor} wrote. */
  static Tensor readTensor(DataInputStream in) throws IOException {
    int rank = in.readUnsignedByte();
    int[] shape = new int[rank];
    for (int i = 0; i < rank; i++) {
      shape[i] = in.readInt();
    }
    float[] data = readFloats(in);
    return Tensor.adopt(data, shape);
  }

  /** Writes a length and the floats as raw little-endian bytes. */
  static void writeFloats(DataOutputStream out, float[] data) throws IOException {
    out.writeInt(data.length);
    ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    out.write(buf.array());
  }

  /** Reads what {@link #writeFloats} wrote. */
  static float[] readFloats(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative array length " + n);
    }
    byte[] raw = new byte[Math.multiplyExact(n, 4)];
    in.readFully(raw);
    float[] data = new float[n];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
    return data;
  }

  /** The class loader user classes come from: the thread's (Spark sets it on executors). */
  static ClassLoader loader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : TreeCodec.class.getClassLoader();
  }

  private static final class Writer {
    private final DataOutputStream out;
    private final Map<Object, Integer> seen = new IdentityHashMap<>();

    Writer(DataOutputStream out) {
      this.out = out;
    }

    void write(@Nullable Object v, Path at) throws IOException {
      if (v == null) {
        out.writeByte(NULL);
        return;
      }
      Integer ref = seen.get(v);
      if (ref != null) {
        out.writeByte(REF);
        out.writeInt(ref);
        return;
      }
      if (v instanceof Tensor t) {
        out.writeByte(TENSOR);
        writeTensor(out, t);
        seen.put(v, seen.size());
      } else if (v.getClass().isRecord()) {
        writeRecord(v, at);
        seen.put(v, seen.size());
      } else if (v instanceof List<?> list) {
        out.writeByte(LIST);
        out.writeInt(list.size());
        for (int i = 0; i < list.size(); i++) {
          write(list.get(i), at.child(i));
        }
      } else if (v instanceof Map<?, ?> map) {
        out.writeByte(MAP);
        out.writeInt(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
          write(e.getKey(), at);
          write(e.getValue(), e.getKey() instanceof String s && !s.isEmpty() && s.indexOf('/') < 0
              ? at.child(s) : at);
        }
      } else if (!writeScalar(v)) {
        writeJava(v, at);
      }
    }

    private void writeRecord(Object v, Path at) throws IOException {
      out.writeByte(RECORD);
      out.writeUTF(v.getClass().getName());
      RecordComponent[] rcs = v.getClass().getRecordComponents();
      out.writeShort(rcs.length);
      for (RecordComponent rc : rcs) {
        Object c;
        try {
          var accessor = rc.getAccessor();
          accessor.setAccessible(true);
          c = accessor.invoke(v);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
          throw new IllegalArgumentException("TreeCodec.encode: cannot read component '"
              + rc.getName() + "' of " + v.getClass().getName() + " at " + where(at) + ": " + e,
              e);
        }
        write(c, at.child(rc.getName()));
      }
    }

    private boolean writeScalar(Object v) throws IOException {
      Scalars scalar = Scalars.of(v);
      if (scalar != null) {
        scalar.write(out, v);
      } else if (v instanceof Enum<?> e) {
        out.writeByte(ENUM);
        out.writeUTF(e.getDeclaringClass().getName());
        out.writeUTF(e.name());
      } else if (v instanceof int[] a) {
        out.writeByte(INT_ARRAY);
        out.writeInt(a.length);
        for (int x : a) {
          out.writeInt(x);
        }
      } else if (v instanceof float[] a) {
        out.writeByte(FLOAT_ARRAY);
        writeFloats(out, a);
      } else if (v instanceof long[] a) {
        out.writeByte(LONG_ARRAY);
        out.writeInt(a.length);
        for (long x : a) {
          out.writeLong(x);
        }
      } else if (v instanceof double[] a) {
        out.writeByte(DOUBLE_ARRAY);
        out.writeInt(a.length);
        for (double x : a) {
          out.writeDouble(x);
        }
      } else if (v instanceof boolean[] a) {
        out.writeByte(BOOLEAN_ARRAY);
        out.writeInt(a.length);
        for (boolean x : a) {
          out.writeBoolean(x);
        }
      } else {
        return false;
      }
      return true;
    }

    private void writeJava(Object v, Path at) throws IOException {
      if (!(v instanceof Serializable)) {
        throw new IllegalArgumentException("TreeCodec.encode: cannot write the "
            + v.getClass().getName() + " at " + where(at) + (v instanceof Layer
                ? "; a module must be a record (or Serializable) to be shipped"
                : "; static configuration must be a record, enum, string, number, primitive"
                    + " array, list or map, or be Serializable"));
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream oos = new ObjectOutputStream(bytes)) {
        oos.writeObject(v);
      } catch (IOException e) {
        throw new IllegalArgumentException("TreeCodec.encode: Java serialization of the "
            + v.getClass().getName() + " at " + where(at) + " failed: " + e, e);
      }
      out.writeByte(JAVA);
      out.writeInt(bytes.size());
      bytes.writeTo(out);
    }
  }

  private static final class Reader {
    private final DataInputStream in;
    private final List<Object> seen = new ArrayList<>();

    Reader(DataInputStream in) {
      this.in = in;
    }

    @Nullable Object read(Path at) throws IOException {
      byte tag = in.readByte();
      Scalars scalar = Scalars.byTag(tag);
      if (scalar != null) {
        return scalar.read(in);
      }
      switch (tag) {
        case NULL:
          return null;
        case REF: {
          int i = in.readInt();
          if (i < 0 || i >= seen.size()) {
            throw new IOException("reference " + i + " at " + where(at) + " to nothing");
          }
          return seen.get(i);
        }
        case TENSOR: {
          Tensor t = readTensor(in);
          seen.add(t);
          return t;
        }
        case RECORD: {
          Object r = readRecord(at);
          seen.add(r);
          return r;
        }
        case LIST: {
          int n = length();
          List<Object> list = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            list.add(read(at.child(i)));
          }
          return Collections.unmodifiableList(list);
        }
        case MAP: {
          int n = length();
          Map<Object, Object> map = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            Object k = read(at);
            map.put(k, read(k instanceof String s && !s.isEmpty() && s.indexOf('/') < 0
                ? at.child(s) : at));
          }
          return Collections.unmodifiableMap(map);
        }
        case ENUM:
          return readEnum(at);
        case INT_ARRAY: {
          int[] a = new int[length()];
          for (int i = 0; i < a.length; i++) {
            a[i] = in.readInt();
          }
          return a;
        }
        case FLOAT_ARRAY:
          return readFloats(in);
        case LONG_ARRAY: {
          long[] a = new long[length()];
          for (int i = 0; i < a.length; i++) {
            a[i] = in.readLong();
          }
          return a;
        }
        case DOUBLE_ARRAY: {
          double[] a = new double[length()];
          for (int i = 0; i < a.length; i++) {
            a[i] = in.readDouble();
          }
          return a;
        }
        case BOOLEAN_ARRAY: {
          boolean[] a = new boolean[length()];
          for (int i = 0; i < a.length; i++) {
            a[i] = in.readBoolean();
          }
          return a;
        }
        case JAVA:
          return readJava(at);
        default:
          throw new IOException("unknown tag " + tag + " at " + where(at));
      }
    }

    private int length() throws IOException {
      int n = in.readInt();
      if (n < 0 || n > in.available()) {
        throw new IOException("bad length " + n);
      }
      return n;
    }

    private Object readRecord(Path at) throws IOException {
      String name = in.readUTF();
      Class<?> type = load(name, at);
      if (!type.isRecord()) {
        throw new IllegalArgumentException("TreeCodec.decode: " + name + " at " + where(at)
            + " is not a record in this JVM; are both sides running the same classes?");
      }
      RecordComponent[] rcs = type.getRecordComponents();
      int n = in.readUnsignedShort();
      if (n != rcs.length) {
        throw new IllegalArgumentException("TreeCodec.decode: record " + name + " at "
            + where(at) + " was written with " + n + " components, this JVM's class has "
            + rcs.length + "; are both sides running the same classes?");
      }
      Object[] args = new Object[n];
      Class<?>[] types = new Class<?>[n];
      for (int i = 0; i < n; i++) {
        types[i] = rcs[i].getType();
        args[i] = read(at.child(rcs[i].getName()));
      }
      try {
        Constructor<?> ctor = type.getDeclaredConstructor(types);
        ctor.setAccessible(true);
        return ctor.newInstance(args);
      } catch (InvocationTargetException e) {
        throw new IllegalArgumentException("TreeCodec.decode: the constructor of " + name
            + " at " + where(at) + " rejected the decoded components: " + e.getCause(),
            e.getCause());
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException("TreeCodec.decode: cannot rebuild record " + name
            + " at " + where(at) + ": " + e, e);
      }
    }

    private Object readEnum(Path at) throws IOException {
      String name = in.readUTF();
      String constant = in.readUTF();
      Class<?> type = load(name, at);
      if (!type.isEnum()) {
        throw new IllegalArgumentException("TreeCodec.decode: " + name + " at " + where(at)
            + " is not an enum in this JVM");
      }
      for (Object c : type.getEnumConstants()) {
        if (((Enum<?>) c).name().equals(constant)) {
          return c;
        }
      }
      throw new IllegalArgumentException("TreeCodec.decode: enum " + name + " has no constant "
          + constant + " (at " + where(at) + ")");
    }

    private Object readJava(Path at) throws IOException {
      byte[] bytes = new byte[length()];
      in.readFully(bytes);
      ClassLoader loader = loader();
      try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc)
            throws IOException, ClassNotFoundException {
          try {
            return Class.forName(desc.getName(), false, loader);
          } catch (ClassNotFoundException e) {
            return super.resolveClass(desc);
          }
        }
      }) {
        return ois.readObject();
      } catch (ClassNotFoundException e) {
        throw new IllegalArgumentException("TreeCodec.decode: the Java-serialized value at "
            + where(at) + " needs class " + e.getMessage() + ", which this JVM lacks", e);
      }
    }

    private static Class<?> load(String name, Path at) {
      try {
        return Class.forName(name, false, loader());
      } catch (ClassNotFoundException e) {
        throw new IllegalArgumentException("TreeCodec.decode: class " + name + " (at "
            + where(at) + ") is not on this JVM's class path; ship the application jar to the"
            + " executors", e);
      }
    }
  }

  private static String where(Path p) {
    return p.isRoot() ? "the root" : "'" + p + "'";
  }
}
