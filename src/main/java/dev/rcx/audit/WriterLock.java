package dev.rcx.audit;

import dev.rcx.files.AtomicFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ensures one writer per log: a set of logs open in this JVM, plus an OS lock on {@code <log>.lock}
 * against other processes. The OS lock lives on a file of its own because POSIX drops all of a
 * process's locks on a file when any descriptor of that file is closed, and readers ({@code
 * verify}, {@code tail}) open and close the log freely. The lock file is never deleted (deleting it
 * would let two writers lock two different inodes).
 */
final class WriterLock implements Closeable {
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;

  private WriterLock(Path key, FileChannel channel, FileLock lock) {
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  static WriterLock acquire(Path log) throws IOException {
    Path key = AtomicFiles.directoryOf(log).toRealPath().resolve(log.getFileName());
    if (!HELD.add(key)) {
      throw new AuditException("audit log " + log + " is already open for writing in this process");
    }
    Path lockPath = log.resolveSibling(log.getFileName() + ".lock");
    FileChannel ch = null;
    try {
      ch =
          FileChannel.open(
              lockPath,
              Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
              LogFiles.privateFile());
      FileLock fl = ch.tryLock();
      if (fl == null) {
        throw new AuditException(
            "audit log "
                + log
                + " is already open for writing by another process ("
                + lockPath.getFileName()
                + " is locked)");
      }
      return new WriterLock(key, ch, fl);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      HELD.remove(key);
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try (channel) {
      lock.release();
    } finally {
      HELD.remove(key);
    }
  }
}
