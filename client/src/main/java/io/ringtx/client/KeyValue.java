package io.ringtx.client;

/** PLACEHOLDER for the Java client being built elsewhere (drop on merge). */
public record KeyValue(String key, String value, long version) {}
