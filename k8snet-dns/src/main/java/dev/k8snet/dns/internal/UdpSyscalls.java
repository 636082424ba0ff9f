package dev.k8snet.dns.internal;

import java.nio.ByteBuffer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls of the native UDP path ({@link NativeUdpSocket}), bound with jnr-ffi. Every buffer
 * is direct and outlives the call; message vectors are passed as raw addresses because they hold
 * pointers into other buffers.
 */
public interface UdpSyscalls {
  int AF_INET = 2;
  int AF_INET6 = 10;
  int SOCK_DGRAM = 2;
  int SOCK_CLOEXEC = 0x80000;
  int SOL_SOCKET = 1;
  int SO_SNDBUF = 7;
  int SO_RCVBUF = 8;
  int SO_REUSEPORT = 15;
  int SO_RCVTIMEO = 20;
  int IPPROTO_IP = 0;
  int IPPROTO_IPV6 = 41;
  int IP_PKTINFO = 8;
  int IPV6_RECVPKTINFO = 49;
  int IPV6_PKTINFO = 50;
  int MSG_WAITFORONE = 0x10000;
  int SHUT_RDWR = 2;
  int EINTR = 4;
  int EAGAIN = 11;

  int socket(int domain, int type, int protocol);

  int setsockopt(int fd, int level, int optname, @In ByteBuffer optval, int optlen);

  int bind(int fd, @In ByteBuffer addr, int addrlen);

  int getsockname(int fd, @Out ByteBuffer addr, @In @Out ByteBuffer addrlen);

  int recvmmsg(int fd, long msgvec, int vlen, int flags, long timeout);

  int sendmmsg(int fd, long msgvec, int vlen, int flags);

  int shutdown(int fd, int how);

  int close(int fd);

  @ssize_t
  long sendmsg(int fd, long msg, int flags);

  /** Sizes of the 64-bit Linux ABI (x86_64 and aarch64 share them). */
  int MSGHDR = 56;

  int MMSGHDR = 64;
  int IOVEC = 16;
}
