package dev.k8snet.core.internal.sys;

import java.util.Map;

/** Symbolic names of Linux errno values (x86-64 and arm64 share them). */
public final class Errno {
  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(1, "EPERM"),
          Map.entry(2, "ENOENT"),
          Map.entry(3, "ESRCH"),
          Map.entry(4, "EINTR"),
          Map.entry(5, "EIO"),
          Map.entry(6, "ENXIO"),
          Map.entry(7, "E2BIG"),
          Map.entry(9, "EBADF"),
          Map.entry(11, "EAGAIN"),
          Map.entry(12, "ENOMEM"),
          Map.entry(13, "EACCES"),
          Map.entry(14, "EFAULT"),
          Map.entry(16, "EBUSY"),
          Map.entry(17, "EEXIST"),
          Map.entry(18, "EXDEV"),
          Map.entry(19, "ENODEV"),
          Map.entry(20, "ENOTDIR"),
          Map.entry(21, "EISDIR"),
          Map.entry(22, "EINVAL"),
          Map.entry(23, "ENFILE"),
          Map.entry(24, "EMFILE"),
          Map.entry(28, "ENOSPC"),
          Map.entry(34, "ERANGE"),
          Map.entry(36, "ENAMETOOLONG"),
          Map.entry(38, "ENOSYS"),
          Map.entry(39, "ENOTEMPTY"),
          Map.entry(61, "ENODATA"),
          Map.entry(71, "EPROTO"),
          Map.entry(75, "EOVERFLOW"),
          Map.entry(85, "ERESTART"),
          Map.entry(90, "EMSGSIZE"),
          Map.entry(92, "ENOPROTOOPT"),
          Map.entry(93, "EPROTONOSUPPORT"),
          Map.entry(95, "EOPNOTSUPP"),
          Map.entry(97, "EAFNOSUPPORT"),
          Map.entry(98, "EADDRINUSE"),
          Map.entry(99, "EADDRNOTAVAIL"),
          Map.entry(100, "ENETDOWN"),
          Map.entry(101, "ENETUNREACH"),
          Map.entry(105, "ENOBUFS"),
          Map.entry(110, "ETIMEDOUT"),
          Map.entry(113, "EHOSTUNREACH"),
          Map.entry(114, "EALREADY"),
          Map.entry(125, "ECANCELED"));

  private Errno() {}

  /** Returns the symbolic name, e.g. {@code EEXIST}, or {@code errno N} when unknown. */
  public static String name(int errno) {
    String name = NAMES.get(errno);
    return name != null ? name : "errno " + errno;
  }
}
