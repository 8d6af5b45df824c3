package dev.rcx.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * File-level helpers: searching backwards for line ends, positional reads and writes, fsync of a
 * directory.
 */
final class LogFiles {
  private static final int CHUNK = 8192;

  private LogFiles() {}

  /** Owner read/write only, where the file system knows POSIX permissions. */
  static FileAttribute<?>[] privateFile() {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
      };
    }
    return new FileAttribute<?>[0];
  }

  /** The position of the last '\n' strictly before {@code end}, or -1 if there is none. */
  static long lastNewlineBefore(FileChannel ch, long end) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    long hi = end;
    while (hi > 0) {
      long lo = Math.max(0, hi - CHUNK);
      buf.clear().limit((int) (hi - lo));
      readFully(ch, buf, lo);
      for (int i = (int) (hi - lo) - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return lo + i;
        }
      }
      hi = lo;
    }
    return -1;
  }

  static byte[] read(FileChannel ch, long from, long to) throws IOException {
    long n = to - from;
    if (n > LineReader.MAX_LINE) {
      throw new IOException(
          "line of " + n + " bytes at offset " + from + " exceeds " + LineReader.MAX_LINE);
    }
    ByteBuffer buf = ByteBuffer.allocate((int) n);
    readFully(ch, buf, from);
    return buf.array();
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long p = position;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, p);
      if (r < 0) {
        throw new IOException("unexpected end of file at offset " + p);
      }
      p += r;
    }
  }

  static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long p = position;
    while (buf.hasRemaining()) {
      p += ch.write(buf, p);
    }
  }

  /**
   * The last {@code n} complete lines, oldest first, reading only as much of the file's end as
   * needed.
   */
  static List<String> tail(Path file, int n) throws IOException {
    if (n < 0) {
      throw new IllegalArgumentException("tail line count must be >= 0, was " + n);
    }
    Deque<String> lines = new ArrayDeque<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long end = lastNewlineBefore(ch, ch.size()); // a torn last line is not shown
      while (end >= 0 && lines.size() < n) {
        long start = lastNewlineBefore(ch, end) + 1;
        lines.addFirst(new String(read(ch, start, end), StandardCharsets.UTF_8));
        end = start - 1;
      }
    }
    return new ArrayList<>(lines);
  }
}
