package dev.k8snet.cni.internal;

import dev.k8snet.cni.CniException;
import java.nio.file.Path;
import java.time.Duration;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * An exclusive {@code flock(2)} on a file, compatible with host-local's lock on {@code
 * <dataDir>/<network>/lock} (Java's {@code FileChannel.lock} uses {@code fcntl} locks, which do not
 * exclude {@code flock} holders).
 */
public final class Flock implements AutoCloseable {
  /** The libc functions used. */
  public interface Libc {
    /** open(2). */
    int open(String path, int flags, int mode);

    /** flock(2). */
    int flock(int fd, int operation);

    /** close(2). */
    int close(int fd);
  }

  private static final int O_RDWR = 2;
  private static final int O_CREAT = 0100;
  private static final int O_CLOEXEC = 0x80000;
  private static final int LOCK_EX = 2;
  private static final int LOCK_NB = 4;
  private static final int LOCK_UN = 8;
  private static final int EWOULDBLOCK = 11;

  private static final class Holder {
    static final Libc LIBC = LibraryLoader.create(Libc.class).load("c");
  }

  private final int fd;

  private Flock(int fd) {
    this.fd = fd;
  }

  /**
   * Takes the lock, waiting at most {@code timeout}.
   *
   * @throws CniException code 11 when the lock is still held after the timeout, 5 on I/O errors
   */
  public static Flock acquire(Path file, Duration timeout) {
    Libc c = Holder.LIBC;
    int fd = c.open(file.toString(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      throw new CniException(
          CniException.IO_FAILURE, "cannot open lock file", file + ": errno " + errno());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    long sleep = 1;
    while (true) {
      if (c.flock(fd, LOCK_EX | LOCK_NB) == 0) {
        return new Flock(fd);
      }
      int e = errno();
      if (e != EWOULDBLOCK && e != 4) {
        c.close(fd);
        throw new CniException(CniException.IO_FAILURE, "cannot lock", file + ": errno " + e);
      }
      if (System.nanoTime() > deadline) {
        c.close(fd);
        throw new CniException(
            CniException.TRY_AGAIN_LATER,
            "IPAM state is locked by another process",
            file + " still locked after " + timeout.toMillis() + " ms");
      }
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        c.close(fd);
        throw new CniException(
            CniException.TRY_AGAIN_LATER, "interrupted waiting for lock", file.toString());
      }
      sleep = Math.min(sleep * 2, 8);
    }
  }

  private static int errno() {
    return Runtime.getSystemRuntime().getLastError();
  }

  @Override
  public void close() {
    Holder.LIBC.flock(fd, LOCK_UN);
    Holder.LIBC.close(fd);
  }
}
