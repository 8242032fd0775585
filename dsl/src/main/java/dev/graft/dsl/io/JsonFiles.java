package dev.graft.dsl.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Small JSON files beside checkpoints ({@code adapter_config.json}): written pretty-printed with
 * sorted keys (as PEFT writes them) and replaced atomically through {@link AtomicFiles}; read with
 * a size bound, strictly (no duplicate keys, no NaN), every problem a {@link CheckpointException}
 * naming the file.
 */
final class JsonFiles {
  /** Larger than any adapter config; guards against reading a wrong, huge file. */
  static final long MAX_BYTES = 16L << 20;

  /** Field names not canonicalized, for the reason given in {@link Header}. */
  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .build())
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** One-line JSON, for safetensors metadata values. */
  private static final ObjectMapper COMPACT = JsonMapper.builder().build();

  private JsonFiles() {}

  /** Replaces {@code file} with {@code value} (maps, lists, strings, numbers, null) as JSON. */
  static void write(Path file, Object value) {
    writeBytes(file, encode(file, value));
  }

  /** {@code value} as the bytes {@link #write} puts in {@code file} (pretty JSON, final newline). */
  static byte[] encode(Path file, Object value) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new SafetensorsException(file, null, "cannot encode JSON: " + e.getOriginalMessage(),
          e);
    }
    byte[] text = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, text, 0, bytes.length);
    text[bytes.length] = '\n';
    return text;
  }

  /** Replaces {@code file} with {@code text}, atomically. */
  static void writeBytes(Path file, byte[] text) {
    AtomicFiles.write(file, channel -> {
      ByteBuffer b = ByteBuffer.wrap(text);
      while (b.hasRemaining()) {
        channel.write(b);
      }
    });
  }

  /** The JSON object in {@code file}. */
  static JsonNode readObject(Path file) {
    return parseObject(file, readBytes(file));
  }

  /** The bytes of {@code file}, at most {@link #MAX_BYTES}. */
  static byte[] readBytes(Path file) {
    byte[] bytes;
    try (SeekableByteChannel c = Files.newByteChannel(file)) {
      long size = c.size();
      if (size > MAX_BYTES) {
        throw new CheckpointException(file, null, "is " + size + " bytes, more than the "
            + MAX_BYTES + " a JSON config may have");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && c.read(buf) >= 0) {
        // read until full or end of file
      }
      bytes = java.util.Arrays.copyOf(buf.array(), buf.position());
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file, null, "no such file", e);
    } catch (IOException e) {
      throw new CheckpointException(file, null, "cannot read: " + e, e);
    }
    return bytes;
  }

  /** The JSON object in {@code bytes}, read from {@code file}. */
  static JsonNode parseObject(Path file, byte[] bytes) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      throw new CheckpointException(file, null, "is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CheckpointException(file, null, "cannot parse: " + e, e);
    }
    if (node == null || !node.isObject()) {
      throw new CheckpointException(file, null, "is not a JSON object but "
          + (node == null || node.isMissingNode() ? "empty" : node.getNodeType()));
    }
    return node;
  }

  /** {@code value} as one line of JSON, for safetensors metadata values. */
  static String compact(Object value) {
    try {
      return COMPACT.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value, e);
    }
  }

  /** Parses a metadata value; a {@link CheckpointException} on bad JSON. */
  static JsonNode parse(Path file, String what, String text) {
    try {
      JsonNode n = MAPPER.readTree(text);
      if (n == null || n.isMissingNode()) {
        throw new CheckpointException(file, SafetensorsException.METADATA_KEY, what + " is empty");
      }
      return n;
    } catch (JacksonException e) {
      throw new CheckpointException(file, SafetensorsException.METADATA_KEY, what
          + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
