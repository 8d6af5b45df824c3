package dev.rcx.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a file so that readers and crashes see either the old or the new content, never a mix:
 * write a temp file in the same directory, fsync it, rename it over the target, fsync the directory
 * so the rename itself is durable.
 */
final class AtomicFiles {
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Logger log = LoggerFactory.getLogger(AtomicFiles.class);

  private AtomicFiles() {}

  /**
   * Atomically replaces {@code target} with {@code content}, mode 600.
   *
   * @return the attributes of the written file (a rename keeps inode, size and mtime), for change
   *     detection
   */
  static BasicFileAttributes replace(Path target, byte[] content) throws IOException {
    Path dir = directoryOf(target);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", ownerOnly(dir));
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(/* metaData= */ true);
      }
      BasicFileAttributes attributes = Files.readAttributes(tmp, BasicFileAttributes.class);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      fsyncDirectory(dir);
      return attributes;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** The directory that holds {@code file} (its absolute path's parent). */
  static Path directoryOf(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null) {
      throw new IllegalArgumentException("not a file path (it has no parent directory): " + file);
    }
    return dir;
  }

  /** Attributes that create a file readable and writable by its owner only, where POSIX. */
  static FileAttribute<?>[] ownerOnly(Path onFileSystem) {
    if (onFileSystem.getFileSystem().supportedFileAttributeViews().contains("posix")) {

      return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
    }
    return new FileAttribute<?>[0];
  }

  private static void fsyncDirectory(Path dir) {
    // The rename has happened; if the directory cannot be synced the change is visible but may not
    // survive a power
    // cut. That is worth a warning, not a failure that would tell the caller the change did not
    // happen.
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(/* metaData= */ true);
    } catch (IOException e) {
      log.warn("could not fsync directory {} after replacing a file in it: {}", dir, e.toString());
    }
  }
}
