package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
