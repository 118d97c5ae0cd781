package io.ringtx.bench.run;

/**
 * A run could not be carried out: loading failed, a worker hit a bug, the target broke. The
 * message starts with a stable id ({@code RTX-70xx}) that the operator can search for.
 */
public class BenchException extends RuntimeException {
  /** A failure described by {@code message}, which starts with its id. */
  public BenchException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public BenchException(String message, Throwable cause) {
    super(message, cause);
  }
}
