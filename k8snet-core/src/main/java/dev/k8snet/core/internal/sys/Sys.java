package dev.k8snet.core.internal.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** Lazily loaded libc binding, errno access and system constants. */
public final class Sys {
  public static final int AF_NETLINK = 16;
  public static final int SOCK_RAW = 3;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int SOL_SOCKET = 1;
  public static final int SO_SNDBUF = 7;
  public static final int SO_RCVBUF = 8;
  public static final int SO_RCVBUFFORCE = 33;
  public static final int MSG_DONTWAIT = 0x40;
  public static final int MSG_TRUNC = 0x20;
  public static final short POLLIN = 0x1;
  public static final int O_RDONLY = 0;
  public static final int O_CLOEXEC = 0x80000;
  public static final int CLONE_NEWNET = 0x40000000;
  public static final long MS_BIND = 4096;
  public static final long MS_REC = 16384;
  public static final long MS_SHARED = 1 << 20;
  public static final int MNT_DETACH = 2;

  public static final int EINTR = 4;
  public static final int EAGAIN = 11;
  public static final int EINVAL = 22;
  public static final int ENOENT = 2;
  public static final int ENODEV = 19;
  public static final int ENOBUFS = 105;
  public static final int ETIMEDOUT = 110;
  public static final int EPROTO = 71;
  public static final int EEXIST = 17;
  public static final int ESRCH = 3;

  private Sys() {}

  private static final class Holder {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
  }

  /** Returns the libc binding, loading it on first use. */
  public static LibC libc() {
    return Holder.LIBC;
  }

  /** Returns errno of the calling OS thread's last native call. */
  public static int errno() {
    return LastError.getLastError(Holder.RUNTIME);
  }

  /**
   * Returns the inode of the network namespace a file descriptor or {@code /proc} path refers to.
   */
  public static long namespaceInode(Path nsLink) {
    try {
      String target = Files.readSymbolicLink(nsLink).toString();
      int open = target.indexOf('[');
      int close = target.indexOf(']');
      if (!target.startsWith("net:") || open < 0 || close < open) {
        throw new IllegalStateException("not a network namespace: " + nsLink + " -> " + target);
      }
      return Long.parseLong(target.substring(open + 1, close));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + nsLink, e);
    }
  }

  /**
   * Returns the inode of the namespace file an open descriptor refers to (a {@code
   * /proc/PID/ns/net} link or a bind mount of one).
   */
  public static long descriptorInode(int fd) {
    try {
      Object ino = Files.getAttribute(Path.of("/proc/self/fd/" + fd), "unix:ino");
      return ((Number) ino).longValue();
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("cannot stat descriptor " + fd, e);
    }
  }

  /** Returns the inode of the calling thread's network namespace. */
  public static long currentThreadNamespaceInode() {
    return namespaceInode(Path.of("/proc/thread-self/ns/net"));
  }
}
