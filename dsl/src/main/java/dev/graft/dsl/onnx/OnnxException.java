package dev.graft.dsl.onnx;

/** An ONNX file that cannot be read or does not hold what was asked; names the file and item. */
public final class OnnxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A problem described by {@code message}. */
  public OnnxException(String message) {
    super(message);
  }

  /** A problem described by {@code message}, caused by {@code cause}. */
  public OnnxException(String message, Throwable cause) {
    super(message, cause);
  }
}
