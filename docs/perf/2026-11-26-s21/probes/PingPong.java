import io.netty.channel.*;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.IntSupplier;
import io.vertx.core.*;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.*;
import java.util.*;

public class PingPong {
  static final class Spin implements SelectStrategy {
    final long spinNanos; final boolean yield; long last = System.nanoTime(); boolean blocked;
    Spin(long s, boolean y) { spinNanos = s; yield = y; }
    public int calculateStrategy(IntSupplier now, boolean hasTasks) throws Exception {
      int n = now.get();
      long t = System.nanoTime();
      if (n > 0 || hasTasks || blocked) { last = t; blocked = false; return n; }
      if (t - last < spinNanos) { if (yield) Thread.yield(); else Thread.onSpinWait(); return 0; }
      blocked = true; return SelectStrategy.SELECT;
    }
  }
  static Vertx vertx(long spinMicros, boolean yield) {
    io.vertx.core.transport.Transport base = io.vertx.core.transport.Transport.EPOLL;
    io.vertx.core.spi.transport.Transport impl = base.implementation();
    io.vertx.core.spi.transport.Transport wrapped = new io.vertx.core.spi.transport.Transport() {
      public IoHandlerFactory ioHandlerFactory() {
        return spinMicros <= 0 ? impl.ioHandlerFactory() : EpollIoHandler.newFactory(0, () -> new Spin(spinMicros * 1000, yield));
      }
      public io.netty.channel.socket.DatagramChannel datagramChannel() { return impl.datagramChannel(); }
      public io.netty.channel.socket.DatagramChannel datagramChannel(io.netty.channel.socket.InternetProtocolFamily f) { return impl.datagramChannel(f); }
      public ChannelFactory<? extends Channel> channelFactory(boolean d) { return impl.channelFactory(d); }
      public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean d) { return impl.serverChannelFactory(d); }
      public void configure(NetServerOptions o, boolean d, io.netty.bootstrap.ServerBootstrap b) { impl.configure(o, d, b); }
      public void configure(ClientOptionsBase o, int t, boolean d, io.netty.bootstrap.Bootstrap b) { impl.configure(o, t, d, b); }
      public java.net.SocketAddress convert(SocketAddress a) { return impl.convert(a); }
      public SocketAddress convert(java.net.SocketAddress a) { return impl.convert(a); }
    };
    io.vertx.core.transport.Transport t = new io.vertx.core.transport.Transport() {
      public String name() { return "epoll-spin"; }
      public boolean available() { return base.available(); }
      public Throwable unavailabilityCause() { return base.unavailabilityCause(); }
      public io.vertx.core.spi.transport.Transport implementation() { return wrapped; }
    };
    return Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).withTransport(t).build();
  }
  public static void main(String[] a) throws Exception {
    long spin = Long.parseLong(a[1]); boolean yield = a.length > 3 && a[3].equals("yield");
    Vertx v = vertx(spin, yield);
    System.out.println("native=" + v.isNativeTransportEnabled());
    int port = Integer.parseInt(a[2]);
    if (a[0].equals("server")) {
      v.createNetServer(new NetServerOptions().setTcpNoDelay(true)).connectHandler(s -> s.handler(b -> s.write(b))).listen(port, "127.0.0.1").await();
      System.out.println("listening"); Thread.sleep(Long.MAX_VALUE);
    }
    NetSocket s = v.createNetClient(new NetClientOptions().setTcpNoDelay(true)).connect(port, "127.0.0.1").await();
    long[] rtts = new long[Integer.getInteger("n", 3000)]; int[] i = {0}; long[] sent = {0};
    Buffer msg = Buffer.buffer(new byte[100]);
    int[] got = {0};
    Promise<Void> done = Promise.promise();
    Runnable[] send = new Runnable[1];
    send[0] = () -> { sent[0] = System.nanoTime(); s.write(msg); };
    s.handler(b -> {
      got[0] += b.length(); if (got[0] < 100) return; got[0] = 0;
      long rtt = System.nanoTime() - sent[0];
      if (i[0] < rtts.length) rtts[i[0]++] = rtt;
      if (i[0] == rtts.length) { done.complete(); return; }
      if (Integer.getInteger("pause", 1) == 0) v.runOnContext(x -> send[0].run()); else v.setTimer(Integer.getInteger("pause", 1), x -> send[0].run());
    });
    v.runOnContext(x -> send[0].run());
    done.future().await();
    long[] r = Arrays.copyOfRange(rtts, 500, rtts.length); Arrays.sort(r);
    System.out.printf("spin=%dus yield=%s rtt p50=%.1fus p90=%.1fus p99=%.1fus%n", spin, yield, r[r.length/2]/1e3, r[r.length*9/10]/1e3, r[r.length*99/100]/1e3);
    System.exit(0);
  }
}
