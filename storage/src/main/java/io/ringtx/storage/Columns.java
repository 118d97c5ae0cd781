package io.ringtx.storage;

import org.rocksdb.ColumnFamilyHandle;

/** The open handles of the store's column families (see {@link Layout}). */
record Columns(
    ColumnFamilyHandle data, ColumnFamilyHandle log, ColumnFamilyHandle tx,
    ColumnFamilyHandle meta) {}
