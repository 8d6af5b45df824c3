package dev.rcx.files;

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

/**
 * Replaces a file so that readers and a crash at any point see either the old or the new content,
 * never a mix, and never a secret readable by others: write a temporary file in the same directory,
 * created with the final permissions, fsync it, rename it over the target, fsync the directory so
 * that the rename itself survives a power cut.
 */
public final class AtomicFiles {
  /** rw------- : secrets, and state only the owner may read. */
  public static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private AtomicFiles() {}

  /**
   * Atomically replaces {@code target} with {@code content}, creating the parent directory if
   * missing. The new file has exactly {@code permissions} from its creation on (the umask is undone
   * before the rename). If anything fails before the rename the target is untouched and the
   * temporary file removed; if only the final directory fsync fails, the new content is in place
   * but the rename may not survive a power cut, and the {@link IOException} says so.
   *
   * @return the written file's attributes (a rename keeps inode, size and mtime), for callers that
   *     detect changes made by others
   */
  public static BasicFileAttributes replace(
      Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
    Path dir = directoryOf(target);
    Files.createDirectories(dir);
    Path temp =
        Files.createTempFile(
            dir, "." + target.getFileName() + ".", ".tmp", withPermissions(dir, permissions));
    BasicFileAttributes attributes;
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(/* metaData= */ true);
      }
      if (isPosix(dir)) {
        Files.setPosixFilePermissions(temp, permissions);
      }
      attributes = Files.readAttributes(temp, BasicFileAttributes.class);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    try {
      fsyncDirectory(dir);
    } catch (IOException e) {
      throw new IOException(
          target
              + " was replaced, but its directory could not be synced ("
              + e
              + "): the change may not survive a power cut",
          e);
    }
    return attributes;
  }

  /** Atomically replaces {@code target} with {@code content}, mode 600. */
  public static BasicFileAttributes replace(Path target, byte[] content) throws IOException {
    return replace(target, content, OWNER_ONLY);
  }

  /** The directory that holds {@code file} (its absolute path's parent). */
  public static Path directoryOf(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null) {
      throw new IllegalArgumentException("not a file path (it has no parent directory): " + file);
    }
    return dir;
  }

  /** Makes renames, creations and deletions in {@code dir} durable. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(/* metaData= */ true);
    }
  }

  /** The creation attribute for a file in {@code dir} that only its owner may read and write. */
  public static FileAttribute<?>[] ownerOnly(Path dir) {
    return withPermissions(dir, OWNER_ONLY);
  }

  private static FileAttribute<?>[] withPermissions(
      Path dir, Set<PosixFilePermission> permissions) {
    return isPosix(dir)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
        : new FileAttribute<?>[0];
  }

  private static boolean isPosix(Path dir) {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
