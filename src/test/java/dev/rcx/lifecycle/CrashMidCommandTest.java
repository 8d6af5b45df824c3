package dev.rcx.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.auth.UserStore;
import dev.rcx.client.RcxClient;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestCommands;
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
 * A real {@code rcx server} process killed with SIGKILL while a command runs: the command is on
 * record anyway, because its {@code command_started} (and {@code command_launched}, with the pid)
 * were written before and right after the launch, not when it ended.
 */
class CrashMidCommandTest {
  @TempDir Path dir;

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void kill9_midCommand_startAndPidAreInTheLog() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    UserStore.open(data.resolve("users.json")).add("alice", "pw".toCharArray(), Set.of());
    TestCommands commands = TestCommands.standard(dir.resolve("commands"));
    Path commandsFile = commands.write();
    Path log = data.resolve("audit.log");
    long childPid = -1;
    try (ServerProcess server = ServerProcess.start(data, commandsFile, null)) {
      RcxClient c = server.loggedIn("alice", "pw", Duration.ofSeconds(60));
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  c.exec("pidsleep");
                } catch (Exception e) {
                  // The server dies mid-command; no reply is expected.
                }
              });
      childPid = SigtermTest.awaitPids(commands.pidFile("pidsleep"), 1).getFirst();
      // The pid record follows the launch by a moment; the start record preceded it.
      Poll.until(
          "command_launched in the log",
          Duration.ofSeconds(20),
          () -> Files.exists(log) && read(log).contains("\"command_launched\""));
      server.kill();
    } finally {
      if (childPid > 0) {
        ProcessHandle.of(childPid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    List<JsonNode> events = SigtermTest.events(log);
    JsonNode started =
        events.stream()
            .filter(e -> e.path("event").asText().equals("command_started"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no command_started in " + events));
    assertThat(started.path("command").asText()).isEqualTo("pidsleep");
    assertThat(started.path("user").asText()).isEqualTo("alice");
    assertThat(started.path("argv").path(0).asText())
        .isEqualTo(commands.scriptFile("pidsleep").toString());
    String id = started.path("command_id").asText();
    JsonNode launched =
        events.stream()
            .filter(e -> e.path("event").asText().equals("command_launched"))
            .findFirst()
            .orElseThrow();
    assertThat(launched.path("command_id").asText()).isEqualTo(id);
    assertThat(launched.path("pid").asLong()).isEqualTo(childPid);
    assertThat(events)
        .noneMatch(
            e ->
                e.path("event").asText().equals("command_run")
                    && e.path("command_id").asText().equals(id));
  }
}
