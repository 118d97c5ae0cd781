package io.ringtx.protocol.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/** The id of one node (participant or coordinator), unique in its cluster, e.g. {@code p1}. */
public record NodeId(String value) implements Comparable<NodeId> {

  /** Validates the id. */
  public NodeId {
    Objects.requireNonNull(value, "node id");
    if (!IdChars.valid(value, 64, false)) {
      throw new IllegalArgumentException(
          "node id must be 1-64 characters of [A-Za-z0-9._-]: '" + value + "'");
    }
  }

  @JsonCreator
  public static NodeId of(String value) {
    return new NodeId(value);
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @Override
  public int compareTo(NodeId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
