/**
 * What nodes tell operator tools ({@code ringtx recovery}) about their transactions, as JSON
 * over HTTP under {@code /v1/recovery/}; the same shapes are built offline from a stopped node's
 * store.
 */
package io.ringtx.protocol.inspect;
