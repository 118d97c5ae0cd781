import org.rocksdb.*; import java.nio.file.*; import java.util.*;
public class RSync2 {
  public static void main(String[] a) throws Exception {
    RocksDB.loadLibrary();
    String dir = Files.createTempDirectory("rsync").toString();
    try (Options o = new Options().setCreateIfMissing(true).setRecycleLogFileNum(4).setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery).setWriteBufferSize(16<<20);
         RocksDB db = RocksDB.open(o, dir); WriteOptions w = new WriteOptions().setSync(true); WriteOptions lazy = new WriteOptions(); FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
      if (a[1].equals("prep")) {
        for (int round = 0; round < 2; round++) {
          byte[] filler = new byte[1 << 20];
          for (int i = 0; i < 17; i++) { try (WriteBatch b = new WriteBatch()) { b.putLogData(filler); db.write(lazy, b); } }
          db.put(lazy, "m".getBytes(), "x".getBytes());
          db.flush(fo);
        }
      }
      int N = 3000; long[] t = new long[N]; byte[] v = new byte[300];
      for (int r = 0; r < 2; r++) {
        for (int i = 0; i < N; i++) {
          long t0 = System.nanoTime(); db.put(w, ("k" + i).getBytes(), v); t[i] = System.nanoTime() - t0;
        }
        long[] s = t.clone(); Arrays.sort(s);
        System.out.printf("%s round %d: p50 %.1f us p90 %.1f us%n", a[1], r, s[N/2]/1e3, s[N*9/10]/1e3);
      }
    }
  }
}
