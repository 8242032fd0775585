package dev.graft.spark;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The boxed scalars {@link TreeCodec} writes, each with its wire tag, its writer and its reader:
 * one table instead of a writer chain and a reader switch that must agree line by line.
 */
enum Scalars {
  STRING(6, String.class, (o, v) -> o.writeUTF((String) v), in -> in.readUTF()),
  INT(7, Integer.class, (o, v) -> o.writeInt((Integer) v), DataInputStream::readInt),
  LONG(8, Long.class, (o, v) -> o.writeLong((Long) v), DataInputStream::readLong),
  FLOAT(9, Float.class, (o, v) -> o.writeFloat((Float) v), DataInputStream::readFloat),
  DOUBLE(10, Double.class, (o, v) -> o.writeDouble((Double) v), DataInputStream::readDouble),
  BOOLEAN(11, Boolean.class, (o, v) -> o.writeBoolean((Boolean) v), DataInputStream::readBoolean),
  BYTE(12, Byte.class, (o, v) -> o.writeByte((Byte) v), DataInputStream::readByte),
  SHORT(13, Short.class, (o, v) -> o.writeShort((Short) v), DataInputStream::readShort),
  CHAR(14, Character.class, (o, v) -> o.writeChar((Character) v), DataInputStream::readChar);

  /** Writes one scalar's payload. */
  private interface Writer {
    void write(DataOutputStream out, Object v) throws IOException;
  }

  /** Reads one scalar's payload. */
  private interface Reader {
    Object read(DataInputStream in) throws IOException;
  }

  private static final Scalars[] BY_TAG = new Scalars[16];

  static {
    for (Scalars s : values()) {
      BY_TAG[s.tag] = s;
    }
  }

  /** The byte that precedes the value on the wire. */
  final byte tag;

  private final Class<?> type;
  private final Writer writer;
  private final Reader reader;

  Scalars(int tag, Class<?> type, Writer writer, Reader reader) {
    this.tag = (byte) tag;
    this.type = type;
    this.writer = writer;
    this.reader = reader;
  }

  /** Writes {@code v}'s tag and payload. */
  void write(DataOutputStream out, Object v) throws IOException {
    out.writeByte(tag);
    writer.write(out, v);
  }

  /** Reads a payload written by {@link #write} (its tag already read). */
  Object read(DataInputStream in) throws IOException {
    return reader.read(in);
  }

  /** The entry for {@code v}'s class, or null when {@code v} is not one of these scalars. */
  static @Nullable Scalars of(Object v) {
    for (Scalars s : values()) {
      if (s.type == v.getClass()) {
        return s;
      }
    }
    return null;
  }

  /** The entry for a wire tag, or null when the tag is not a scalar's. */
  static @Nullable Scalars byTag(byte tag) {
    return tag >= 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
  }
}
