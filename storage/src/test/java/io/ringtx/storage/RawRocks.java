package io.ringtx.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Direct access to a closed store's RocksDB for tests that must damage it the way a bad disk or
 * a foreign writer would; production code has no such hook.
 */
final class RawRocks {
  private RawRocks() {}

  static byte[] get(Path dir, String columnFamily, byte[] key) throws RocksDBException {
    byte[][] out = new byte[1][];
    withColumn(dir, columnFamily, (db, cf) -> out[0] = db.get(cf, key));
    return out[0];
  }

  static void put(Path dir, String columnFamily, byte[] key, byte[] value)
      throws RocksDBException {
    withColumn(dir, columnFamily, (db, cf) -> db.put(cf, key, value));
  }

  static void delete(Path dir, String columnFamily, byte[] key) throws RocksDBException {
    withColumn(dir, columnFamily, (db, cf) -> db.delete(cf, key));
  }

  private interface Action {
    void run(RocksDB db, ColumnFamilyHandle cf) throws RocksDBException;
  }

  private static void withColumn(Path dir, String columnFamily, Action action)
      throws RocksDBException {
    RocksNativeLibrary.load();
    try (DBOptions options = new DBOptions();
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions()) {
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
      for (String name : Layout.COLUMN_FAMILIES) {
        descriptors.add(new ColumnFamilyDescriptor(Layout.utf8(name), cfOptions));
      }
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      try (RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles)) {
        try {
          action.run(db, handles.get(1 + Layout.COLUMN_FAMILIES.indexOf(columnFamily)));
        } finally {
          handles.forEach(ColumnFamilyHandle::close);
        }
      }
    }
  }
}
