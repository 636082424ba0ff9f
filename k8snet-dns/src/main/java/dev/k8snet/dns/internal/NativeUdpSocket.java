package dev.k8snet.dns.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.PlatformDependent;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP socket served by its own thread in a blocking {@code recvmmsg(MSG_WAITFORONE)} loop: the
 * thread sleeps in the kernel until a query arrives, takes every query already queued (up to {@link
 * #BATCH}) in the same call, answers them and sends the answers with one {@code sendmmsg}. An idle
 * server costs no wake-ups, a lone query costs two system calls, and a burst shares them.
 *
 * <p>A socket bound to a wildcard address asks for the destination of each query ({@code
 * IP_PKTINFO} / {@code IPV6_RECVPKTINFO}) and answers from that address. Answers that come later
 * (forwarded queries) are sent from the forwarder's thread with {@code sendmsg}.
 */
final class NativeUdpSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NativeUdpSocket.class);

  /** The most datagrams taken by one {@code recvmmsg}. */
  static final int BATCH = 32;

  private static final int NAME = 32; // sockaddr_in6 is 28 bytes
  private static final int CONTROL = 64; // one cmsg: 16-byte header + in6_pktinfo (20), aligned
  private static final int CMSG_HEADER = 16;
  private static final int RECEIVE_TIMEOUT_SECONDS = 1; // how often a blocked thread sees close()

  // The 64-bit Linux struct msghdr: name, namelen, iov, iovlen, control, controllen, flags.
  private static final int MSG_NAME = 0;
  private static final int MSG_NAMELEN = 8;
  private static final int MSG_IOV = 16;
  private static final int MSG_IOVLEN = 24;
  private static final int MSG_CONTROL = 32;
  private static final int MSG_CONTROLLEN = 40;
  private static final int MSG_FLAGS = 48;
  private static final int MMSG_LEN = 56;

  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  private final UdpSyscalls sys;
  private final int fd;
  private final boolean v6;
  private final boolean pktinfo;
  private final int port;
  private final Engine engine;
  private final int maxQuery;

  // One direct block: headers, iovecs, names, control buffers and query slots of both vectors.
  private final ByteBuffer mem;
  private final long base;
  private final int recvHeaders;
  private final int sendHeaders;
  private final int recvIovs;
  private final int sendIovs;
  private final int names;
  private final int recvControls;
  private final int sendControls;
  private final int data;
  private final ByteBuf[] queries = new ByteBuf[BATCH];
  private final ByteBuf[] answers = new ByteBuf[BATCH];

  // The block used by answers sent later from other threads, guarded by itself.
  private final ByteBuffer late;
  private final long lateBase;

  private final Thread thread;
  private volatile boolean closed;

  private long lastName0;
  private long lastName1;
  private long lastName2;
  private int lastName3;
  private int lastNameLength;
  private InetSocketAddress lastSender;

  /** Returns whether this transport works here: 64-bit Linux, libc bound, netty's Unsafe access. */
  static boolean available() {
    return Libc.SYS != null
        && PlatformDependent.hasUnsafe()
        && PlatformDependent.directBufferPreferred();
  }

  /**
   * Opens, binds and starts serving a socket (SO_REUSEPORT, so several may share the address).
   *
   * @param address the address; a wildcard address answers from each query's destination
   * @param engine answers queries
   * @param maxQuery the longest query read; longer datagrams are cut
   * @throws IllegalStateException naming the address and errno when the socket cannot be bound
   */
  static NativeUdpSocket open(InetSocketAddress address, Engine engine, int maxQuery) {
    return new NativeUdpSocket(Libc.SYS, address, engine, maxQuery);
  }

  private NativeUdpSocket(UdpSyscalls sys, InetSocketAddress address, Engine engine, int maxQuery) {
    this.sys = sys;
    this.engine = engine;
    this.maxQuery = maxQuery;
    this.v6 = address.getAddress() instanceof Inet6Address;
    this.pktinfo = address.getAddress().isAnyLocalAddress();
    int s =
        sys.socket(
            v6 ? UdpSyscalls.AF_INET6 : UdpSyscalls.AF_INET,
            UdpSyscalls.SOCK_DGRAM | UdpSyscalls.SOCK_CLOEXEC,
            0);
    if (s < 0) {
      throw new IllegalStateException("socket(): errno " + Libc.errno());
    }
    this.fd = s;
    try {
      option(UdpSyscalls.SOL_SOCKET, UdpSyscalls.SO_REUSEPORT, 1);
      option(UdpSyscalls.SOL_SOCKET, UdpSyscalls.SO_RCVBUF, 4 << 20);
      option(UdpSyscalls.SOL_SOCKET, UdpSyscalls.SO_SNDBUF, 4 << 20);
      ByteBuffer tv = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
      tv.putLong(0, RECEIVE_TIMEOUT_SECONDS).putLong(8, 0);
      check(
          sys.setsockopt(fd, UdpSyscalls.SOL_SOCKET, UdpSyscalls.SO_RCVTIMEO, tv, 16),
          "SO_RCVTIMEO");
      if (pktinfo) {
        if (v6) {
          option(UdpSyscalls.IPPROTO_IPV6, UdpSyscalls.IPV6_RECVPKTINFO, 1);
        } else {
          option(UdpSyscalls.IPPROTO_IP, UdpSyscalls.IP_PKTINFO, 1);
        }
      }
      ByteBuffer sa = ByteBuffer.allocateDirect(NAME).order(ByteOrder.nativeOrder());
      int len = writeSockaddr(sa, 0, address);
      if (sys.bind(fd, sa, len) < 0) {
        throw new IllegalStateException("cannot bind UDP " + address + ": errno " + Libc.errno());
      }
      ByteBuffer lenBuf = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
      lenBuf.putInt(0, NAME);
      check(sys.getsockname(fd, sa, lenBuf), "getsockname");
      this.port = ((sa.get(2) & 0xff) << 8) | (sa.get(3) & 0xff);
    } catch (RuntimeException e) {
      sys.close(fd);
      throw e;
    }

    int at = 0;
    recvHeaders = at;
    at += BATCH * UdpSyscalls.MMSGHDR;
    sendHeaders = at;
    at += BATCH * UdpSyscalls.MMSGHDR;
    recvIovs = at;
    at += BATCH * UdpSyscalls.IOVEC;
    sendIovs = at;
    at += BATCH * UdpSyscalls.IOVEC;
    names = at;
    at += BATCH * NAME;
    recvControls = at;
    at += BATCH * CONTROL;
    sendControls = at;
    at += BATCH * CONTROL;
    data = at;
    int slot = (maxQuery + 7) & ~7;
    at += BATCH * slot;
    mem = ByteBuffer.allocateDirect(at).order(ByteOrder.nativeOrder());
    base = PlatformDependent.directBufferAddress(mem);
    for (int i = 0; i < BATCH; i++) {
      int h = recvHeaders + i * UdpSyscalls.MMSGHDR;
      int iov = recvIovs + i * UdpSyscalls.IOVEC;
      mem.putLong(iov, base + data + (long) i * slot).putLong(iov + 8, maxQuery);
      mem.putLong(h + MSG_NAME, base + names + (long) i * NAME);
      mem.putLong(h + MSG_IOV, base + iov).putLong(h + MSG_IOVLEN, 1);
      mem.putLong(h + MSG_CONTROL, pktinfo ? base + recvControls + (long) i * CONTROL : 0);
      int sh = sendHeaders + i * UdpSyscalls.MMSGHDR;
      mem.putLong(sh + MSG_IOV, base + sendIovs + (long) i * UdpSyscalls.IOVEC)
          .putLong(sh + MSG_IOVLEN, 1);
      queries[i] =
          Unpooled.wrappedBuffer(
              mem.duplicate().position(data + i * slot).limit(data + i * slot + maxQuery).slice());
    }
    late =
        ByteBuffer.allocateDirect(UdpSyscalls.MSGHDR + UdpSyscalls.IOVEC + NAME + CONTROL)
            .order(ByteOrder.nativeOrder());
    lateBase = PlatformDependent.directBufferAddress(late);

    thread = new DefaultThreadFactory("k8snet-dns-udp", true).newThread(this::serve);
    thread.start();
  }

  /** Returns the bound port. */
  int port() {
    return port;
  }

  private void option(int level, int name, int value) {
    ByteBuffer v = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
    v.putInt(0, value);
    check(sys.setsockopt(fd, level, name, v, 4), "setsockopt(" + level + ", " + name + ")");
  }

  private static void check(int rc, String what) {
    if (rc < 0) {
      throw new IllegalStateException(what + ": errno " + Libc.errno());
    }
  }

  private void serve() {
    while (!closed) {
      for (int i = 0; i < BATCH; i++) {
        int h = recvHeaders + i * UdpSyscalls.MMSGHDR;
        mem.putInt(h + MSG_NAMELEN, NAME);
        mem.putLong(h + MSG_CONTROLLEN, pktinfo ? CONTROL : 0);
      }
      int n = sys.recvmmsg(fd, base + recvHeaders, BATCH, UdpSyscalls.MSG_WAITFORONE, 0);
      if (n <= 0) {
        int errno = n < 0 ? Libc.errno() : 0;
        if (n < 0 && errno != UdpSyscalls.EAGAIN && errno != UdpSyscalls.EINTR && !closed) {
          log.debug("recvmmsg: errno {}", errno);
        }
        continue;
      }
      int m = 0;
      for (int i = 0; i < n; i++) {
        m = answer(i, m);
      }
      send(m);
    }
  }

  /** Answers the {@code i}th datagram received; returns the number of answers queued. */
  private int answer(int i, int m) {
    int h = recvHeaders + i * UdpSyscalls.MMSGHDR;
    int length = Math.min(mem.getInt(h + MMSG_LEN), maxQuery);
    ByteBuf query = queries[i].setIndex(0, length);
    InetSocketAddress sender;
    byte[] destination;
    ByteBuf answer;
    try {
      sender = sender(i, mem.getInt(h + MSG_NAMELEN));
      destination =
          pktinfo ? pktinfo(recvControls + i * CONTROL, mem.getLong(h + MSG_CONTROLLEN)) : null;
      answer = engine.handle(ALLOC, query, sender.getAddress(), false, later(sender, destination));
    } catch (RuntimeException | UnknownHostException e) {
      log.debug("query failed", e);
      return m;
    }
    if (answer == null) {
      return m;
    }
    if (!answer.hasMemoryAddress()) {
      ByteBuf direct = ALLOC.directBuffer(answer.readableBytes()).writeBytes(answer);
      answer.release();
      answer = direct;
    }
    int sh = sendHeaders + m * UdpSyscalls.MMSGHDR;
    int iov = sendIovs + m * UdpSyscalls.IOVEC;
    mem.putLong(iov, answer.memoryAddress() + answer.readerIndex())
        .putLong(iov + 8, answer.readableBytes());
    mem.putLong(sh + MSG_NAME, base + names + (long) i * NAME)
        .putInt(sh + MSG_NAMELEN, mem.getInt(h + MSG_NAMELEN));
    int control =
        destination == null ? 0 : writeControl(mem, sendControls + m * CONTROL, destination);
    mem.putLong(sh + MSG_CONTROL, control == 0 ? 0 : base + sendControls + (long) m * CONTROL)
        .putLong(sh + MSG_CONTROLLEN, control)
        .putInt(sh + MSG_FLAGS, 0);
    answers[m] = answer;
    return m + 1;
  }

  private void send(int count) {
    int sent = 0;
    while (sent < count) {
      int r =
          sys.sendmmsg(fd, base + sendHeaders + (long) sent * UdpSyscalls.MMSGHDR, count - sent, 0);
      if (r < 0) {
        int errno = Libc.errno();
        if (errno == UdpSyscalls.EINTR) {
          continue;
        }
        log.debug("sendmmsg: errno {}", errno);
        sent++; // the first message of the rest cannot be sent: skip it
      } else {
        sent += r;
      }
    }
    for (int i = 0; i < count; i++) {
      answers[i].release();
      answers[i] = null;
    }
  }

  private Consumer<ByteBuf> later(InetSocketAddress sender, byte[] destination) {
    return buf -> sendLater(buf, sender, destination);
  }

  /** Sends an answer that was not ready in the receiving loop (a forwarded query). */
  private void sendLater(ByteBuf answer, InetSocketAddress to, byte[] destination) {
    ByteBuf direct = answer;
    if (!answer.hasMemoryAddress()) {
      direct = ALLOC.directBuffer(answer.readableBytes()).writeBytes(answer);
      answer.release();
    }
    try {
      synchronized (late) {
        if (closed) {
          return;
        }
        int iov = UdpSyscalls.MSGHDR;
        int name = iov + UdpSyscalls.IOVEC;
        int control = name + NAME;
        late.putLong(iov, direct.memoryAddress() + direct.readerIndex())
            .putLong(iov + 8, direct.readableBytes());
        int nameLength = writeSockaddr(late, name, to);
        late.putLong(MSG_NAME, lateBase + name).putInt(MSG_NAMELEN, nameLength);
        late.putLong(MSG_IOV, lateBase + iov).putLong(MSG_IOVLEN, 1);
        int controlLength = destination == null ? 0 : writeControl(late, control, destination);
        late.putLong(MSG_CONTROL, controlLength == 0 ? 0 : lateBase + control)
            .putLong(MSG_CONTROLLEN, controlLength)
            .putInt(MSG_FLAGS, 0);
        if (sys.sendmsg(fd, lateBase, 0) < 0) {
          log.debug("sendmsg to {}: errno {}", to, Libc.errno());
        }
      }
    } finally {
      direct.release();
    }
  }

  /** The sender of datagram {@code i}, reused while the same client keeps asking. */
  private InetSocketAddress sender(int i, int length) throws UnknownHostException {
    int o = names + i * NAME;
    long a = mem.getLong(o);
    long b = mem.getLong(o + 8);
    long c = length > 16 ? mem.getLong(o + 16) : 0;
    int d = length > 24 ? mem.getInt(o + 24) : 0;
    if (lastSender != null
        && length == lastNameLength
        && a == lastName0
        && b == lastName1
        && c == lastName2
        && d == lastName3) {
      return lastSender;
    }
    int port = ((mem.get(o + 2) & 0xff) << 8) | (mem.get(o + 3) & 0xff);
    InetAddress address;
    if (mem.getShort(o) == UdpSyscalls.AF_INET6) {
      byte[] ip = new byte[16];
      mem.get(o + 8, ip);
      int scope = mem.getInt(o + 24);
      InetAddress plain = InetAddress.getByAddress(ip); // a v4-mapped address becomes IPv4
      address =
          plain instanceof Inet6Address && scope != 0
              ? Inet6Address.getByAddress(null, ip, scope)
              : plain;
    } else {
      byte[] ip = new byte[4];
      mem.get(o + 4, ip);
      address = InetAddress.getByAddress(ip);
    }
    lastSender = new InetSocketAddress(address, port);
    lastName0 = a;
    lastName1 = b;
    lastName2 = c;
    lastName3 = d;
    lastNameLength = length;
    return lastSender;
  }

  /** The destination address of a datagram, from its pktinfo control message (null if absent). */
  private byte[] pktinfo(int at, long length) {
    int o = findPktinfo(mem, at, length);
    if (o < 0) {
      return null;
    }
    byte[] ip = new byte[v6 ? 16 : 4];
    mem.get(v6 ? o : o + 8, ip); // in6_pktinfo.ipi6_addr; in_pktinfo.ipi_addr
    return ip;
  }

  private int findPktinfo(ByteBuffer b, int at, long length) {
    int level = v6 ? UdpSyscalls.IPPROTO_IPV6 : UdpSyscalls.IPPROTO_IP;
    int type = v6 ? UdpSyscalls.IPV6_PKTINFO : UdpSyscalls.IP_PKTINFO;
    int o = at;
    while (o + CMSG_HEADER <= at + length) {
      long cmsgLength = b.getLong(o);
      if (cmsgLength < CMSG_HEADER) {
        return -1;
      }
      if (b.getInt(o + 8) == level && b.getInt(o + 12) == type) {
        return o + CMSG_HEADER;
      }
      o += (int) ((cmsgLength + 7) & ~7L);
    }
    return -1;
  }

  /**
   * Writes an {@code IP_PKTINFO} (source {@code ipi_spec_dst}) or {@code IPV6_PKTINFO} control
   * message choosing {@code source}; returns its space.
   */
  private int writeControl(ByteBuffer b, int at, byte[] source) {
    for (int i = 0; i < CONTROL; i += 8) {
      b.putLong(at + i, 0);
    }
    int dataLength = v6 ? 20 : 12;
    b.putLong(at, CMSG_HEADER + dataLength);
    b.putInt(at + 8, v6 ? UdpSyscalls.IPPROTO_IPV6 : UdpSyscalls.IPPROTO_IP);
    b.putInt(at + 12, v6 ? UdpSyscalls.IPV6_PKTINFO : UdpSyscalls.IP_PKTINFO);
    b.put(at + CMSG_HEADER + (v6 ? 0 : 4), source); // ipi6_addr; ipi_spec_dst
    return CMSG_HEADER + ((dataLength + 7) & ~7);
  }

  /** Writes a sockaddr_in or sockaddr_in6 (a v4 address on a v6 socket is v4-mapped). */
  private int writeSockaddr(ByteBuffer b, int at, InetSocketAddress a) {
    for (int i = 0; i < NAME; i += 8) {
      b.putLong(at + i, 0);
    }
    b.put(at + 2, (byte) (a.getPort() >> 8)).put(at + 3, (byte) a.getPort());
    byte[] ip = a.getAddress().getAddress();
    if (!v6) {
      b.putShort(at, (short) UdpSyscalls.AF_INET);
      b.put(at + 4, ip);
      return 16;
    }
    b.putShort(at, (short) UdpSyscalls.AF_INET6);
    if (ip.length == 4) {
      b.put(at + 18, (byte) 0xff).put(at + 19, (byte) 0xff).put(at + 20, ip);
    } else {
      b.put(at + 8, ip);
      if (a.getAddress() instanceof Inet6Address six) {
        b.putInt(at + 24, six.getScopeId());
      }
    }
    return 28;
  }

  /** Stops the thread (it sees the shutdown within a second) and closes the socket. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    sys.shutdown(fd, UdpSyscalls.SHUT_RDWR); // wakes a blocked recvmmsg
    try {
      thread.join(2_000L + RECEIVE_TIMEOUT_SECONDS * 1_000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (late) {
      sys.close(fd);
    }
  }

  /** The libc binding, loaded on first use; null where it cannot be (not 64-bit Linux). */
  private static final class Libc {
    static final UdpSyscalls SYS = load();
    static final jnr.ffi.Runtime RUNTIME = SYS == null ? null : jnr.ffi.Runtime.getRuntime(SYS);

    private Libc() {}

    static int errno() {
      return jnr.ffi.LastError.getLastError(RUNTIME);
    }

    private static UdpSyscalls load() {
      String os = System.getProperty("os.name", "");
      String arch = System.getProperty("os.arch", "");
      if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("aarch64"))) {
        return null;
      }
      try {
        return jnr.ffi.LibraryLoader.create(UdpSyscalls.class).failImmediately().load("c");
      } catch (LinkageError | RuntimeException e) {
        log.debug("no native UDP loop: {}", e.toString());
        return null;
      }
    }
  }
}
