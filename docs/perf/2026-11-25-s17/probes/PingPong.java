import java.io.*; import java.net.*; import java.util.*;
public class PingPong {
  public static void main(String[] a) throws Exception {
    if (a[0].equals("server")) {
      ServerSocket ss = new ServerSocket(Integer.parseInt(a[1]), 5, InetAddress.getLoopbackAddress());
      Socket s = ss.accept(); s.setTcpNoDelay(true);
      InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream();
      byte[] b = new byte[64];
      while (true) { int n = in.readNBytes(b, 0, 64); if (n < 64) return; out.write(b); }
    }
    Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(a[1])); s.setTcpNoDelay(true);
    InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream();
    byte[] b = new byte[64]; int N = 20000; long gapUs = Long.parseLong(a[2]);
    long[] rtt = new long[N], snd = new long[N];
    for (int i = 0; i < N + 2000; i++) {
      long t0 = System.nanoTime(); out.write(b); long t1 = System.nanoTime();
      in.readNBytes(b, 0, 64); long t2 = System.nanoTime();
      if (i >= 2000) { rtt[i-2000] = t2 - t0; snd[i-2000] = t1 - t0; }
      if (gapUs > 0) { long until = System.nanoTime() + gapUs * 1000; while (System.nanoTime() < until) Thread.onSpinWait(); }
      if (gapUs < 0) Thread.sleep(0, 300000);
    }
    Arrays.sort(rtt); Arrays.sort(snd);
    System.out.printf("gap %d us: rtt p50 %.1f p90 %.1f us; send p50 %.1f p90 %.1f us%n", gapUs, rtt[N/2]/1e3, rtt[N*9/10]/1e3, snd[N/2]/1e3, snd[N*9/10]/1e3);
  }
}
