package io.ringtx.dist.demo;

/**
 * The demo could not run to its end: setting up the accounts or reading the final balances
 * failed. Distinct from a total that is not conserved, which is a result, not an exception.
 */
public final class DemoFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  public DemoFailedException(String message) {
    super(message);
  }

  public DemoFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
