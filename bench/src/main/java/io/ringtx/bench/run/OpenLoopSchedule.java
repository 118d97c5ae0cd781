package io.ringtx.bench.run;

/**
 * When each transaction of an open-loop run is meant to start: ticket {@code i} at {@code start +
 * i / rate}, evenly spaced, whatever happened to the ones before. Latency is measured from this
 * intended start, so a transaction that had to wait for a free worker — because the system fell
 * behind — counts that wait, and a stall shows in every transaction it delayed instead of in one
 * (the "coordinated omission" a closed loop suffers). Pure: times are passed in.
 */
public final class OpenLoopSchedule {
  private final long startNanos;
  private final double intervalNanos;

  /**
   * @param startNanos the intended start of ticket 0, on the {@link System#nanoTime()} scale
   * @param ratePerSecond transactions started per second, > 0
   */
  public OpenLoopSchedule(long startNanos, double ratePerSecond) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be a positive number, got " + ratePerSecond);
    }
    this.startNanos = startNanos;
    this.intervalNanos = 1e9 / ratePerSecond;
  }

  /**
   * The intended start of ticket {@code ticket} (0-based). Computed from the ticket, not by
   * adding intervals, so no rounding error accumulates over a long run.
   */
  public long intendedStart(long ticket) {
    if (ticket < 0) {
      throw new IllegalArgumentException("ticket must be >= 0, got " + ticket);
    }
    return startNanos + Math.round(ticket * intervalNanos);
  }

  /** How many tickets are intended to start before {@code nanos}. */
  public long ticketsBefore(long nanos) {
    if (nanos <= startNanos) {
      return 0;
    }
    return (long) Math.ceil((nanos - startNanos) / intervalNanos);
  }

  public double intervalNanos() {
    return intervalNanos;
  }
}
