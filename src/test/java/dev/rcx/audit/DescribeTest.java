package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.audit.AuditEvent.AuthFailed;
import dev.rcx.audit.AuditEvent.CommandRun;
import dev.rcx.testing.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class DescribeTest {
  @TempDir Path dir;

  private static String line(AuditEvent e) {
    byte[] body = RecordEncoder.body(e);
    byte[] line =
        RecordEncoder.line(42, Instant.parse("2026-11-27T10:00:00.123Z"), body, Hashes.ZERO);
    return new String(line, StandardCharsets.US_ASCII);
  }

  @Test
  void describe_commandRun_showsWhoArgvExitAndDuration() {
    String s =
        AuditLog.describe(
            line(
                new CommandRun(
                    "127.0.0.1:5555",
                    "alice",
                    "ab12cd34ef56",
                    "ls",
                    List.of("/usr/bin/ls", "-la"),
                    0,
                    CommandRun.COMPLETED,
                    12,
                    10,
                    0,
                    false)));
    assertThat(s)
        .isEqualTo(
            "2026-11-27T10:00:00.123Z #42 command_run alice@127.0.0.1:5555 s=ab12cd34.. argv=[/usr/bin/ls, -la] exit=0 12ms");
  }

  @Test
  void describe_timedOutCommand_showsOutcomeAndMissingExit() {
    String s =
        AuditLog.describe(
            line(
                new CommandRun(
                    "127.0.0.1:5555",
                    "alice",
                    "s1",
                    "sleep",
                    List.of("/bin/sleep", "9"),
                    null,
                    CommandRun.TIMED_OUT,
                    5000,
                    0,
                    0,
                    true)));
    assertThat(s).endsWith("s=s1 argv=[/bin/sleep, 9] exit=- timed_out 5000ms truncated");
  }

  @Test
  void describe_otherEvent_listsItsOwnFields() {
    String s =
        AuditLog.describe(line(new AuthFailed("10.0.0.1:40000", "mallory", "bad credentials")));
    assertThat(s)
        .isEqualTo(
            "2026-11-27T10:00:00.123Z #42 auth_failed mallory@10.0.0.1:40000 reason=\"bad credentials\"");
  }

  @Test
  void describe_serverEvent_showsDashForWho() {
    String s = AuditLog.describe(line(new AuditEvent.ServerStopped("SIGTERM")));
    assertThat(s).isEqualTo("2026-11-27T10:00:00.123Z #42 server_stopped - reason=SIGTERM");
  }

  @Test
  void describe_terminalEscapesAndBidiControls_areShownEscaped() {
    String s = AuditLog.describe(line(new AuthFailed("10.0.0.1:1", "ev\u001b[2Jil\u202e", "x\ny")));
    assertThat(s)
        .contains("\"ev\\u001b[2Jil\\u202e\"@")
        .contains("reason=\"x\\u000ay\"")
        .doesNotContain("\u001b")
        .doesNotContain("\u202e")
        .doesNotContain("\n");
  }

  @Test
  void describe_notJson_saysUnparseable() {
    assertThat(AuditLog.describe("garbage\u001b")).isEqualTo("unparseable: \"garbage\\u001b\"");
  }

  @Test
  void tail_largeLog_returnsTheLastLinesOldestFirst() throws IOException {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED)) {
      for (int i = 1; i <= 3000; i++) {
        log.append(Samples.command("alice", i));
      }
    }
    List<String> tail = AuditLog.tail(file, 3);
    assertThat(tail).containsExactlyElementsOf(Files.readAllLines(file).subList(2997, 3000));
    assertThat(AuditLog.describe(tail.get(2))).contains("#3000 ");
  }

  @Test
  void tail_moreThanTheFileHolds_returnsEverything() throws IOException {
    Path file = dir.resolve("audit.log");
    try (AuditLog log =
        AuditLog.open(file, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Samples.UNSEALED)) {
      log.append(Samples.command("alice", 1));
      log.append(Samples.command("alice", 2));
    }
    assertThat(AuditLog.tail(file, 10)).hasSize(2);
    assertThat(AuditLog.tail(file, 0)).isEmpty();
  }

  @Test
  void tail_tornLastLine_isLeftOut() throws IOException {
    Path file = dir.resolve("audit.log");
    try (AuditLog log =
        AuditLog.open(file, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Samples.UNSEALED)) {
      log.append(Samples.command("alice", 1));
    }
    Files.writeString(file, "{\"seq\":2,", StandardOpenOption.APPEND);
    assertThat(AuditLog.tail(file, 5)).hasSize(1).allMatch(l -> l.startsWith("{\"seq\":1,"));
  }

  @Test
  void tail_emptyFile_isEmpty() throws IOException {
    Path file = dir.resolve("audit.log");
    Files.writeString(file, "");
    assertThat(AuditLog.tail(file, 5)).isEmpty();
  }
}
