package dev.graft.dsl.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny safetensors writer for tests, independent of the code under test: files are assembled
 * byte by byte from a hand-written JSON header and hand-encoded little-endian values, so tests can
 * build any dtype, and any malformed file, exactly.
 */
final class HandMade {
  private HandMade() {}

  /** Length prefix (the header's UTF-8 byte count), header, then {@code data}. */
  static byte[] file(String json, byte[]... data) {
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    return concat(u64(header.length), header, concat(data));
  }

  /** A little-endian 64-bit value. */
  static byte[] u64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  /** Little-endian 16-bit patterns, e.g. half floats given by their bits. */
  static byte[] u16(int... bits) {
    ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : bits) {
      b.putShort((short) v);
    }
    return b.array();
  }

  /** Little-endian 32-bit integers. */
  static byte[] i32(int... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  /** Little-endian 64-bit integers. */
  static byte[] i64(long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  /** Little-endian float32 values. */
  static byte[] f32(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putInt(Float.floatToRawIntBits(v));
    }
    return b.array();
  }

  /** Little-endian float64 values. */
  static byte[] f64(double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putLong(Double.doubleToRawLongBits(v));
    }
    return b.array();
  }

  /** Single bytes. */
  static byte[] u8(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  /** The arrays end to end. */
  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Writes {@code bytes} to {@code dir/name} and returns the path. */
  static Path write(Path dir, String name, byte[] bytes) {
    try {
      return Files.write(dir.resolve(name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
