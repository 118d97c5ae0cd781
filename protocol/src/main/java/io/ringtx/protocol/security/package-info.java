/**
 * What keeps a RingTx cluster to itself when its operator turns it on: TLS from PEM files
 * ({@link io.ringtx.protocol.security.TlsFiles}), a bearer token on the HTTP endpoints ({@link
 * io.ringtx.protocol.security.BearerToken}, {@link io.ringtx.protocol.security.HttpSecurity}) and
 * a cluster secret that a node must hold to join and to be answered ({@link
 * io.ringtx.protocol.security.ClusterSecret}). Everything here is off unless configured.
 */
package io.ringtx.protocol.security;
