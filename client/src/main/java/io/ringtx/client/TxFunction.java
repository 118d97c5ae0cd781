package io.ringtx.client;

/** PLACEHOLDER for the Java client being built elsewhere (drop on merge). */
@FunctionalInterface
public interface TxFunction<T> {
  T apply(Tx tx) throws Exception;
}
