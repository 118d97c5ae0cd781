package io.ringtx.coordinator.sim;

import java.util.PriorityQueue;

/**
 * Virtual time for a simulated cluster: an event queue ordered by time, then by the order the
 * events were scheduled, so that one seed always runs the same schedule. Nothing sleeps: running
 * an event moves the clock to its time.
 */
final class SimScheduler {
  private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long now;
  private long seq;
  private long executed;

  long now() {
    return now;
  }

  /** Runs {@code action} at {@code time} (never in the past). */
  void at(long time, Runnable action) {
    queue.add(new Event(Math.max(time, now), seq++, action));
  }

  /** Runs {@code action} {@code delay} ms from now; 0 means later in this millisecond. */
  void after(long delay, Runnable action) {
    at(now + Math.max(0, delay), action);
  }

  /** Runs the next event; false if there is none. */
  boolean step() {
    Event e = queue.poll();
    if (e == null) {
      return false;
    }
    now = e.time;
    executed++;
    e.action.run();
    return true;
  }

  int pending() {
    return queue.size();
  }

  long executed() {
    return executed;
  }
}
