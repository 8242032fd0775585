package dev.graft.dsl.io;

import static dev.graft.dsl.io.SafetensorsException.METADATA_KEY;

import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Writes float32 tensors and metadata as a safetensors file: names sorted, header padded to 8
 * bytes, data streamed in bounded chunks straight from each tensor's storage (a tensor is never
 * copied whole, so a tensor close to the heap's size can still be saved), the file replaced
 * atomically (see {@link AtomicFiles}).
 */
final class SafetensorsWriter {
  private static final int CHUNK = 1 << 20;

  private SafetensorsWriter() {}

  static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(tensors, "tensors");
    Objects.requireNonNull(metadata, "metadata");
    // Snapshot first: nothing touches the disk until the arguments are known to be good.
    TreeMap<String, Tensor> sorted = new TreeMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      String name = e.getKey();
      Tensor t = e.getValue();
      if (name == null) {
        throw new SafetensorsException(file, null, "a tensor name is null");
      }
      if (t == null) {
        throw new SafetensorsException(file, name, "tensor is null");
      }
      if (METADATA_KEY.equals(name)) {
        throw new SafetensorsException(file, name, "name is reserved for the metadata");
      }
      checkUnicode(file, name, name, "name");
      sorted.put(name, t);
    }
    TreeMap<String, String> meta = new TreeMap<>();
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new SafetensorsException(file, METADATA_KEY, "null key or value ('" + e.getKey()
            + "' = " + e.getValue() + ")");
      }
      checkUnicode(file, METADATA_KEY, e.getKey(), "key");
      checkUnicode(file, METADATA_KEY, e.getValue(), "value of '" + e.getKey() + "'");
      meta.put(e.getKey(), e.getValue());
    }
    List<TensorInfo> infos = new ArrayList<>();
    long offset = 0;
    for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
      Tensor t = e.getValue();
      long bytes = t.size() * 4L;
      infos.add(new TensorInfo(e.getKey(), Dtype.F32, t.shape(), t.size(), offset, bytes));
      offset += bytes;
    }
    byte[] header = Header.encode(file, infos, meta);
    long dataBytes = offset;
    AtomicFiles.write(file, channel -> {
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      length.putLong(0, header.length);
      writeFully(channel, length);
      writeFully(channel, ByteBuffer.wrap(header));
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(dataBytes, CHUNK))
          .order(ByteOrder.LITTLE_ENDIAN);
      FloatBuffer floats = buf.asFloatBuffer();
      for (Tensor t : sorted.values()) {
        // Straight from the tensor's storage, one chunk at a time: no copy of the whole tensor.
        FloatBuffer src = t.buffer();
        int end = src.limit();
        while (src.position() < end) {
          int count = Math.min(end - src.position(), buf.capacity() / 4);
          src.limit(src.position() + count);
          floats.clear();
          floats.put(src);
          buf.clear().limit(count * 4);
          writeFully(channel, buf);
        }
      }
    });
  }

  /** Refuses unpaired surrogates, which have no UTF-8 encoding. */
  private static void checkUnicode(Path file, @Nullable String key, String s, String what) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new SafetensorsException(file, key, what + " has an unpaired surrogate at index "
            + i + ", so it cannot be written as UTF-8");
      }
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }
}
