package io.ringtx.dist;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Closes registered resources in reverse order exactly once: on the normal path (try-with-resources)
 * or from a JVM shutdown hook on Ctrl-C, whichever comes first. A hook that fires while the normal
 * path is closing waits for it, so the JVM does not halt half-way through closing a cluster.
 */
final class ExitCloser implements AutoCloseable {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final Thread hook;
  private final PrintWriter err;

  private ExitCloser(String name, PrintWriter err) {
    this.err = err;
    this.hook = new Thread(this::closeFromHook, name);
  }

  /** Creates a closer and registers its shutdown hook. */
  static ExitCloser install(String name, PrintWriter err) {
    ExitCloser closer = new ExitCloser(name, err);
    Runtime.getRuntime().addShutdownHook(closer.hook);
    return closer;
  }

  /** Registers {@code resource} to be closed before everything registered earlier. */
  synchronized <T extends AutoCloseable> T register(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Closes everything now; a checked failure of a resource is rethrown unchecked. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to; closeAll() is idempotent, so carry on.
    }
    try {
      closeAll();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("closing failed: " + e.getMessage(), e);
    }
  }

  private void closeFromHook() {
    try {
      closeAll();
    } catch (Exception e) {
      err.println("ringtx: error while shutting down: " + e);
      e.printStackTrace(err);
      err.flush();
    }
  }

  private synchronized void closeAll() throws Exception {
    Exception first = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
