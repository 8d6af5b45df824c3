package dev.rcx.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcx.files.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The pending-changes journal beside the users file ({@code users.journal}): one JSON line per
 * change, appended and forced to disk before the users file is replaced, and emptied by the server
 * once it has copied the lines into the audit log. Callers hold the users file's write lock.
 *
 * <p>A last line without its newline is what a crash during the append leaves; the change it
 * describes was never made (the users file is replaced only after a whole line is on disk), so it
 * is dropped. Any other line that does not parse is reported as {@link UserChange.Kind#UNREADABLE}.
 */
final class ChangeJournal {
  private static final JsonMapper JSON = new JsonMapper();
  private static final long MAX_BYTES = 16L << 20;

  private final Path file;

  ChangeJournal(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** Appends {@code change} and forces it to disk. */
  void append(UserChange change) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", change.id());
    n.put("time", change.time().toString());
    n.put("change", change.kind().wireName());
    n.put("user", change.user());
    change.roles().forEach(n.putArray("roles")::add);
    if (change.roles().isEmpty()) {
      n.putArray("roles");
    }
    n.put("by", change.by());
    n.put("pid", change.pid());
    byte[] line = (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(
            file,
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
            AtomicFiles.ownerOnly(file))) {
      ByteBuffer buf = ByteBuffer.wrap(line);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }

  /** The journaled changes in order; empty when there is no journal. */
  List<UserChange> read() throws IOException {
    byte[] content;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IOException("change journal " + file + " is larger than " + MAX_BYTES + " bytes");
      }
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    String text = new String(content, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n') + 1; // a torn last line is dropped, see the class comment
    List<UserChange> changes = new ArrayList<>();
    for (String line : text.substring(0, end).split("\n", 0)) {
      if (!line.isBlank()) {
        changes.add(parse(line));
      }
    }
    return changes;
  }

  /** Empties the journal (truncate and force), once its changes are recorded elsewhere. */
  void clear() throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(0);
      ch.force(true);
    } catch (NoSuchFileException e) {
      // nothing to clear
    }
  }

  private static UserChange parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      List<String> roles = new ArrayList<>();
      n.path("roles").forEach(r -> roles.add(r.asText()));
      return new UserChange(
          n.path("id").asText(),
          Instant.parse(n.path("time").asText()),
          UserChange.Kind.fromWire(n.path("change").asText()),
          n.path("user").asText(),
          roles,
          n.hasNonNull("by") ? n.get("by").asText() : null,
          n.path("pid").asLong());
    } catch (IOException | RuntimeException e) {
      return new UserChange(
          "-", Instant.EPOCH, UserChange.Kind.UNREADABLE, "?", List.of(), null, 0);
    }
  }
}
