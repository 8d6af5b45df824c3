package dev.rcx.cli;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.jspecify.annotations.Nullable;

/**
 * Turns an exception that escaped a command into one line that names the thing (file, address),
 * what is wrong and what to do. A bare {@code FileSystemException} message is only a path, and
 * {@code BindException}'s is only the kernel's words, so both are described here.
 */
final class Errors {
  private Errors() {}

  /** {@code t}'s message, or its class name when it has none (a message is never null here). */
  static String message(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.toString() : m;
  }

  static String describe(Throwable t) {
    FileSystemException fs = find(t, FileSystemException.class);
    if (fs != null) {
      return prefix(t, fs) + file(fs);
    }
    String message = t.getMessage();
    if (t instanceof UncheckedIOException u && u.getCause() != null) {
      message = u.getMessage();
    }
    return message == null ? t.toString() : message;
  }

  /**
   * "cannot start server: " when the file problem was wrapped by a caller that said what failed.
   */
  // Identity is meant: is the file problem the exception itself, or wrapped in it?
  @SuppressWarnings("ReferenceEquality")
  private static String prefix(Throwable outer, Throwable inner) {
    if (outer == inner || outer.getMessage() == null) {
      return "";
    }
    String m = outer.getMessage();
    int colon = m.indexOf(": ");
    return colon > 0 ? m.substring(0, colon + 2) : "";
  }

  /** One file-system failure, described with its file and a way out. */
  static String file(FileSystemException e) {
    String file = e.getFile();
    String other = e.getOtherFile();
    return switch (e) {
      case AccessDeniedException a ->
          "permission denied on "
              + file
              + ": run rcx as the user that owns it (see ls -ld "
              + file
              + "), or give that user access";
      case NoSuchFileException n ->
          file + ": no such file or directory" + (other == null ? "" : " (or " + other + ")");
      case NotDirectoryException n ->
          file + ": a part of this path is a file, not a directory; choose another path";
      case FileAlreadyExistsException x ->
          file + ": exists already, and is not what rcx expected here (a directory?)";
      default ->
          file
              + (other == null ? "" : " -> " + other)
              + ": "
              + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason());
    };
  }

  /** What a failed bind means and what to do, for {@code rcx server}. */
  static String bind(String hostPort, BindException e) {
    String reason = e.getMessage() == null ? "" : e.getMessage();
    String lower = reason.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("already in use")) {
      return "cannot listen on "
          + hostPort
          + ": the address is already in use (another rcx server or another program listens there;"
          + " `ss -ltnp` shows which). Stop it, or choose another port with --port (0 picks a free"
          + " one)";
    }
    if (lower.contains("assign requested address")) {
      return "cannot listen on "
          + hostPort
          + ": no network interface of this machine has that address. Pass --bind with one of"
          + " this machine's addresses (`ip -brief address` lists them), 127.0.0.1 for local use"
          + " or 0.0.0.0 for all";
    }
    if (lower.contains("permission denied")) {
      return "cannot listen on "
          + hostPort
          + ": permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE). Choose a"
          + " port of 1024 or more with --port";
    }
    return "cannot listen on " + hostPort + ": " + reason;
  }

  // Identity is meant: a cause chain may end in an exception that is its own cause.
  @SuppressWarnings("ReferenceEquality")
  static <T extends Throwable> @Nullable T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
