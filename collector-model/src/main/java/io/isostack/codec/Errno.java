package io.isostack.codec;

/**
 * Linux errno numbers to their names (asm-generic/errno-base.h and the common ones of errno.h,
 * x86-64 and arm64 values).
 */
final class Errno {
  private static final String[] BASE = {
    null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
    "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV",
    "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG",
    "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE"
  };

  private Errno() {}

  /** The name of a positive errno, e.g. 13 → {@code EACCES}; the number as text when unknown. */
  static String name(long errno) {
    if (errno > 0 && errno < BASE.length) {
      return BASE[(int) errno];
    }
    return switch ((int) errno) {
      case 38 -> "ENOSYS";
      case 95 -> "EOPNOTSUPP";
      case 98 -> "EADDRINUSE";
      case 99 -> "EADDRNOTAVAIL";
      case 101 -> "ENETUNREACH";
      case 104 -> "ECONNRESET";
      case 110 -> "ETIMEDOUT";
      case 111 -> "ECONNREFUSED";
      case 113 -> "EHOSTUNREACH";
      case 115 -> "EINPROGRESS";
      default -> Long.toString(errno);
    };
  }
}
