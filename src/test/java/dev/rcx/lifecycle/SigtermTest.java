package dev.rcx.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.audit.AuditLog;
import dev.rcx.audit.VerifyResult;
import dev.rcx.auth.UserStore;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.Response;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestCommands;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on a real {@code rcx server} process: it stops accepting, refuses new commands, lets a
 * running command finish within {@code limits.shutdown_grace}, kills the process tree of one that
 * would outlive it, audits the shutdown and exits 0.
 */
class SigtermTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration GRACE = Duration.ofSeconds(3);
  // Not the common pool: on a 2-core machine it has one worker, which the first blocking exec would
  // hold.
  private static final Executor THREADS = Executors.newVirtualThreadPerTaskExecutor();
  private static final int TREE_SIZE = 7; // TestCommands.spawnTree depth 2: 1 + 2 + 4

  @TempDir Path dir;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void sigterm_runningCommands_shortOneFinishesLongTreeKilledAuditedExit0() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    UserStore.open(data.resolve("users.json")).add("alice", "pw".toCharArray(), Set.of());
    TestCommands commands = TestCommands.standard(dir.resolve("commands"));
    Path shortPid = dir.resolve("commands").resolve("pids").resolve("short.pid");
    commands.script(
        "short",
        "mkdir -p '"
            + shortPid.getParent()
            + "'\necho $$ > '"
            + shortPid
            + "'\nsleep 1.5\necho finished",
        e -> e.timeout("30s"));
    Path config =
        Files.writeString(
            dir.resolve("rcx.yaml"), "limits:\n  shutdown_grace: " + GRACE.toSeconds() + "s\n");

    try (ServerProcess server = ServerProcess.start(data, commands.write(), config);
        RcxClient longClient = server.loggedIn("alice", "pw", Duration.ofSeconds(60));
        RcxClient shortClient = server.loggedIn("alice", "pw", Duration.ofSeconds(60));
        RcxClient idleClient = server.loggedIn("alice", "pw", Duration.ofSeconds(60))) {
      CompletableFuture<Response> longRun =
          CompletableFuture.supplyAsync(() -> exec(longClient, "tree"), THREADS);
      List<Long> tree = awaitPids(commands.pidFile("tree"), TREE_SIZE);
      CompletableFuture<Response> shortRun =
          CompletableFuture.supplyAsync(() -> exec(shortClient, "short"), THREADS);
      Poll.until(
          "short command started",
          Duration.ofSeconds(20),
          () -> Files.exists(shortPid) && size(shortPid) > 0);

      long signalled = System.nanoTime();
      server.process().destroy(); // SIGTERM

      Poll.until("listener closed", Duration.ofSeconds(10), () -> !accepts(server.port()));
      Response refused = idleClient.exec("echo", List.of("late"));
      assertThat(refused)
          .isInstanceOfSatisfying(
              Response.Error.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVER_BUSY));

      Response shortReply = shortRun.get(30, TimeUnit.SECONDS);
      assertThat(shortReply)
          .isInstanceOfSatisfying(
              Response.CommandOutput.class,
              o -> {
                assertThat(o.output()).isEqualTo("finished\n");
                assertThat(o.exitCode()).isZero();
              });
      // Told why, as a typed error, rather than a dropped connection that looks like a network
      // fault.
      assertThat(longRun.get(30, TimeUnit.SECONDS))
          .as("reply to the command killed at the end of the grace period")
          .isInstanceOfSatisfying(
              Response.Error.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SERVER_SHUTDOWN);
                assertThat(e.message()).contains("grace period");
              });

      assertThat(server.process().waitFor(GRACE.toSeconds() + 20, TimeUnit.SECONDS)).isTrue();
      Duration stopping = Duration.ofNanos(System.nanoTime() - signalled);
      assertThat(server.process().exitValue()).as("exit code; output %s", server.output()).isZero();
      assertThat(stopping)
          .as("time from SIGTERM to exit")
          .isBetween(GRACE.minusMillis(200), GRACE.plusSeconds(15));
      Poll.until(
          "process tree gone " + tree,
          Duration.ofSeconds(10),
          () -> tree.stream().noneMatch(ServerProcess::running));
    }

    Path auditFile = data.resolve("audit.log");
    assertThat(AuditLog.verify(auditFile)).isInstanceOf(VerifyResult.Intact.class);
    List<JsonNode> events = events(auditFile);
    // A sealed log closes with a seal record; the last event before it must be the stop.
    List<String> names =
        events.stream().map(e -> e.path("event").asText()).filter(n -> !n.equals("seal")).toList();
    assertThat(names.getLast()).isEqualTo("server_stopped");
    assertThat(names).contains("server_stopping");
    assertThat(names.indexOf("server_stopping")).isLessThan(names.lastIndexOf("command_run"));
    assertThat(commandRuns(events, "short"))
        .extracting(e -> e.path("outcome").asText())
        .containsExactly("completed");
    assertThat(commandRuns(events, "tree"))
        .extracting(e -> e.path("outcome").asText())
        .containsExactly("server_shutdown");
    assertThat(events)
        .filteredOn(e -> e.path("event").asText().equals("connection_closed"))
        .extracting(e -> e.path("reason").asText())
        .contains("server_shutdown")
        .doesNotContain("client_disconnected_mid_command");
  }

  /** Runs a command; null when the server closed the connection instead of replying. */
  private static Response exec(RcxClient client, String command) {
    try {
      return client.exec(command);
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  static List<Long> awaitPids(Path pidFile, int count) {
    List<Long> pids = new ArrayList<>();
    Poll.until(
        count + " PIDs in " + pidFile,
        Duration.ofSeconds(20),
        () -> {
          pids.clear();
          try {
            for (String line : Files.readAllLines(pidFile)) {
              if (!line.isBlank()) {
                pids.add(Long.parseLong(line.strip()));
              }
            }
          } catch (IOException e) {
            return false;
          }
          return pids.size() >= count;
        });
    return List.copyOf(pids);
  }

  /** The complete records of an audit log; an unfinished last line (a torn tail) is left out. */
  static List<JsonNode> events(Path auditFile) throws IOException {
    List<String> lines = new ArrayList<>(List.of(Files.readString(auditFile).split("\n", -1)));
    lines.removeLast();
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      events.add(JSON.readTree(line));
    }
    return events;
  }

  private static List<JsonNode> commandRuns(List<JsonNode> events, String command) {
    return events.stream()
        .filter(
            e ->
                e.path("event").asText().equals("command_run")
                    && e.path("command").asText().equals(command))
        .toList();
  }
}
