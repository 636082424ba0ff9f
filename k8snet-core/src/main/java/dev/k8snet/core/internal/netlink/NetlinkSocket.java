package dev.k8snet.core.internal.netlink;

import dev.k8snet.core.internal.sys.Errno;
import dev.k8snet.core.internal.sys.LibC;
import dev.k8snet.core.internal.sys.Sys;
import dev.k8snet.core.netlink.NetlinkException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A netlink socket of one protocol, bound to the network namespace of the thread that opened it.
 *
 * <p>One request is in flight at a time (a lock serialises callers, so the socket may be shared by
 * threads). Each request gets the next sequence number; replies with another sequence number or
 * port id, or not sent by the kernel, are dropped. Every receive has a deadline. The send and
 * receive buffers are direct and live as long as the socket. Extended ACKs, capped ACKs and strict
 * checking are enabled when the kernel supports them.
 */
public final class NetlinkSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NetlinkSocket.class);
  private static final int RECV_BUFFER = 64 * 1024;
  private static final int SOCKET_BUFFER = 1 << 20;
  private static final int DUMP_ATTEMPTS = 5;

  /** Writes the body of a request after its netlink header. */
  @FunctionalInterface
  public interface Encoder {
    void encode(NlWriter w);
  }

  /** Names an attribute path such as {@code "18/2"} of a request of the given message type. */
  @FunctionalInterface
  public interface AttributeNamer {
    String name(int messageType, String path);
  }

  private final LibC libc;
  private final int fd;
  private final int protocol;
  private final int portId;
  private final Duration timeout;
  private final AttributeNamer namer;
  private final ReentrantLock lock = new ReentrantLock();
  private final NlWriter writer = new NlWriter(16 * 1024);
  private final ByteBuffer recvBuf;
  private final ByteBuffer pollFd;
  private final ByteBuffer addr;
  private final ByteBuffer addrLen;
  private int seq;
  private boolean closed;

  private NetlinkSocket(
      LibC libc, int fd, int protocol, int portId, Duration timeout, AttributeNamer namer) {
    this.libc = libc;
    this.fd = fd;
    this.protocol = protocol;
    this.portId = portId;
    this.timeout = timeout;
    this.namer = namer;
    this.recvBuf = ByteBuffer.allocateDirect(RECV_BUFFER).order(ByteOrder.nativeOrder());
    this.pollFd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    this.addr = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
    this.addrLen = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
    this.seq = (int) (System.nanoTime() & 0x3fffffff);
  }

  /**
   * Opens a socket in the calling thread's network namespace.
   *
   * @param protocol e.g. {@link Nl#NETLINK_ROUTE}
   * @param groups multicast groups to join (group numbers, not bit masks)
   * @param timeout the deadline of every request
   * @param namer names attributes for error messages
   */
  public static NetlinkSocket open(
      int protocol, int[] groups, Duration timeout, AttributeNamer namer) {
    LibC libc = Sys.libc();
    int fd = libc.socket(Sys.AF_NETLINK, Sys.SOCK_RAW | Sys.SOCK_CLOEXEC, protocol);
    if (fd < 0) {
      throw failure(Sys.errno(), "open netlink socket", "protocol " + protocol);
    }
    try {
      ByteBuffer opt = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
      opt.putInt(0, SOCKET_BUFFER);
      libc.setsockopt(fd, Sys.SOL_SOCKET, Sys.SO_SNDBUF, opt, 4);
      if (libc.setsockopt(fd, Sys.SOL_SOCKET, Sys.SO_RCVBUFFORCE, opt, 4) < 0) {
        libc.setsockopt(fd, Sys.SOL_SOCKET, Sys.SO_RCVBUF, opt, 4);
      }
      ByteBuffer sa = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
      sa.putShort(0, (short) Sys.AF_NETLINK);
      if (libc.bind(fd, sa, 12) < 0) {
        throw failure(Sys.errno(), "bind netlink socket", "protocol " + protocol);
      }
      ByteBuffer len = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
      len.putInt(0, 12);
      if (libc.getsockname(fd, sa, len) < 0) {
        throw failure(Sys.errno(), "getsockname", "protocol " + protocol);
      }
      int port = sa.getInt(4);
      opt.putInt(0, 1);
      for (int o : new int[] {Nl.NETLINK_EXT_ACK, Nl.NETLINK_CAP_ACK, Nl.NETLINK_GET_STRICT_CHK}) {
        if (libc.setsockopt(fd, Nl.SOL_NETLINK, o, opt, 4) < 0) {
          log.debug("netlink socket option {} not supported: {}", o, Errno.name(Sys.errno()));
        }
      }
      for (int g : groups) {
        opt.putInt(0, g);
        if (libc.setsockopt(fd, Nl.SOL_NETLINK, Nl.NETLINK_ADD_MEMBERSHIP, opt, 4) < 0) {
          throw failure(Sys.errno(), "join netlink group", g);
        }
      }
      log.debug("opened netlink socket fd={} protocol={} port={}", fd, protocol, port);
      return new NetlinkSocket(libc, fd, protocol, port, timeout, namer);
    } catch (RuntimeException e) {
      libc.close(fd);
      throw e;
    }
  }

  /**
   * Wraps an already open datagram socket, for tests that play the kernel's side over a socket
   * pair. The socket takes ownership of {@code fd}.
   */
  static NetlinkSocket wrap(int fd, int portId, Duration timeout) {
    return new NetlinkSocket(
        Sys.libc(), fd, Nl.NETLINK_ROUTE, portId, timeout, Rtnl::attributeName);
  }

  /** Returns the port id the kernel assigned. */
  public int portId() {
    return portId;
  }

  /** Returns the netlink protocol. */
  public int protocol() {
    return protocol;
  }

  /** Sends a request with NLM_F_ACK and waits for the acknowledgement. */
  public void ack(int type, int flags, Encoder body, String op, Object subject) {
    lock.lock();
    try {
      int s = send(type, flags | Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, body, op, subject);
      receive(s, Mode.ACK, new ArrayList<>(0), op, subject);
    } finally {
      lock.unlock();
    }
  }

  /** Sends a "doit" GET request and returns the single reply. */
  public NlMessage get(int type, Encoder body, String op, Object subject) {
    lock.lock();
    try {
      int s = send(type, Nl.NLM_F_REQUEST, body, op, subject);
      List<NlMessage> out = new ArrayList<>(1);
      receive(s, Mode.GET, out, op, subject);
      if (out.isEmpty()) {
        throw new NetlinkException(Sys.EPROTO, "EPROTO", op, subject, "no reply", null);
      }
      return out.get(0);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends a dump request and returns every message until NLMSG_DONE. A dump the kernel marks
   * interrupted (NLM_F_DUMP_INTR: the data changed during the dump) is repeated a few times and
   * then reported with errno EINTR.
   */
  public List<NlMessage> dump(int type, Encoder body, String op, Object subject) {
    lock.lock();
    try {
      for (int attempt = 1; ; attempt++) {
        int s = send(type, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, body, op, subject);
        List<NlMessage> out = new ArrayList<>();
        boolean interrupted = receive(s, Mode.DUMP, out, op, subject);
        if (!interrupted) {
          return out;
        }
        log.debug("{}: dump interrupted (attempt {})", op, attempt);
        if (attempt == DUMP_ATTEMPTS) {
          throw new NetlinkException(
              Sys.EINTR, "EINTR", op, subject, "dump interrupted " + attempt + " times", null);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits up to {@code wait} for notifications (multicast messages) and returns those of one
   * datagram; an empty list when none arrived. A receive queue overrun is reported as errno
   * ENOBUFS.
   */
  public List<NlMessage> receiveNotifications(Duration wait) {
    lock.lock();
    try {
      long deadline = System.nanoTime() + wait.toNanos();
      int n = recv(deadline, "receive notifications", null, false);
      if (n < 0) {
        return List.of();
      }
      return parse(n, "receive notifications", null);
    } finally {
      lock.unlock();
    }
  }

  private enum Mode {
    ACK,
    GET,
    DUMP
  }

  private int send(int type, int flags, Encoder body, String op, Object subject) {
    checkOpen();
    seq = seq == Integer.MAX_VALUE ? 1 : seq + 1;
    writer.reset().beginMessage(type, flags, seq, 0);
    body.encode(writer);
    writer.endMessage();
    int len = writer.length();
    while (true) {
      long n = libc.send(fd, writer.buffer(), len, 0);
      if (n == len) {
        return seq;
      }
      int errno = n < 0 ? Sys.errno() : Sys.EPROTO;
      if (errno != Sys.EINTR) {
        throw failure(errno, op, subject);
      }
    }
  }

  private boolean receive(int s, Mode mode, List<NlMessage> out, String op, Object subject) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean interrupted = false;
    while (true) {
      int n = recv(deadline, op, subject, true);
      for (NlMessage m : parse(n, op, subject)) {
        if (m.seq() != s || m.portId() != portId) {
          log.debug("{}: dropping stale reply seq={} port={}", op, m.seq(), m.portId());
          continue;
        }
        switch (m.type()) {
          case Nl.NLMSG_ERROR -> {
            int err = m.payload().limit() >= 4 ? m.payload().getInt(0) : -Sys.EPROTO;
            if (err != 0) {
              throw error(-err, m, Nl.HDRLEN + 4, op, subject);
            }
            if (mode == Mode.ACK) {
              return false;
            }
          }
          case Nl.NLMSG_DONE -> {
            int err = m.payload().limit() >= 4 ? m.payload().getInt(0) : 0;
            if (err < 0) {
              throw error(-err, m, 4, op, subject);
            }
            return interrupted || (m.flags() & Nl.NLM_F_DUMP_INTR) != 0;
          }
          case Nl.NLMSG_NOOP, Nl.NLMSG_OVERRUN -> {}
          default -> {
            interrupted |= (m.flags() & Nl.NLM_F_DUMP_INTR) != 0;
            out.add(m);
            if (mode == Mode.GET && (m.flags() & Nl.NLM_F_MULTI) == 0) {
              return false;
            }
          }
        }
      }
    }
  }

  private List<NlMessage> parse(int n, String op, Object subject) {
    try {
      return NlMessage.parseAll(recvBuf, n);
    } catch (NetlinkCodecException e) {
      throw new NetlinkException(Sys.EPROTO, "EPROTO", op, subject, e.getMessage(), null);
    }
  }

  /**
   * Receives one datagram from the kernel; -1 when the deadline passed and !mustArrive. The kernel
   * usually queues an rtnetlink reply before send returns, so a non-blocking receive is tried
   * before waiting in poll.
   */
  private int recv(long deadline, String op, Object subject, boolean mustArrive) {
    boolean waited = false;
    while (true) {
      checkOpen();
      if (waited) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          if (!mustArrive) {
            return -1;
          }
          throw new NetlinkException(
              Sys.ETIMEDOUT, "ETIMEDOUT", op, subject, "no reply within " + timeout, null);
        }
        pollFd.putInt(0, fd);
        pollFd.putShort(4, Sys.POLLIN);
        pollFd.putShort(6, (short) 0);
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (remaining + 999_999) / 1_000_000));
        int ready = libc.poll(pollFd, 1, ms);
        if (ready < 0) {
          int errno = Sys.errno();
          if (errno == Sys.EINTR) {
            continue;
          }
          throw failure(errno, op, subject);
        }
        if (ready == 0) {
          continue;
        }
      }
      waited = true;
      addrLen.putInt(0, 12);
      long n =
          libc.recvfrom(
              fd, recvBuf, recvBuf.capacity(), Sys.MSG_DONTWAIT | Sys.MSG_TRUNC, addr, addrLen);
      if (n < 0) {
        int errno = Sys.errno();
        if (errno == Sys.EINTR || errno == Sys.EAGAIN) {
          continue;
        }
        throw failure(errno, op, subject);
      }
      if (n > recvBuf.capacity()) {
        throw new NetlinkException(
            90, "EMSGSIZE", op, subject, "reply of " + n + " bytes truncated", null);
      }
      int senderPort = addr.getInt(4);
      if (senderPort != 0) {
        log.debug("{}: dropping datagram from port {}", op, senderPort);
        continue;
      }
      return (int) n;
    }
  }

  private NetlinkException error(int errno, NlMessage m, int attrsFrom, String op, Object subj) {
    String msg = null;
    String attribute = null;
    ByteBuffer p = m.payload();
    if ((m.flags() & Nl.NLM_F_ACK_TLVS) != 0) {
      int from = attrsFrom;
      if (m.type() == Nl.NLMSG_ERROR && (m.flags() & Nl.NLM_F_CAPPED) == 0 && p.limit() >= 8) {
        from = 4 + Nl.align(p.getInt(4));
      }
      try {
        for (NlAttr a : NlAttr.parse(p, Math.min(from, p.limit()), p.limit())) {
          if (a.type() == Nl.NLMSGERR_ATTR_MSG) {
            msg = a.string();
          } else if (a.type() == Nl.NLMSGERR_ATTR_OFFS && m.type() == Nl.NLMSG_ERROR) {
            int offset = a.u32();
            String path = writer.attributePathAt(offset);
            int reqType = writer.buffer().getShort(4) & 0xffff;
            attribute =
                path != null
                    ? namer.name(reqType, path)
                    : "at offset " + offset + " of the request";
          }
        }
      } catch (NetlinkCodecException e) {
        log.debug("{}: malformed extended ACK: {}", op, e.getMessage());
      }
    }
    return new NetlinkException(errno, Errno.name(errno), op, subj, msg, attribute);
  }

  private static NetlinkException failure(int errno, String op, Object subject) {
    return new NetlinkException(errno, Errno.name(errno), op, subject, null, null);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("netlink socket closed");
    }
  }

  /** Closes the socket; waits for a request in flight to finish first. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        libc.close(fd);
      }
    } finally {
      lock.unlock();
    }
  }
}
