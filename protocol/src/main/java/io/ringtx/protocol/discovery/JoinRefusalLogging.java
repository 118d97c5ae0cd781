package io.ringtx.protocol.discovery;

import com.hazelcast.logging.AbstractLogger;
import com.hazelcast.logging.ILogger;
import com.hazelcast.logging.LogEvent;
import com.hazelcast.logging.Slf4jFactory;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hazelcast's logging through SLF4J, plus one line of ours: when this member refuses a join
 * request, which is what happens to a node with another cluster secret (its Hazelcast cluster
 * name differs, {@link io.ringtx.protocol.security.ClusterSecret}), it logs {@code RTX-8101}
 * naming the refused address. Hazelcast's open-source edition offers no hook into its join
 * check, so the line is derived from its own warning ("Received an invalid join request from
 * …"); the multi-process test of a wrong secret fails if a Hazelcast upgrade changes it.
 *
 * <p>Installed with the system property {@code hazelcast.logging.class} (see {@link #install()})
 * before the first Hazelcast instance of the JVM starts.
 */
public final class JoinRefusalLogging extends Slf4jFactory {
  private static final Logger LOG = LoggerFactory.getLogger(JoinRefusalLogging.class);
  private static final String JOIN_MANAGER = "com.hazelcast.internal.cluster.impl.ClusterJoinManager";
  private static final String REFUSED = "Received an invalid join request from ";

  /** Makes Hazelcast log through this factory; call before any Hazelcast instance starts. */
  public static void install() {
    System.setProperty("hazelcast.logging.class", JoinRefusalLogging.class.getName());
  }

  @Override
  protected ILogger createLogger(String name) {
    ILogger inner = super.createLogger(name);
    return JOIN_MANAGER.equals(name) ? new Watching(inner) : inner;
  }

  /** The refusal as our line says it, or null if {@code message} is not a join refusal. */
  static String refusal(String message) {
    if (message == null) {
      return null;
    }
    int at = message.indexOf(REFUSED);
    if (at < 0) {
      return null;
    }
    String rest = message.substring(at + REFUSED.length());
    int comma = rest.indexOf(", cause: ");
    String address = comma < 0 ? rest : rest.substring(0, comma);
    String cause = comma < 0 ? "" : rest.substring(comma + ", cause: ".length());
    return "RTX-8101 refused the node at " + address + " that asked to join: " + cause
        + " (another cluster name or another cluster secret)";
  }

  private static final class Watching extends AbstractLogger {
    private final ILogger inner;

    Watching(ILogger inner) {
      this.inner = inner;
    }

    private static void watch(String message) {
      String line = refusal(message);
      if (line != null) {
        LOG.warn(line);
      }
    }

    @Override
    public void log(Level level, String message) {
      watch(message);
      inner.log(level, message);
    }

    @Override
    public void log(Level level, String message, Throwable thrown) {
      watch(message);
      inner.log(level, message, thrown);
    }

    @Override
    public void log(LogEvent logEvent) {
      watch(logEvent.getLogRecord().getMessage());
      inner.log(logEvent);
    }

    @Override
    public Level getLevel() {
      return inner.getLevel();
    }

    @Override
    public boolean isLoggable(Level level) {
      // Our line must not depend on Hazelcast's own log level: always see warnings.
      return level.intValue() >= Level.WARNING.intValue() || inner.isLoggable(level);
    }
  }
}
