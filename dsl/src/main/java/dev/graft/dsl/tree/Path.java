package dev.graft.dsl.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The address of a node or leaf in a model tree: record component names, list indices (as
 * numbers) and map keys, joined by slashes — {@code encoder/layers/0/weight}. The root is the
 * empty path, written {@code ""}. {@link #toString()} and {@link #of(String)} round-trip.
 *
 * <p>Ordering compares segment by segment; two all-digit segments compare as numbers, so
 * {@code layers/2} sorts before {@code layers/10}; a path sorts before its extensions.
 */
public final class Path implements Comparable<Path> {
  private static final Path ROOT = new Path(new String[0]);

  private final String[] segments;

  private Path(String[] segments) {
    this.segments = segments;
  }

  /** The empty path: the root of a tree. */
  public static Path root() {
    return ROOT;
  }

  /**
   * Parses a slash-joined path; {@code ""} is the root. Segments must be non-empty, so a leading,
   * trailing or doubled slash is an error.
   */
  public static Path of(String path) {
    if (path.isEmpty()) {
      return ROOT;
    }
    String[] parts = path.split("/", -1);
    for (String p : parts) {
      if (p.isEmpty()) {
        throw new IllegalArgumentException("Path.of: '" + path
            + "' has an empty segment (leading, trailing or doubled '/'); expected e.g."
            + " 'encoder/layers/0/weight'");
      }
    }
    return new Path(parts);
  }

  /** A path from its segments; each must be non-empty and free of {@code '/'}. */
  public static Path of(List<String> segments) {
    String[] s = segments.toArray(new String[0]);
    for (String seg : s) {
      checkSegment(seg, "Path.of");
    }
    return s.length == 0 ? ROOT : new Path(s);
  }

  /** This path extended by a component name or map key. */
  public Path child(String name) {
    checkSegment(name, "Path.child");
    String[] s = Arrays.copyOf(segments, segments.length + 1);
    s[segments.length] = name;
    return new Path(s);
  }

  /** This path extended by a list index. */
  public Path child(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("Path.child: list index must be >= 0, got " + index
          + " under '" + this + "'");
    }
    return child(Integer.toString(index));
  }

  /** This path extended by all segments of {@code rest}. */
  public Path resolve(Path rest) {
    if (rest.segments.length == 0) {
      return this;
    }
    String[] s = Arrays.copyOf(segments, segments.length + rest.segments.length);
    System.arraycopy(rest.segments, 0, s, segments.length, rest.segments.length);
    return new Path(s);
  }

  /** The path without its last segment; the root has no parent. */
  public Path parent() {
    if (segments.length == 0) {
      throw new IllegalStateException("Path.parent: the root path has no parent");
    }
    return segments.length == 1 ? ROOT : new Path(Arrays.copyOf(segments, segments.length - 1));
  }

  /** The last segment; the root has none. */
  public String name() {
    if (segments.length == 0) {
      throw new IllegalStateException("Path.name: the root path has no last segment");
    }
    return segments[segments.length - 1];
  }

  /** The segments, in order (an immutable list). */
  public List<String> segments() {
    return List.of(segments);
  }

  /** Number of segments; the root has 0. */
  public int depth() {
    return segments.length;
  }

  /** Whether this is the root path. */
  public boolean isRoot() {
    return segments.length == 0;
  }

  /** Segment {@code i}. */
  public String segment(int i) {
    return segments[i];
  }

  /** Whether {@code prefix} is this path or one of its ancestors. */
  public boolean startsWith(Path prefix) {
    if (prefix.segments.length > segments.length) {
      return false;
    }
    for (int i = 0; i < prefix.segments.length; i++) {
      if (!segments[i].equals(prefix.segments[i])) {
        return false;
      }
    }
    return true;
  }

  /** The path made of the first {@code n} segments. */
  public Path prefix(int n) {
    if (n < 0 || n > segments.length) {
      throw new IllegalArgumentException("Path.prefix: " + n + " segments asked of '" + this
          + "', which has " + segments.length);
    }
    return n == 0 ? ROOT : n == segments.length ? this : new Path(Arrays.copyOf(segments, n));
  }

  /** This path and all its ancestors, root first. */
  public List<Path> prefixes() {
    List<Path> out = new ArrayList<>(segments.length + 1);
    for (int i = 0; i <= segments.length; i++) {
      out.add(i == 0 ? ROOT : new Path(Arrays.copyOf(segments, i)));
    }
    return List.copyOf(out);
  }

  @Override
  public int compareTo(Path o) {
    int n = Math.min(segments.length, o.segments.length);
    for (int i = 0; i < n; i++) {
      int c = compareSegments(segments[i], o.segments[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(segments.length, o.segments.length);
  }

  private static int compareSegments(String a, String b) {
    if (isDigits(a) && isDigits(b)) {
      String x = stripZeros(a);
      String y = stripZeros(b);
      int c = x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
      if (c != 0) {
        return c;
      }
    }
    return a.compareTo(b);
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        return false;
      }
    }
    return !s.isEmpty();
  }

  private static String stripZeros(String s) {
    int i = 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }

  static void checkSegment(String seg, String op) {
    if (seg.isEmpty() || seg.indexOf('/') >= 0) {
      throw new IllegalArgumentException(op + ": segment '" + seg
          + "' must be non-empty and must not contain '/'");
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Path p && Arrays.equals(segments, p.segments);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(segments);
  }

  /** The slash-joined form; the root is {@code ""}. */
  @Override
  public String toString() {
    return String.join("/", segments);
  }
}
