package dev.rcx.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcx.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Session tokens kept on disk between invocations ({@code rcx login}), one file per server and
 * user: {@code DIR/USER@HOST:PORT.json} with every character outside {@code [A-Za-z0-9.-]}
 * percent-encoded, so names never collide or leave the directory. The directory is created mode 700
 * and each file is written atomically with mode 600 from its creation on; a file readable by others
 * is refused, as ssh refuses a readable private key.
 *
 * <p>File format (JSON): {@code {"server":"host:port","user":"alice","token":"...",
 * "expires_at":"2026-12-01T18:00:00Z","idle_timeout_s":900,"last_used":"2026-12-01T10:00:00Z"}}.
 */
public final class SessionStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");

  private final Path dir;
  private final Clock clock;

  public SessionStore(Path dir, Clock clock) {
    this.dir = dir;
    this.clock = clock;
  }

  public Path dir() {
    return dir;
  }

  public Instant now() {
    return clock.instant();
  }

  /** The file that holds the session of {@code user} on {@code server}. */
  public Path file(String server, String user) {
    return dir.resolve(baseName(server, user) + ".json");
  }

  /**
   * A file name for {@code user} on {@code server} that never collides with another pair and never
   * leaves its directory (also used for the shell's history files).
   */
  public static String baseName(String server, String user) {
    return encode(user) + "@" + encode(server);
  }

  /** The cached session of {@code user} on {@code server}, valid or not, if there is one. */
  public Optional<CachedSession> find(String server, String user) throws IOException {
    Path f = file(server, user);
    try {
      return Optional.of(read(f));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Stores a session from a fresh login answer, used now. */
  public CachedSession save(
      String server, String user, String token, long expiresInSeconds, long idleTimeoutSeconds)
      throws IOException {
    Instant now = clock.instant();
    CachedSession s =
        new CachedSession(
            server,
            user,
            token,
            now.plusSeconds(expiresInSeconds),
            Duration.ofSeconds(idleTimeoutSeconds),
            now);
    write(s);
    return s;
  }

  /** Records that {@code s} was just used, which moves its idle expiry. */
  public CachedSession touch(CachedSession s) throws IOException {
    CachedSession used = s.usedAt(clock.instant());
    write(used);
    return used;
  }

  /** Deletes the session file; true if there was one. */
  public boolean delete(String server, String user) throws IOException {
    return Files.deleteIfExists(file(server, user));
  }

  /**
   * Every cached session, ordered by server then user; unreadable files are reported, not skipped.
   */
  public List<CachedSession> list() throws IOException {
    List<CachedSession> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        out.add(read(f));
      }
    }
    out.sort(Comparator.comparing(CachedSession::server).thenComparing(CachedSession::user));
    return out;
  }

  private CachedSession read(Path f) throws IOException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(f);
    if (!FILE_MODE.containsAll(mode)) {
      throw new IOException(
          "session file "
              + f
              + " is readable or writable by others (mode "
              + PosixFilePermissions.toString(mode)
              + "); delete it and log in again");
    }
    try {
      JsonNode n = JSON.readTree(Files.readAllBytes(f));
      return new CachedSession(
          text(n, "server"),
          text(n, "user"),
          text(n, "token"),
          Instant.parse(text(n, "expires_at")),
          Duration.ofSeconds(n.path("idle_timeout_s").asLong()),
          Instant.parse(text(n, "last_used")));
    } catch (IOException | RuntimeException e) {
      if (e instanceof NoSuchFileException nsf) {
        throw nsf;
      }
      throw new IOException(
          "session file " + f + " is damaged (" + e.getMessage() + "); delete it and log in again",
          e);
    }
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("missing text field '" + key + "'");
    }
    return v.textValue();
  }

  private void write(CachedSession s) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("server", s.server());
    o.put("user", s.user());
    o.put("token", s.token());
    o.put("expires_at", s.expiresAt().toString());
    o.put("idle_timeout_s", s.idleTimeout().toSeconds());
    o.put("last_used", s.lastUsed().toString());
    byte[] content = (o.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
    }
    AtomicFiles.replace(file(s.server(), s.user()), content, FILE_MODE);
  }

  /**
   * Percent-encodes every byte outside {@code [A-Za-z0-9.-]} (so '@', '/' and '%' never appear
   * raw).
   */
  static String encode(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '-') {
        b.append(c);
      } else {
        b.append('%').append(String.format("%02X", x & 0xff));
      }
    }
    String out = b.toString();
    // "." and ".." alone are directory names; a leading dot would hide the file.
    return out.startsWith(".") ? "%2E" + out.substring(1) : out;
  }
}
