package io.ringtx.bench.workload;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The workloads of {@code ringtx bench run}, by their command-line names. */
public enum Workload {
  /** Transfers between two random accounts; the total is checked at the end. */
  BANK("bank"),
  /** YCSB A: 50% reads, 50% blind updates. */
  YCSB_A("ycsb-a"),
  /** YCSB B: 95% reads, 5% blind updates. */
  YCSB_B("ycsb-b"),
  /** YCSB C: reads only. */
  YCSB_C("ycsb-c"),
  /** YCSB F: read-modify-write. */
  YCSB_F("ycsb-f"),
  /** One blind put per transaction: the one-phase commit path. */
  SINGLE("single"),
  /** Multi-key reads committed as read-only transactions. */
  READ_ONLY("read-only");

  private final String cliName;

  Workload(String cliName) {
    this.cliName = cliName;
  }

  /** The name on the command line and in result files. */
  public String cliName() {
    return cliName;
  }

  /** The workload called {@code name} (case-insensitive). */
  public static Workload parse(String name) {
    for (Workload w : values()) {
      if (w.cliName.equalsIgnoreCase(name.trim())) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown workload '" + name + "'; one of " + names());
  }

  /** Every name, comma-separated. */
  public static String names() {
    return Arrays.stream(values()).map(Workload::cliName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return cliName;
  }

  /** How keys are drawn. */
  public enum Distribution {
    UNIFORM,
    ZIPFIAN;

    public static Distribution parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown distribution '" + name + "'; one of uniform, zipfian", e);
      }
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
