package dev.rcx.syslog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The cursor file ({@code DATA_DIR/syslog.cursor}): the seq and line hash of the last record the
 * collector received, as {@code {"seq":N,"hash":"..."}}. Replaced atomically (temporary file,
 * fsync, rename, fsync of the directory), so a crash leaves the old cursor or the new one; the hash
 * tells a record from a different log's record with the same seq (a log moved aside).
 */
final class Cursor {
  static final String FILE = "syslog.cursor";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The last record delivered. */
  record Position(long seq, String hash) {}

  private final Path file;

  Cursor(Path dataDir) {
    this.file = dataDir.resolve(FILE);
  }

  Path file() {
    return file;
  }

  /**
   * The position stored, or null when there is no cursor file yet.
   *
   * @throws IOException if the file exists but cannot be read or is not a cursor (the message names
   *     the file)
   */
  @Nullable Position read() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(bytes);
      JsonNode seq = n == null ? null : n.get("seq");
      JsonNode hash = n == null ? null : n.get("hash");
      if (seq == null
          || !seq.canConvertToLong()
          || seq.longValue() < 0
          || hash == null
          || !hash.isTextual()) {
        throw new IOException("expected {\"seq\":N,\"hash\":\"...\"}");
      }
      return new Position(seq.longValue(), hash.textValue());
    } catch (IOException e) {
      throw new IOException("cursor file " + file + " is not a cursor: " + e.getMessage(), e);
    }
  }

  /** Stores {@code p} durably before returning (replaced atomically, fsynced, mode 600). */
  void write(Position p) throws IOException {
    AtomicFiles.replace(
        file,
        ("{\"seq\":" + p.seq() + ",\"hash\":\"" + p.hash() + "\"}\n")
            .getBytes(StandardCharsets.US_ASCII));
  }
}
