import org.rocksdb.*;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.*;

/**
 * Which column family's memtable inserts cost what: batches of 15 transactions shaped like a
 * participant's, written without fsync for N seconds into a fresh store in a temporary directory.
 * Run from this directory with the rocksdbjni jar Maven fetched for the build:
 *   J=~/.m2/repository/org/rocksdb/rocksdbjni/11.8.1/rocksdbjni-11.8.1.jar
 *   javac -cp $J MemBench.java && java -cp $J:. [-Dwb=BYTES] MemBench {l|t|d|m|ltdm} 12 [bloom]
 * (l: log record, t: id index entry, d: data, m: the batch's metadata; wb: memtable size).
 */
public class MemBench {
  public static void main(String[] a) throws Exception {
    RocksDB.loadLibrary();
    String mode = a[0]; // letters: l(og) t(x) d(ata) m(eta)
    int seconds = Integer.parseInt(a[1]);
    boolean bloom = a.length > 2 && a[2].equals("bloom");
    String dir = java.nio.file.Files.createTempDirectory("membench").toString();
    DBOptions dbo = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
        .setMaxTotalWalSize(64L << 20);
    long wb = Long.getLong("wb", 16L << 20);
    ColumnFamilyOptions cfo = new ColumnFamilyOptions().setWriteBufferSize(wb);
    if (bloom) cfo.setMemtableWholeKeyFiltering(true).setMemtablePrefixBloomSizeRatio(0.02);
    List<ColumnFamilyDescriptor> ds = new ArrayList<>();
    ds.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfo));
    for (String n : List.of("data", "log", "tx", "meta")) ds.add(new ColumnFamilyDescriptor(n.getBytes(), cfo));
    List<ColumnFamilyHandle> h = new ArrayList<>();
    RocksDB db = RocksDB.open(dbo, dir, ds, h);
    WriteOptions wo = new WriteOptions().setSync(false);
    Random r = new Random(1);
    byte[] val = new byte[117]; r.nextBytes(val);
    byte[] rec = new byte[160]; r.nextBytes(rec);
    long seq = 0, txn = 1000000;
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long batches = 0; long t0 = System.nanoTime(); long writeNanos = 0;
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean(); long cpu0 = os.getProcessCpuTime();
    while (System.nanoTime() < end) {
      try (WriteBatch b = new WriteBatch()) {
        for (int i = 0; i < 15; i++) {
          seq++; txn++;
          if (mode.contains("l")) b.put(h.get(2), ByteBuffer.allocate(8).putLong(seq).array(), rec);
          if (mode.contains("t")) b.put(h.get(3), ("0123456789abcdef-" + txn).getBytes(StandardCharsets.UTF_8), ByteBuffer.allocate(8).putLong(seq).array());
          if (mode.contains("d")) b.put(h.get(1), ("key-" + r.nextInt(10000)).getBytes(StandardCharsets.UTF_8), val);
        }
        if (mode.contains("m")) {
          b.put(h.get(4), "lastSeq".getBytes(), ByteBuffer.allocate(8).putLong(seq).array());
          b.put(h.get(4), "lastVersion".getBytes(), ByteBuffer.allocate(8).putLong(seq).array());
        }
        long s = System.nanoTime();
        db.write(wo, b);
        writeNanos += System.nanoTime() - s;
      }
      batches++;
    }
    System.out.printf("%s%s wb=%d: %d txns, write %.2f us/txn, process cpu %.2f us/txn%n", mode, bloom ? "+bloom" : "", wb, batches * 15, writeNanos / 1000.0 / (batches * 15), (os.getProcessCpuTime() - cpu0) / 1000.0 / (batches * 15));
  }
}
