package io.ringtx.protocol.api;

/**
 * Input limits of DESIGN §2, enforced with a clear error: key size and value size in UTF-8
 * bytes, and keys per transaction (reads and writes together, counted once per distinct key).
 */
public record Limits(int maxKeyBytes, int maxValueBytes, int maxKeysPerTx) {
  /** Key ≤ 1 KiB, value ≤ 1 MiB, ≤ 10,000 keys per transaction. */
  public static final Limits DEFAULT = new Limits(1024, 1024 * 1024, 10_000);

  public Limits {
    if (maxKeyBytes < 1 || maxValueBytes < 0 || maxKeysPerTx < 1) {
      throw new IllegalArgumentException("limits must be positive: " + this);
    }
  }
}
