package dev.rcx.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.auth.UserStore;
import dev.rcx.client.RcxClient;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands do not outlive their server: a real {@code rcx server} process is killed with SIGKILL
 * while a command runs. Its orphan guard kills the command at once, without a restart; with the
 * guard off, the next start of the server kills it (checking the recorded start time) and records
 * {@code command_abandoned}.
 */
class OrphanedCommandTest {
  private static final List<String> NATIVE = List.of("--enable-native-access=ALL-UNNAMED");

  @TempDir Path dir;

  private Path data;
  private TestCommands commands;
  private Path commandsFile;

  private void setUp(String sleepSeconds, String timeout) throws IOException {
    data = Files.createDirectories(dir.resolve("data"));
    UserStore.open(data.resolve("users.json")).add("alice", "pw".toCharArray(), Set.of());
    commands = TestCommands.in(dir.resolve("commands"));
    Path pids = commands.pidFile("job");
    commands.script(
        "job",
        "mkdir -p '"
            + pids.getParent()
            + "'\necho $$ > '"
            + pids
            + "'\nsleep "
            + sleepSeconds
            + "\ntouch '"
            + ranToTheEnd()
            + "'",
        e -> e.timeout(timeout));
    commandsFile = commands.write();
  }

  /** Written by {@code job} only if nothing killed it before its sleep ended. */
  private Path ranToTheEnd() {
    return dir.resolve("job-ran-to-the-end");
  }

  /**
   * Starts {@code job} on a connection of its own; returns its pid once the launch is on record.
   */
  private long startJob(ServerProcess server) throws IOException {
    RcxClient c = server.loggedIn("alice", "pw", Duration.ofSeconds(60));
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                c.exec("job");
              } catch (IOException e) {
                // The server is killed mid-command: no reply.
              }
            });
    long pid = SigtermTest.awaitPids(commands.pidFile("job"), 1).getFirst();
    Poll.until(
        "command_launched on record",
        Duration.ofSeconds(20),
        () -> text(data.resolve("audit.log")).contains("\"command_launched\""));
    return pid;
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void kill9_at1500ms_of3sTimeoutSleep5_guardKillsItWithoutRestart_restartRecordsAbandoned()
      throws Exception {
    setUp("5", "3s");
    long pid;
    long killedAt;
    try (ServerProcess server = ServerProcess.start(data, commandsFile, null, NATIVE)) {
      long sent = System.nanoTime();
      pid = startJob(server);
      long wait = Duration.ofMillis(1500).toNanos() - (System.nanoTime() - sent);
      if (wait > 0) {
        Thread.sleep(Duration.ofNanos(wait));
      }
      server.kill();
      killedAt = System.nanoTime();
    }
    // Left alone it would live until 5 s after its start (3.5 s from now); its timeout died with
    // the server. The guard must end it well before either.
    Poll.until(
        "command pid " + pid + " dead", Duration.ofSeconds(10), () -> !ServerProcess.running(pid));
    Duration deadAfter = Duration.ofNanos(System.nanoTime() - killedAt);
    System.out.println(
        "orphan guard: command dead " + deadAfter.toMillis() + " ms after the server's SIGKILL");
    // What proves the guard, on a loaded machine too: the job never reached its end (its sleep
    // would have ended 3.5 s after the kill). The time is printed; 10 s only bounds the wait.
    Thread.sleep(Math.max(0, Duration.ofMillis(4500).minus(deadAfter).toMillis()));
    assertThat(ranToTheEnd()).as("job killed before its sleep ended").doesNotExist();

    try (ServerProcess restarted = ServerProcess.start(data, commandsFile, null, NATIVE)) {
      JsonNode abandoned = only(events("command_abandoned"));
      assertThat(abandoned.path("pid").asLong()).isEqualTo(pid);
      assertThat(abandoned.path("outcome").asText()).isEqualTo("gone");
      assertThat(abandoned.path("command_id").asText())
          .isEqualTo(only(events("command_started")).path("command_id").asText());
      assertThat(restarted.terminate(Duration.ofSeconds(30))).isZero();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void kill9_withoutGuard_commandSurvives_restartKillsItAndRecordsAbandoned() throws Exception {
    setUp("60", "30s");
    long pid;
    List<String> noGuard = List.of(NATIVE.getFirst(), "-Drcx.exec.orphan_guard=false");
    try (ServerProcess server = ServerProcess.start(data, commandsFile, null, noGuard)) {
      pid = startJob(server);
      server.kill();
    }
    try {
      Thread.sleep(500);
      assertThat(ServerProcess.running(pid))
          .as("no guard: the command outlives its server")
          .isTrue();
      try (ServerProcess restarted = ServerProcess.start(data, commandsFile, null, noGuard)) {
        // Reconciled before the server listens: dead by the time start() returned.
        assertThat(ServerProcess.running(pid)).as("command after the restart").isFalse();
        JsonNode abandoned = only(events("command_abandoned"));
        assertThat(abandoned.path("pid").asLong()).isEqualTo(pid);
        assertThat(abandoned.path("outcome").asText()).isEqualTo("killed");
        List<String> names =
            SigtermTest.events(data.resolve("audit.log")).stream()
                .map(e -> e.path("event").asText())
                .toList();
        assertThat(names.indexOf("command_abandoned"))
            .as("reconciled before the new server_started")
            .isLessThan(names.lastIndexOf("server_started"));
        assertThat(restarted.terminate(Duration.ofSeconds(30))).isZero();
      }
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private List<JsonNode> events(String name) throws IOException {
    return SigtermTest.events(data.resolve("audit.log")).stream()
        .filter(e -> e.path("event").asText().equals(name))
        .toList();
  }

  private static JsonNode only(List<JsonNode> events) {
    assertThat(events).hasSize(1);
    return events.getFirst();
  }

  private static String text(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
