package dev.rcx.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.audit.LineReader.Line;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Pairs each {@code command_started} record with its end ({@code command_run} or {@code
 * command_abandoned}, linked by {@code command_id}) and keeps the commands that have none: running
 * now, or left behind by a server that died. Reading a log with commands in flight is normal, not
 * an error of the log, so lines that cannot be read are skipped here (verification reports them).
 */
public final class CommandLedger {
  private static final byte[] MARKER = "\"command_id\":\"".getBytes(StandardCharsets.US_ASCII);

  /**
   * A command without an end record. {@code pid}, {@code processGroup} and {@code startTime} come
   * from its {@code command_launched} record and are null when there is none (the server died
   * before or during the launch, or the record predates them).
   */
  public record Open(
      long seq,
      String ts,
      String commandId,
      String client,
      String user,
      String command,
      List<String> argv,
      @Nullable Long pid,
      @Nullable Long processGroup,
      @Nullable Long startTime) {
    public Open {
      argv = List.copyOf(argv);
    }

    /** One line for people; every client-supplied value is escaped as in {@code audit tail}. */
    public String describe() {
      return Describer.safe(ts)
          + " #"
          + seq
          + " id="
          + Describer.safe(commandId)
          + " "
          + Describer.safe(user)
          + "@"
          + Describer.safe(client)
          + " argv="
          + argv.stream().map(Describer::safe).toList()
          + (pid == null ? " (no pid recorded)" : " pid=" + pid);
    }

    Open launched(long newPid, @Nullable Long group, @Nullable Long start) {
      return new Open(seq, ts, commandId, client, user, command, argv, newPid, group, start);
    }
  }

  private final Map<String, Open> open = new LinkedHashMap<>();

  /** Feeds one log line (without its newline); lines that are not command records are ignored. */
  void accept(byte[] line, int length) {
    if (!contains(line, length, MARKER)) {
      return;
    }
    JsonNode n;
    try {
      n = Json.object(line, length);
    } catch (IllegalArgumentException e) {
      return;
    }
    String id = n.path("command_id").asText(null);
    if (id == null) {
      return;
    }
    switch (n.path("event").asText("")) {
      case "command_started" -> {
        List<String> argv = new ArrayList<>();
        n.path("argv").forEach(a -> argv.add(a.asText()));
        open.put(
            id,
            new Open(
                n.path("seq").asLong(),
                n.path("ts").asText(""),
                id,
                n.path("client").asText(""),
                n.path("user").asText(""),
                n.path("command").asText(""),
                argv,
                null,
                null,
                null));
      }
      case "command_launched" ->
          open.computeIfPresent(
              id,
              (k, o) ->
                  o.launched(
                      n.path("pid").asLong(),
                      nullableLong(n.get("process_group")),
                      nullableLong(n.get("start_time"))));
      case "command_run", "command_abandoned" -> open.remove(id);
      default -> {}
    }
  }

  /** Commands started and not ended so far, oldest first. */
  public List<Open> open() {
    return List.copyOf(open.values());
  }

  /** The ids of the started commands among {@code lines} that have no end record after them. */
  static java.util.Set<String> openIds(List<String> lines) {
    CommandLedger ledger = new CommandLedger();
    for (String l : lines) {
      byte[] b = l.getBytes(StandardCharsets.UTF_8);
      ledger.accept(b, b.length);
    }
    return new java.util.HashSet<>(ledger.open.keySet());
  }

  /**
   * Reads {@code file} from the start and returns the commands it records as started but never
   * ended. An incomplete last line is ignored.
   *
   * @throws AuditException if the file cannot be read
   */
  public static List<Open> scan(Path file) {
    CommandLedger ledger = new CommandLedger();
    try (InputStream in = Files.newInputStream(file)) {
      LineReader reader = new LineReader(in);
      for (Line line = reader.next(); line != null; line = reader.next()) {
        if (line.terminated() && !line.overlong()) {
          ledger.accept(line.bytes(), line.length());
        }
      }
    } catch (IOException e) {
      throw new AuditException("cannot read audit log " + file + ": " + e.getMessage(), e);
    }
    return ledger.open();
  }

  private static @Nullable Long nullableLong(@Nullable JsonNode v) {
    return v == null || !v.isIntegralNumber() ? null : v.longValue();
  }

  private static boolean contains(byte[] line, int length, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (line[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
