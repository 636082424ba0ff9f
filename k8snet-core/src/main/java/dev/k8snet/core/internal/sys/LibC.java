package dev.k8snet.core.internal.sys;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc functions k8snet calls through jnr-ffi. Buffers are always direct and owned by the
 * caller for longer than the call, so jnr-ffi passes their address without copying.
 */
public interface LibC {
  int socket(int domain, int type, int protocol);

  int bind(int fd, @In ByteBuffer addr, int addrlen);

  int getsockname(int fd, @Out ByteBuffer addr, @In @Out ByteBuffer addrlen);

  int setsockopt(int fd, int level, int optname, @In ByteBuffer optval, int optlen);

  @ssize_t
  long send(int fd, @In ByteBuffer buf, @size_t long len, int flags);

  @ssize_t
  long recvfrom(
      int fd,
      @Out ByteBuffer buf,
      @size_t long len,
      int flags,
      @Out ByteBuffer addr,
      @In @Out ByteBuffer addrlen);

  int poll(@In @Out ByteBuffer fds, long nfds, int timeout);

  int close(int fd);

  int setns(int fd, int nstype);

  int unshare(int flags);

  int open(String path, int flags, int mode);

  int mount(String source, String target, String type, long flags, Pointer data);

  int umount2(String target, int flags);

  int getuid();

  int socketpair(int domain, int type, int protocol, @Out int[] sv);
}
