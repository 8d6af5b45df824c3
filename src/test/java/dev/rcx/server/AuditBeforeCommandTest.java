package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit record comes before the command: a command's {@code command_started} record is written
 * before its process exists, and a command whose record cannot be written never runs. Proven on a
 * real full disk (a small tmpfs holding the data directory), with {@code touch} as the effect.
 */
class AuditBeforeCommandTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void command_auditDiskFull_neverRunsUnrecorded_typedErrorAndConnectionStaysOpen()
      throws Exception {
    Path markers = Files.createDirectories(dir.resolve("markers"));
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("data"), 512 * 1024);
        TestServer s =
            TestServer.builder(dir)
                // No free-space reserve: this test is about a write that fails.
                .config(c -> c.withAudit(c.audit().withMinFreeBytes(0)))
                .commands(
                    c ->
                        c.command(
                            "touch",
                            "/usr/bin/touch",
                            e -> e.maxArgs(1).patterns("/[A-Za-z0-9/._-]+")))
                .start()) {
      s.addUser("alice", "pw");
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        Path first = markers.resolve("before-full");
        assertThat(c.exec("touch " + first)).isInstanceOf(Response.CommandOutput.class);
        assertThat(first).exists();

        fs.fill();
        List<Path> ran = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 12; i++) {
          Path marker = markers.resolve("m" + i);
          Response r = c.exec("touch " + marker);
          if (r instanceof Response.Error e && e.message().contains("not started")) {
            assertThat(e.code()).as("reply %s", e).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
            assertThat(marker).as("a refused command must not have run").doesNotExist();
            refused++;
          } else if (r instanceof Response.Error e) {
            // Its start record fitted, the pid record after the launch did not: the command was
            // killed, and may have run before that; it is on record either way (checked below).
            assertThat(e.code()).as("reply %s", e).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
            assertThat(e.message()).contains("was killed");
            ran.add(marker);
          } else {
            // Only while the file's last page still had room for the records.
            assertThat(r).isInstanceOf(Response.CommandOutput.class);
            assertThat(marker).exists();
          }
        }
        // How many records the file's last page still takes varies (record sizes, seals): once it
        // is
        // full, every command is refused. 8 of 12 was seen on a loaded machine.
        assertThat(refused).as("commands refused on the full disk").isGreaterThanOrEqualTo(6);
        // Still answered, not dropped: the connection and its session stay usable.
        assertThat(c.ping()).isInstanceOf(Response.Pong.class);

        List<String> started =
            s.auditEvents("command_started").stream()
                .map(e -> e.path("argv").path(1).asText())
                .toList();
        assertThat(started).contains(first.toString());
        for (Path p : ran) {
          assertThat(started)
              .as("every command that ran has its start record")
              .contains(p.toString());
        }
        // Every marker on disk has a start record; nothing ran unrecorded.
        try (var files = Files.list(markers)) {
          for (Path p : files.toList()) {
            assertThat(started).as("start record of %s", p).contains(p.toString());
          }
        }
      }
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void command_startRecord_precedesLaunchAndEndRecordNamesIt() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", "pw");
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        assertThat(c.exec("echo hi")).isInstanceOf(Response.CommandOutput.class);
      }
      List<JsonNode> events = s.auditEvents();
      List<String> names = events.stream().map(e -> e.path("event").asText()).toList();
      int started = names.indexOf("command_started");
      int launched = names.indexOf("command_launched");
      int run = names.indexOf("command_run");
      assertThat(started).isNotNegative().isLessThan(launched);
      assertThat(launched).isLessThan(run);
      String id = events.get(started).path("command_id").asText();
      assertThat(id).matches("[0-9a-f]{16}");
      assertThat(events.get(launched).path("command_id").asText()).isEqualTo(id);
      assertThat(events.get(run).path("command_id").asText()).isEqualTo(id);
      assertThat(events.get(started).path("argv").path(0).asText()).isEqualTo("/bin/echo");
      assertThat(events.get(started).path("user").asText()).isEqualTo("alice");
      assertThat(events.get(started).path("session").asText())
          .isEqualTo(events.get(run).path("session").asText());
      assertThat(events.get(launched).path("pid").asLong()).isPositive();
      assertThat(events.get(launched).path("start_time").isIntegralNumber()).isTrue();
    }
  }
}
