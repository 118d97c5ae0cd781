package io.ringtx.protocol.rpc;

/**
 * How {@link TcpTransport} and {@link EventBusTransport} prove that a message comes from a node
 * of the cluster: a MAC over the sender id, the request id and the body, sent with the message
 * and checked by the receiver. {@link #NONE} signs nothing and accepts everything (no cluster secret configured).
 */
public interface RequestAuth {
  /** No authentication: the default, for clusters without a secret and in-JVM clusters. */
  RequestAuth NONE = new RequestAuth() {
    @Override
    public String sign(String from, String requestId, byte[] body) {
      return null;
    }

    @Override
    public boolean verify(String from, String requestId, byte[] body, String mac) {
      return true;
    }

    @Override
    public boolean enabled() {
      return false;
    }
  };

  /** The MAC to send with a message, or null to send none. */
  String sign(String from, String requestId, byte[] body);

  /** Whether {@code mac} (null if the message had none) is right for the message. */
  boolean verify(String from, String requestId, byte[] body, String mac);

  /** Whether messages are signed and checked at all. */
  boolean enabled();
}
