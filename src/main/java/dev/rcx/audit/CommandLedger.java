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
  private static final byte[] ROTATED =
      "\"event\":\"audit_rotated\"".getBytes(StandardCharsets.US_ASCII);

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

    /** This launch's pid, group and start time on {@code started}'s start record. */
    Open withStart(Open started) {
      Long launchedPid = pid;
      return launchedPid == null ? started : started.launched(launchedPid, processGroup, startTime);
    }
  }

  private final Map<String, Open> open = new LinkedHashMap<>();

  /** Ids ended in this ledger's lines whose start it did not see (started in an earlier file). */
  private final java.util.Set<String> endedElsewhere = new java.util.HashSet<>();

  /** Launches in this ledger's lines of commands it did not see start, by id. */
  private final Map<String, Open> launchedElsewhere = new LinkedHashMap<>();

  /** The {@code open_commands} of the {@code audit_rotated} record that began the file, if any. */
  private @Nullable List<String> carried;

  /** Feeds one log line (without its newline); lines that are not command records are ignored. */
  void accept(byte[] line, int length) {
    if (carried == null && contains(line, length, ROTATED)) {
      try {
        JsonNode r = Json.object(line, length);
        if (r.path("event").asText("").equals("audit_rotated")) {
          List<String> ids = new ArrayList<>();
          r.path("open_commands").forEach(id -> ids.add(id.asText()));
          carried = ids;
          return;
        }
      } catch (IllegalArgumentException e) {
        return;
      }
    }
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
      case "command_launched" -> {
        Open o = open.containsKey(id) ? open.get(id) : unknownStart(id);
        Open launched =
            o.launched(
                n.path("pid").asLong(),
                nullableLong(n.get("process_group")),
                nullableLong(n.get("start_time")));
        if (open.containsKey(id)) {
          open.put(id, launched);
        } else {
          launchedElsewhere.put(id, launched);
        }
      }
      case "command_run", "command_abandoned" -> {
        if (open.remove(id) == null) {
          endedElsewhere.add(id);
          launchedElsewhere.remove(id);
        }
      }
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

  /**
   * Like {@link #scan}, over every file of the log whose current file is {@code currentLog} (see
   * {@link AuditFiles}), reading back from the newest only as far as needed: each file after a
   * rotation begins with the ids of the commands open at that moment, so older files are read only
   * while one of those has no end record yet. A command whose start record is in a file that was
   * archived away is returned with what later files say of it ({@code seq} 0, empty texts, and its
   * pid if its launch was recorded later).
   *
   * @throws AuditException if a file cannot be read
   */
  public static List<Open> scanAll(Path currentLog) {
    List<AuditFiles.Segment> files = AuditFiles.list(currentLog);
    List<Open> found = new ArrayList<>();
    java.util.Set<String> endedLater = new java.util.HashSet<>();
    Map<String, Open> launchedLater = new LinkedHashMap<>();
    java.util.Set<String> needed = null; // ids whose start is in an earlier file
    for (int i = files.size() - 1; i >= 0; i--) {
      CommandLedger ledger = read(files.get(i).path());
      List<Open> here = new ArrayList<>();
      for (Open o : ledger.open()) {
        if (endedLater.contains(o.commandId())) {
          continue;
        }
        Open later = launchedLater.remove(o.commandId());
        here.add(o.pid() == null && later != null ? later.withStart(o) : o);
      }
      found.addAll(0, here);
      if (needed != null) {
        needed.removeAll(ledger.open.keySet());
      }
      endedLater.addAll(ledger.endedElsewhere);
      ledger.launchedElsewhere.forEach(launchedLater::putIfAbsent);
      java.util.Set<String> stillNeeded = new java.util.LinkedHashSet<>();
      if (needed != null) {
        stillNeeded.addAll(needed);
      }
      if (ledger.carried != null) {
        for (String id : ledger.carried) {
          if (!endedLater.contains(id)) {
            stillNeeded.add(id);
          }
        }
      }
      stillNeeded.removeAll(endedLater);
      needed = stillNeeded;
      if (ledger.carried == null || needed.isEmpty()) {
        needed = java.util.Set.of();
        break; // the chain starts here, or nothing older is still open
      }
    }
    for (String id : needed == null ? java.util.Set.<String>of() : needed) {
      Open later = launchedLater.get(id);
      found.add(0, later != null ? later : unknownStart(id));
    }
    return List.copyOf(found);
  }

  private static Open unknownStart(String id) {
    return new Open(0, "", id, "", "", "", List.of(), null, null, null);
  }

  private static CommandLedger read(Path file) {
    CommandLedger ledger = new CommandLedger();
    try (InputStream in = Files.newInputStream(file)) {
      LineReader reader = new LineReader(in);
      for (Line line = reader.next(); line != null; line = reader.next()) {
        if (line.terminated() && !line.overlong()) {
          ledger.accept(line.bytes(), line.length());
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return ledger; // rotated away while we looked: it held nothing we still need
    } catch (IOException e) {
      throw new AuditException("cannot read audit log " + file + ": " + e.getMessage(), e);
    }
    return ledger;
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
