package dev.graft.dsl.io;

import static dev.graft.dsl.io.SafetensorsException.METADATA_KEY;
import static dev.graft.dsl.io.SafetensorsException.shown;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The JSON header of a safetensors file, both ways: parsing and validating one read from disk
 * against the size of the data buffer behind it, and encoding one for the writer (compact JSON,
 * metadata first, padded with spaces to a multiple of 8 bytes).
 */
final class Header {
  /** The largest header we read or write, as Hugging Face's reference implementation. */
  static final long MAX_BYTES = 100_000_000L;

  /**
   * Field names are not canonicalized: Jackson's symbol table is shared by every parser of a
   * factory, so names from earlier files (hostile ones colliding in its hash) would change
   * whether a later file parses, and its overflow check throws an IllegalStateException.
   */
  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          // Names and strings are bounded by the header size; keep the nesting bound.
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNameLength(Integer.MAX_VALUE)
              .maxStringLength(Integer.MAX_VALUE)
              .build())
          .build())
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .build();

  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private Header(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Tensor entries in file order (by data offset), unmodifiable. */
  Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The {@code __metadata__} entries, unmodifiable, empty if absent. */
  Map<String, String> metadata() {
    return metadata;
  }

  // ------------------------------------------------------------------ parsing

  /**
   * Parses and validates {@code json}, the header of {@code file}, whose data buffer holds
   * {@code dataLength} bytes: every entry well-formed, byte counts matching dtype and shape, and
   * the tensors tiling the data buffer exactly (no overlap, no gap, nothing left over).
   */
  static Header parse(Path file, byte[] json, long dataLength) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(json))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SafetensorsException(file, null, "header is not valid UTF-8", e);
    }
    try (JsonParser p = MAPPER.createParser(text)) {
      try {
        return read(file, p, dataLength);
      } catch (JacksonException e) {
        throw new SafetensorsException(file, nameOrNull(p), "header is not valid JSON: "
            + e.getOriginalMessage(), e);
      }
    } catch (IOException e) {
      throw new SafetensorsException(file, null, "cannot parse header: " + e, e);
    }
  }

  private static Header read(Path file, JsonParser p, long dataLength) throws IOException {
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_OBJECT) {
      throw new SafetensorsException(file, null, "header is not a JSON object but "
          + (t == null ? "empty" : t.asString() == null ? t.toString() : t.asString()));
    }
    List<TensorInfo> infos = new ArrayList<>();
    Map<String, String> metadata = Map.of();
    Set<String> seen = new HashSet<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (!seen.add(key)) {
        throw new SafetensorsException(file, key, "key appears twice in the header");
      }
      p.nextToken();
      JsonNode value = MAPPER.readTree(p);
      if (METADATA_KEY.equals(key)) {
        metadata = parseMetadata(file, value);
      } else {
        infos.add(parseTensor(file, key, value, dataLength));
      }
    }
    if (p.nextToken() != null) {
      throw new SafetensorsException(file, null, "content after the end of the JSON header");
    }
    return new Header(checkTiling(file, infos, dataLength), metadata);
  }

  /**
   * The top-level key whose value the parser was reading when it failed, if any (Jackson reads
   * ahead, so an error in a value may surface while its name is being read).
   */
  private static @Nullable String nameOrNull(JsonParser p) {
    JsonStreamContext c = p.getParsingContext();
    while (c != null && c.getParent() != null && !c.getParent().inRoot()) {
      c = c.getParent();
    }
    return c == null || c.inRoot() ? null : c.getCurrentName();
  }

  private static Map<String, String> parseMetadata(Path file, @Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new SafetensorsException(file, METADATA_KEY, "is not a JSON object but "
          + node.getNodeType());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw new SafetensorsException(file, METADATA_KEY, "value of '" + shown(e.getKey())
            + "' is not a string but " + e.getValue().getNodeType());
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return Collections.unmodifiableMap(out);
  }

  private static TensorInfo parseTensor(Path file, String key, @Nullable JsonNode node,
      long dataLength) {
    if (node == null || !node.isObject()) {
      throw new SafetensorsException(file, key, "entry is not a JSON object but "
          + (node == null ? "missing" : node.getNodeType()));
    }
    JsonNode dt = field(file, key, node, "dtype");
    if (!dt.isTextual()) {
      throw new SafetensorsException(file, key, "\"dtype\" is not a string but " + shown(dt));
    }
    Dtype dtype = Dtype.fromName(dt.textValue());
    if (dtype == null) {
      throw new SafetensorsException(file, key, "unknown dtype '" + shown(dt.textValue()) + "'");
    }
    long[] dims = naturals(file, key, node, "shape");
    int[] shape = new int[dims.length];
    long count = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] > Integer.MAX_VALUE) {
        throw new SafetensorsException(file, key, "dimension " + dims[i] + " in \"shape\" is "
            + "larger than " + Integer.MAX_VALUE);
      }
      shape[i] = (int) dims[i];
      count = multiply(file, key, count, dims[i]);
    }
    long bits = multiply(file, key, count, dtype.bits());
    if (bits % 8 != 0) {
      throw new SafetensorsException(file, key, count + " values of " + dtype
          + " do not fill a whole number of bytes");
    }
    long bytes = bits / 8;
    long[] offsets = naturals(file, key, node, "data_offsets");
    if (offsets.length != 2) {
      throw new SafetensorsException(file, key, "\"data_offsets\" has " + offsets.length
          + " numbers, not 2 (begin, end)");
    }
    long begin = offsets[0];
    long end = offsets[1];
    String range = "data_offsets [" + begin + ", " + end + "]";
    if (begin > end) {
      throw new SafetensorsException(file, key, range + " end before they begin");
    }
    if (end > dataLength) {
      throw new SafetensorsException(file, key, range + " run past the end of the data buffer ("
          + dataLength + " bytes)");
    }
    if (end - begin != bytes) {
      throw new SafetensorsException(file, key, range + " hold " + (end - begin) + " bytes but "
          + dtype + " of shape " + java.util.Arrays.toString(dims) + " needs " + bytes);
    }
    return new TensorInfo(key, dtype, shape, count, begin, bytes);
  }

  private static JsonNode field(Path file, String key, JsonNode node, String name) {
    JsonNode v = node.get(name);
    if (v == null) {
      throw new SafetensorsException(file, key, "entry has no \"" + name + "\"");
    }
    return v;
  }

  /** An array of non-negative integers that fit a long. */
  private static long[] naturals(Path file, String key, JsonNode node, String name) {
    JsonNode v = field(file, key, node, name);
    if (!v.isArray()) {
      throw new SafetensorsException(file, key, "\"" + name + "\" is not an array but "
          + shown(v));
    }
    long[] out = new long[v.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode e = v.get(i);
      if (!e.isIntegralNumber() || !e.canConvertToLong() || e.longValue() < 0) {
        throw new SafetensorsException(file, key, "\"" + name + "\" " + abbreviate(v)
            + " holds " + e + ", not a non-negative integer");
      }
      out[i] = e.longValue();
    }
    return out;
  }

  private static long multiply(Path file, String key, long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new SafetensorsException(file, key, "shape is too large: its size overflows 64 bits",
          e);
    }
  }

  private static String abbreviate(JsonNode node) {
    String s = node.toString();
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private static Map<String, TensorInfo> checkTiling(Path file, List<TensorInfo> infos,
      long dataLength) {
    List<TensorInfo> sorted = new ArrayList<>(infos);
    sorted.sort(Comparator.comparingLong(TensorInfo::byteOffset)
        .thenComparingLong(TensorInfo::byteLength));
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    long expected = 0;
    String previous = null;
    for (TensorInfo info : sorted) {
      long begin = info.byteOffset();
      String after = previous == null ? "the start of the data buffer"
          : "tensor '" + shown(previous) + "'";
      if (begin < expected) {
        throw new SafetensorsException(file, info.name(), "bytes from " + begin
            + " overlap " + after + ", which ends at " + expected);
      }
      if (begin > expected) {
        throw new SafetensorsException(file, info.name(), "bytes begin at " + begin
            + ", leaving a gap of " + (begin - expected) + " bytes after " + after);
      }
      expected = begin + info.byteLength();
      previous = info.name();
      out.put(info.name(), info);
    }
    if (expected != dataLength) {
      throw new SafetensorsException(file, previous, "data buffer has " + dataLength
          + " bytes but the tensors cover " + expected + "; the last " + (dataLength - expected)
          + " belong to no tensor");
    }
    return Collections.unmodifiableMap(out);
  }

  // ------------------------------------------------------------------ encoding

  /**
   * The header bytes for {@code tensors} (in this order) and {@code metadata}: compact UTF-8 JSON,
   * {@code __metadata__} first when not empty, padded with spaces to a multiple of 8 bytes.
   */
  static byte[] encode(Path file, List<TensorInfo> tensors, Map<String, String> metadata) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      if (!metadata.isEmpty()) {
        g.writeObjectFieldStart(METADATA_KEY);
        for (Map.Entry<String, String> e : metadata.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      for (TensorInfo t : tensors) {
        g.writeObjectFieldStart(t.name());
        g.writeStringField("dtype", t.dtype().name());
        g.writeArrayFieldStart("shape");
        for (int d : t.shape()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("data_offsets");
        g.writeNumber(t.byteOffset());
        g.writeNumber(t.byteOffset() + t.byteLength());
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new SafetensorsException(file, null, "cannot encode header: " + e, e);
    }
    int n = out.size();
    int padded = (n + 7) & ~7;
    for (int i = n; i < padded; i++) {
      out.write(' ');
    }
    if (padded > MAX_BYTES) {
      throw new SafetensorsException(file, null, "header would be " + padded
          + " bytes, more than the " + MAX_BYTES + " readers accept");
    }
    return out.toByteArray();
  }
}
