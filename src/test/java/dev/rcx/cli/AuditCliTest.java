package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.audit.AuditEvent;
import dev.rcx.audit.AuditLog;
import dev.rcx.client.RcxClient;
import dev.rcx.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code rcx audit verify|tail} on a log a real server wrote. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuditCliTest {
  @TempDir Path dir;

  /** Runs a server through a few commands and stops it; returns its data directory. */
  private Path serverHistory() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", "pw");
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        c.exec("echo", List.of("audited-word"));
        c.exec("exit 3");
        c.exec("rm -rf /");
      }
      return s.dataDir();
    }
  }

  @Test
  void verify_intactLog_exit0() throws Exception {
    Path data = serverHistory();
    Cli.Result r = Cli.run("audit", "verify", "--data-dir", data.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("OK:").contains("intact");
  }

  @Test
  void verify_editedRecord_exit1NamingTheLine() throws Exception {
    Path data = serverHistory();
    Path log = data.resolve("audit.log");
    List<String> lines = Files.readAllLines(log);
    int target = -1;
    for (int i = 0; i < lines.size() && target < 0; i++) {
      if (lines.get(i).contains("audited-word")) {
        target = i;
      }
    }
    assertThat(target).as("the echo record").isNotNegative().isLessThan(lines.size() - 1);
    lines.set(target, lines.get(target).replace("audited-word", "innocent-word"));
    Files.write(log, lines);

    Cli.Result r = Cli.run("audit", "verify", "--file", log.toString());
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).startsWith("TAMPERED:").contains("line " + (target + 2));
  }

  @Test
  void verify_deletedRecord_exit1() throws Exception {
    Path data = serverHistory();
    Path log = data.resolve("audit.log");
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(log));
    lines.remove(3);
    Files.write(log, lines);
    assertThat(Cli.run("audit", "verify", "--data-dir", data.toString()).code()).isEqualTo(1);
  }

  @Test
  void verifyAndTail_commandStartedWithoutEnd_shownAsRunningOrAbandoned_notAnError()
      throws Exception {
    Path log = dir.resolve("audit.log");
    String client = "127.0.0.1:5555";
    try (AuditLog a = AuditLog.open(log, java.time.Clock.systemUTC())) {
      a.append(
          new AuditEvent.CommandStarted(
              client, "alice", "s1", "00aa", "sleep", List.of("/bin/sleep", "60"), 30_000));
      a.append(new AuditEvent.CommandLaunched(client, "alice", "s1", "00aa", 4242, 4242L, 7L));
      a.append(
          new AuditEvent.CommandStarted(
              client, "alice", "s1", "00bb", "echo", List.of("/bin/echo", "x"), 30_000));
      a.append(
          new AuditEvent.CommandRun(
              client,
              "alice",
              "s1",
              "00bb",
              "echo",
              List.of("/bin/echo", "x"),
              0,
              AuditEvent.CommandRun.COMPLETED,
              1,
              2,
              0,
              false));
    }
    Cli.Result verify = Cli.run("audit", "verify", "--file", log.toString());
    assertThat(verify.code()).as(verify.toString()).isZero();
    assertThat(verify.out())
        .startsWith("OK:")
        .contains("1 command(s) started without an end record")
        .contains("id=00aa")
        .contains("pid=4242")
        .doesNotContain("00bb");

    Cli.Result tail = Cli.run("audit", "tail", "--file", log.toString());
    assertThat(tail.code()).as(tail.toString()).isZero();
    List<String> lines = tail.out().lines().toList();
    assertThat(lines)
        .filteredOn(l -> l.contains("command_started") && l.contains("id=00aa"))
        .singleElement()
        .asString()
        .contains("[no end record yet: running, or abandoned if the server died]");
    assertThat(lines)
        .filteredOn(l -> l.contains("command_started") && l.contains("id=00bb"))
        .singleElement()
        .asString()
        .doesNotContain("no end record");
  }

  @Test
  void verify_noLog_exit2NotTheTamperedCode() {
    Cli.Result r = Cli.run("audit", "verify", "--data-dir", dir.toString());
    assertThat(r.code()).as("2: nothing to verify, told apart from 1: tampered").isEqualTo(2);
    assertThat(r.err()).contains("no audit log at " + dir.resolve("audit.log"), "--data-dir");
  }

  @Test
  void tail_printsLastRecordsReadably() throws Exception {
    Path data = serverHistory();
    Cli.Result r = Cli.run("audit", "tail", "-n", "6", "--data-dir", data.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(6);
    // A clean close seals the last epoch: server_stopped is followed only by that seal.
    assertThat(lines.get(lines.size() - 2)).contains("server_stopped");
    assertThat(lines.getLast()).contains("seal").contains("reason=close");
    assertThat(r.out()).contains("command_denied");
    assertThat(lines).noneMatch(l -> l.startsWith("{"));
  }

  @Test
  void tail_json_printsRawLines() throws Exception {
    Path data = serverHistory();
    Cli.Result r = Cli.run("audit", "tail", "--json", "-n", "2", "--data-dir", data.toString());
    assertThat(r.code()).isZero();
    List<String> all = Files.readAllLines(data.resolve("audit.log"));
    assertThat(r.out().lines().toList())
        .containsExactlyElementsOf(all.subList(all.size() - 2, all.size()));
  }

  @Test
  void tail_nonPositiveCount_usage() throws Exception {
    Path data = serverHistory();
    assertThat(Cli.run("audit", "tail", "-n", "0", "--data-dir", data.toString()).code())
        .isEqualTo(254);
  }
}
