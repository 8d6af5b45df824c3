package dev.rcx.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Checks that a pinned executable ({@code sha256:} in its whitelist entry) still has the pinned
 * content before it is run.
 *
 * <p>Hashing a binary on every command would cost a read of the whole file, so a hash is reused
 * while the file's identity and times are unchanged (device and inode, size, modification and
 * status-change time, as git's index does): replacing or rewriting the file changes its inode or
 * its ctime, which no unprivileged user can set back. The pin is a tripwire for a replaced binary,
 * not a boundary against root, who can replace a file between the check and the exec.
 */
public final class ExecutablePin {
  /** The file's identity and times when it was hashed. */
  private record Stamp(Object key, long size, FileTime modified, Object changed) {}

  private record Known(Stamp stamp, String sha256) {}

  private static final Map<Path, Known> CACHE = new ConcurrentHashMap<>();

  private ExecutablePin() {}

  /**
   * The executable's current SHA-256 when {@code rule} pins one that differs, or null when the rule
   * pins nothing or the file still matches.
   *
   * @throws UncheckedIOException if the file cannot be read (treat as a mismatch)
   */
  public static @Nullable String mismatch(CommandRule rule) {
    String want = rule.sha256();
    if (want == null) {
      return null;
    }
    String have = sha256(rule.executable());
    return want.equals(have) ? null : have;
  }

  /** Lower-case hex SHA-256 of {@code file}'s content. */
  public static String sha256(Path file) {
    try {
      Stamp stamp = stamp(file);
      Known known = CACHE.get(file);
      if (known != null && known.stamp().equals(stamp)) {
        return known.sha256();
      }
      String hex = digest(file);
      // Stamp after hashing too: a file that changed while it was read is not cached.
      if (stamp.equals(stamp(file))) {
        CACHE.put(file, new Known(stamp, hex));
      }
      return hex;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " to check its sha256: " + e, e);
    }
  }

  private static Stamp stamp(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return new Stamp(
        Objects.requireNonNullElse(a.fileKey(), file),
        a.size(),
        a.lastModifiedTime(),
        Objects.requireNonNullElse(Files.getAttribute(file, "unix:ctime"), "none"));
  }

  private static String digest(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
