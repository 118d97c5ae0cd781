import io.ringtx.storage.*; import io.ringtx.protocol.log.*; import io.ringtx.protocol.id.*; import io.ringtx.protocol.message.*; import io.ringtx.protocol.step.*;
import java.nio.file.*; import java.util.*;
public class StoreW {
  public static void main(String[] a) throws Exception {
    Path d = Files.createTempDirectory("sw");
    NodeStore st = RocksNodeStore.open(d.resolve("s"));
    int N = 3000; long[] t = new long[N];
    for (int r = 0; r < 3; r++) {
      for (int i = 0; i < N; i++) {
        long t0 = System.nanoTime();
        st.write(WriteSet.forced(new Aborted(TxId.of("x-" + r + "-" + i), Reason.TIMEOUT)), Runnable::run).get();
        t[i] = System.nanoTime() - t0;
      }
      long[] s = t.clone(); Arrays.sort(s);
      System.out.printf("round %d: p50 %.1f us p90 %.1f us%n", r, s[N/2]/1e3, s[N*9/10]/1e3);
    }
    st.close();
  }
}
