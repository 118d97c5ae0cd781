package io.ringtx.protocol.codec;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ringtx.protocol.ring.RingMessage;

/**
 * Stable wire names for the Chord messages. The ring core stays free of Jackson (it is pure), so
 * its sealed types get their type information here, as Jackson mix-ins.
 */
final class RingMixins {
  private RingMixins() {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = RingMessage.FindSuccessor.class, name = "find-successor"),
    @JsonSubTypes.Type(value = RingMessage.ConfirmOwner.class, name = "confirm-owner"),
    @JsonSubTypes.Type(value = RingMessage.GetNeighbours.class, name = "get-neighbours"),
    @JsonSubTypes.Type(value = RingMessage.Notify.class, name = "notify"),
    @JsonSubTypes.Type(value = RingMessage.Ping.class, name = "ping"),
    @JsonSubTypes.Type(value = RingMessage.PredecessorLeaving.class, name = "predecessor-leaving"),
    @JsonSubTypes.Type(value = RingMessage.SuccessorLeaving.class, name = "successor-leaving"),
  })
  interface Request {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = RingMessage.NextHop.class, name = "next-hop"),
    @JsonSubTypes.Type(value = RingMessage.Neighbours.class, name = "neighbours"),
    @JsonSubTypes.Type(value = RingMessage.Ack.class, name = "ack"),
    @JsonSubTypes.Type(value = RingMessage.NotInRing.class, name = "not-in-ring"),
  })
  interface Response {}
}
