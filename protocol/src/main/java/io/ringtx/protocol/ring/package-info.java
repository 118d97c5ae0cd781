/**
 * The Chord ring of DESIGN §4, as pure code: no I/O, clock, threads or randomness.
 *
 * <p>{@link io.ringtx.protocol.ring.RingId} and {@link io.ringtx.protocol.ring.IdSpace} are the
 * 2^m identifier circle and its interval arithmetic; {@link io.ringtx.protocol.ring.ChordNode} is
 * the state machine of one virtual node (events in, {@link io.ringtx.protocol.ring.RingStep}
 * effects out, exchanging {@link io.ringtx.protocol.ring.RingMessage}s); {@link
 * io.ringtx.protocol.ring.RingSnapshot} is the immutable routing table a coordinator caches.
 *
 * <p>References to "Chord §…" are to Stoica et al., "Chord: A Scalable Peer-to-peer Lookup
 * Protocol for Internet Applications", IEEE/ACM Transactions on Networking 11(1), 2003.
 */
package io.ringtx.protocol.ring;
