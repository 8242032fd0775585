package dev.graft.dsl.io;

import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * An open safetensors file whose header has been read and validated, from which tensors are read
 * one at a time: for files too large to load whole, or when only a few tensors are wanted. Each
 * {@link #tensor} call reads just that tensor's bytes with positioned reads in bounded chunks, so
 * the file is never held in memory at once (and nothing is memory-mapped, so closing releases the
 * file at once on every platform). Safe to share between threads; close it when done.
 *
 * <p>Interrupting a thread while it reads makes that read fail with a {@link
 * SafetensorsException} (the thread's interrupt status stays set), and only that read: the file
 * channel the interrupt closed is reopened for the other threads, after checking that it is still
 * the same file of the same size.
 */
public final class SafetensorsReader implements AutoCloseable {
  /** Bytes read per chunk: a multiple of every element width. */
  private static final int CHUNK = 1 << 20;
  /** The largest float[] the JVM reliably allocates. */
  private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /** Reopenings in a row, without a byte read in between, before a read gives up. */
  private static final int MAX_REOPENS = 16;

  private final Path file;
  private final long dataStart;
  private final Header header;
  private final long size;
  private final @Nullable Object fileKey;
  private final Object lock = new Object();
  private volatile FileChannel channel;
  private volatile boolean closed;

  private SafetensorsReader(Path file, FileChannel channel, long dataStart, Header header,
      long size, @Nullable Object fileKey) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.header = header;
    this.size = size;
    this.fileKey = fileKey;
  }

  /** Opens {@code file} and validates its header; see {@link Safetensors#open}. */
  static SafetensorsReader open(Path file) {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException | UnsupportedOperationException e) {
      throw new SafetensorsException(file, null, "cannot open: " + e, e);
    }
    try {
      long size = channel.size();
      if (size < 8) {
        throw new SafetensorsException(file, null, "file has " + size
            + " bytes, too few for the 8-byte header length");
      }
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, len, 0, file, null);
      long n = len.getLong(0);
      if (n < 0 || n > Header.MAX_BYTES) {
        throw new SafetensorsException(file, null, "header length " + Long.toUnsignedString(n)
            + " is beyond the " + Header.MAX_BYTES + "-byte limit");
      }
      if (n > size - 8) {
        throw new SafetensorsException(file, null, "header length " + n
            + " runs past the end of the file (" + size + " bytes)");
      }
      byte[] json = new byte[(int) n];
      readFully(channel, ByteBuffer.wrap(json), 8, file, null);
      Header header = Header.parse(file, json, size - 8 - n);
      return new SafetensorsReader(file, channel, 8 + n, header, size, fileKey(file));
    } catch (IOException e) {
      closeQuietly(channel, e);
      throw new SafetensorsException(file, null, "cannot read: " + e, e);
    } catch (RuntimeException | Error e) {
      closeQuietly(channel, e);
      throw e;
    }
  }

  /** The file being read. */
  public Path file() {
    return file;
  }

  /** Tensor names in file order (by position in the data buffer); unmodifiable. */
  public Set<String> keys() {
    return header.tensors().keySet();
  }

  /** Whether the file holds a tensor called {@code name}. */
  public boolean contains(String name) {
    return header.tensors().containsKey(name);
  }

  /** The {@code __metadata__} entries, unmodifiable; empty if the file has none. */
  public Map<String, String> metadata() {
    return header.metadata();
  }

  /** Dtype, shape and position of tensor {@code name}, without reading it. */
  public TensorInfo info(String name) {
    TensorInfo info = header.tensors().get(name);
    if (info == null) {
      throw new SafetensorsException(file, name, "no such tensor; the file holds "
          + describeKeys());
    }
    return info;
  }

  /**
   * Reads tensor {@code name} as float32, converting from its stored dtype (see {@link Dtype}).
   * Throws if the name is absent, the dtype is not readable, the tensor is too large for one
   * array, or the file changed underneath.
   */
  public Tensor tensor(String name) {
    TensorInfo info = info(name);
    Dtype dtype = info.dtype();
    if (!dtype.isReadable()) {
      throw new SafetensorsException(file, name, "dtype " + dtype
          + " cannot be read as float32");
    }
    long n = info.elementCount();
    if (n > MAX_ELEMENTS) {
      throw new SafetensorsException(file, name, n
          + " elements are more than one float array can hold");
    }
    if (closed) {
      throw new IllegalStateException(file + ": reader is closed");
    }
    float[] out = new float[(int) n];
    int width = dtype.bytes();
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(info.byteLength(), CHUNK))
        .order(ByteOrder.LITTLE_ENDIAN);
    long position = dataStart + info.byteOffset();
    int done = 0;
    try {
      while (done < n) {
        int count = (int) Math.min(n - done, buf.capacity() / width);
        buf.clear().limit(count * width);
        read(buf, position, name);
        buf.flip();
        dtype.decode(buf, out, done, count);
        done += count;
        position += (long) count * width;
      }
    } catch (IOException e) {
      throw new SafetensorsException(file, name, "cannot read: " + e, e);
    }
    return Tensor.adopt(out, info.shape());
  }

  /** Reads every tensor, in file order, with the metadata. */
  public TensorFile readAll() {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (String name : keys()) {
      tensors.put(name, tensor(name));
    }
    return new TensorFile(tensors, metadata());
  }

  /** Releases the file; further reads fail. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      try {
        channel.close();
      } catch (IOException e) {
        throw new SafetensorsException(file, null, "cannot close: " + e, e);
      }
    }
  }

  @Override
  public String toString() {
    return "SafetensorsReader[" + file + ", " + keys().size() + " tensors]";
  }

  private String describeKeys() {
    Set<String> keys = keys();
    if (keys.isEmpty()) {
      return "no tensors";
    }
    String shown = keys.stream().limit(10).map(k -> "'" + SafetensorsException.shown(k) + "'")
        .collect(Collectors.joining(", "));
    return keys.size() + " tensors: " + shown + (keys.size() > 10 ? ", ..." : "");
  }

  /**
   * Fills {@code buf} from {@code position} of the file. A read the channel's closing interrupted
   * (another thread's interrupt closes a {@link FileChannel} for all) is retried on a reopened
   * channel; this thread's own interrupt fails this read only.
   */
  private void read(ByteBuffer buf, long position, String key) throws IOException {
    long p = position;
    int reopens = 0;
    while (buf.hasRemaining()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new SafetensorsException(file, key, "interrupted while reading (the reader stays"
            + " open for other threads)");
      }
      FileChannel c = channel;
      int r;
      try {
        r = c.read(buf, p);
      } catch (ClosedByInterruptException e) {
        // The next read of any thread finds the channel closed and reopens it.
        throw new SafetensorsException(file, key, "interrupted while reading (the reader stays"
            + " open for other threads)", e);
      } catch (ClosedChannelException e) {
        if (++reopens > MAX_REOPENS) {
          throw new SafetensorsException(file, key, "the file was closed under this read "
              + reopens + " times in a row", e);
        }
        reopen(c, key);
        continue;
      }
      if (r < 0) {
        throw new SafetensorsException(file, key, "file ended at byte " + p + " (changed while"
            + " open?)");
      }
      p += r;
      reopens = 0;
    }
  }

  /**
   * Replaces {@code failed}, closed by an interrupt, with a new channel on the same file, unless
   * another thread did so already; refuses when the reader was closed or the path now holds
   * another file or a file of another size.
   */
  private void reopen(FileChannel failed, String key) {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException(file + ": reader is closed");
      }
      if (channel != failed) {
        return;
      }
      FileChannel fresh;
      try {
        fresh = FileChannel.open(file, StandardOpenOption.READ);
      } catch (IOException | UnsupportedOperationException e) {
        throw new SafetensorsException(file, key, "cannot reopen after an interrupt closed the"
            + " file: " + e, e);
      }
      BasicFileAttributes now;
      try {
        now = Files.readAttributes(file, BasicFileAttributes.class);
      } catch (IOException e) {
        closeQuietly(fresh, e);
        throw new SafetensorsException(file, key, "cannot reopen: " + e, e);
      }
      if (now.size() != size || !java.util.Objects.equals(now.fileKey(), fileKey)) {
        SafetensorsException e = new SafetensorsException(file, key, "the file was replaced or"
            + " changed while open; cannot reopen it after an interrupt closed it");
        closeQuietly(fresh, e);
        throw e;
      }
      channel = fresh;
    }
  }

  /** The file system's identity of {@code file} (device and inode on Unix), if it has one. */
  private static @Nullable Object fileKey(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buf, long position, Path file,
      @Nullable String key) throws IOException {
    long p = position;
    while (buf.hasRemaining()) {
      int r = channel.read(buf, p);
      if (r < 0) {
        throw new SafetensorsException(file, key, "file ended at byte " + p + " (changed while"
            + " open?)");
      }
      p += r;
    }
  }

  private static void closeQuietly(FileChannel channel, Throwable failure) {
    try {
      channel.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
