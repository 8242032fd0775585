package dev.graft.samples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/** Runs a sample that prints to {@code System.out} and keeps what it printed, line by line. */
final class StdoutCapture {
  private StdoutCapture() {}

  /**
   * What {@code body} returned and printed.
   *
   * @param value the body's result
   * @param lines the printed lines
   * @param <T> the result type
   */
  record Captured<T>(T value, List<String> lines) {
    /** The first line starting with {@code prefix}. */
    String line(String prefix) {
      return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
          .orElseThrow(() -> new AssertionError("no line starts with '" + prefix + "': " + lines));
    }
  }

  /** Runs {@code body} with {@code System.out} redirected, restoring it afterwards. */
  static <T> Captured<T> run(Supplier<T> body) {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    T value;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      value = body.get();
    } finally {
      System.setOut(original);
    }
    return new Captured<>(value, bytes.toString(StandardCharsets.UTF_8).lines().toList());
  }
}
