import java.nio.*; import java.nio.channels.*; import java.nio.file.*; import java.util.*;
public class Sync {
  public static void main(String[] a) throws Exception {
    Path p = Files.createTempFile("sync", ".bin");
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      ByteBuffer z = ByteBuffer.allocate(1 << 20);
      for (int i = 0; i < 16; i++) { z.clear(); ch.write(z); } ch.force(true);
      int N = 3000; long[] t = new long[N]; ByteBuffer b = ByteBuffer.allocate(300);
      for (int mode = 0; mode < 2; mode++) {
        long pos = mode == 0 ? 0 : 16 << 20;
        for (int i = 0; i < N; i++) {
          b.clear(); long t0 = System.nanoTime(); ch.write(b, pos); pos += 300; ch.force(false); t[i] = System.nanoTime() - t0;
        }
        long[] s = t.clone(); Arrays.sort(s);
        System.out.printf("%s: p50 %.1f us p90 %.1f us%n", mode == 0 ? "overwrite" : "append", s[N/2]/1e3, s[N*9/10]/1e3);
      }
    }
  }
}
