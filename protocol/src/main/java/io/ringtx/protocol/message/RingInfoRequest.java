package io.ringtx.protocol.message;

/**
 * Asks a participant for its {@link RingInfo}; {@code details} adds the Chord state of each of its
 * virtual nodes (large: a coordinator's routing refresh leaves it out).
 */
public record RingInfoRequest(boolean details) implements Message {}
