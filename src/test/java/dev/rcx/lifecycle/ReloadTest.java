package dev.rcx.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.auth.UserStore;
import dev.rcx.cli.Main;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.Response;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestCommands;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloading the policy of a real {@code rcx server} process: SIGHUP and {@code rcx server reload}
 * swap in a valid whitelist without ending sessions, refuse a broken one (naming file, line and
 * entry) while the old policy stays in force, audit both outcomes, and every command record carries
 * the hash of the policy that allowed it. Before this, SIGHUP killed the server.
 */
class ReloadTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void sighupAndReloadCommand_swapPolicy_keepSessions_refuseBrokenFiles() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    UserStore.open(data.resolve("users.json")).add("alice", "pw".toCharArray(), Set.of());
    Path cmdDir = dir.resolve("commands");
    Path commands =
        TestCommands.in(cmdDir)
            .command("echo", "/bin/echo", e -> e.maxArgs(4).patterns("[a-z]+"))
            .write();
    Path config =
        Files.writeString(
            dir.resolve("rcx.yaml"), "commands: " + commands + "\nlimits:\n  idle_timeout: 5m\n");

    try (ServerProcess server = ServerProcess.start(data, null, config);
        RcxClient alice = server.loggedIn("alice", "pw", Duration.ofSeconds(30))) {
      assertThat(output(alice.exec("echo one"))).isEqualTo("one\n");
      String first = events(data, "server_started").getFirst().path("policy").asText();
      assertThat(first).startsWith("sha256:");
      assertThat(lastEvent(data, "command_run").path("policy").asText()).isEqualTo(first);
      assertThat(alice.exec("true")).isInstanceOf(Response.Error.class);

      // 1. SIGHUP with a valid new whitelist: the server lives, the new entry works in the same
      // session.
      TestCommands.in(cmdDir)
          .command("echo", "/bin/echo", e -> e.maxArgs(4).patterns("[a-z]+"))
          .command("true", "/bin/true", e -> e)
          .write();
      server.hangup();
      Poll.until("policy_reloaded", WAIT, () -> count(data, "policy_reloaded") == 1);
      assertThat(server.process().isAlive()).isTrue();
      JsonNode reloaded = lastEvent(data, "policy_reloaded");
      String second = reloaded.path("policy").asText();
      assertThat(second).startsWith("sha256:").isNotEqualTo(first);
      assertThat(reloaded.path("previous").asText()).isEqualTo(first);
      assertThat(reloaded.path("trigger").asText()).isEqualTo("signal");
      assertThat(reloaded.path("commands").asInt()).isEqualTo(2);
      Response ran = alice.exec("true");
      assertThat(ran).isInstanceOf(Response.CommandOutput.class);
      assertThat(lastEvent(data, "command_run").path("policy").asText()).isEqualTo(second);

      // 2. SIGHUP with a broken whitelist: refused with file, line and entry; old policy stays.
      Files.writeString(
          commands,
          """
          commands:
            - name: echo
              path: /bin/echo
              users: ['*']
            - name: broken
              path: /bin/true
              timeout: banana
              users: ['*']
          """);
      server.hangup();
      Poll.until("policy_reload_failed", WAIT, () -> count(data, "policy_reload_failed") == 1);
      assertThat(server.process().isAlive()).isTrue();
      JsonNode failed = lastEvent(data, "policy_reload_failed");
      assertThat(failed.path("policy").asText()).isEqualTo(second);
      assertThat(failed.path("reason").asText())
          .contains(commands.toString())
          .contains(commands + ":5: entry 2")
          .contains("'broken'")
          .contains("timeout 'banana'");
      assertThat(alice.exec("true")).isInstanceOf(Response.CommandOutput.class);
      assertThat(lastEvent(data, "command_run").path("policy").asText()).isEqualTo(second);

      // 3. `rcx server reload` reports a refusal (exit 1) and a success (exit 0), and names the
      // settings that only a restart applies.
      Cli refused = cli("server", "reload", "--data-dir", data.toString());
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err()).contains(":5: entry 2").contains("'broken'").contains(second);

      TestCommands.in(cmdDir)
          .command("echo", "/bin/echo", e -> e.maxArgs(4).patterns("[a-z]+"))
          .write();
      Files.writeString(config, "commands: " + commands + "\nlimits:\n  idle_timeout: 7m\n");
      Cli ok = cli("server", "reload", "--data-dir", data.toString());
      assertThat(ok.code()).as(ok.err()).isEqualTo(0);
      assertThat(ok.out())
          .contains("reloaded: policy " + first)
          .contains("1 commands from " + commands)
          .contains("need a restart to apply: limits.idle_timeout");
      JsonNode viaControl = lastEvent(data, "policy_reloaded");
      assertThat(viaControl.path("trigger").asText()).isEqualTo("control");
      assertThat(viaControl.path("restart_needed").toString()).contains("limits.idle_timeout");
      Response denied = alice.exec("true");
      assertThat(denied).isInstanceOf(Response.Error.class);
      assertThat(((Response.Error) denied).code()).isEqualTo(ErrorCode.COMMAND_NOT_ALLOWED);
      assertThat(lastEvent(data, "command_denied").path("policy").asText()).isEqualTo(first);

      // 4. A broken config file is refused the same way, with its line.
      Files.writeString(config, "commands: " + commands + "\nlimits:\n  idle_timeout: 0s\n");
      Cli badConfig = cli("server", "reload", "--data-dir", data.toString());
      assertThat(badConfig.code()).isEqualTo(1);
      assertThat(badConfig.err())
          .contains(config.toString() + ":3: limits.idle_timeout: must be positive");

      // The session from the start still works after four reloads.
      assertThat(output(alice.exec("echo done"))).isEqualTo("done\n");
      assertThat(server.terminate(WAIT)).isEqualTo(0);
    }
    Cli gone = cli("server", "reload", "--data-dir", data.toString());
    assertThat(gone.code()).isEqualTo(255);
    assertThat(gone.err()).contains("control.sock").contains("is an rcx server running");
  }

  record Cli(int code, String out, String err) {}

  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }

  private static String output(Response r) {
    assertThat(r).isInstanceOf(Response.CommandOutput.class);
    return ((Response.CommandOutput) r).output();
  }

  static List<JsonNode> events(Path data, String name) {
    List<JsonNode> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(data.resolve("audit.log"))) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        if (n.path("event").asText().equals(name)) {
          out.add(n);
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  private static int count(Path data, String name) {
    return events(data, name).size();
  }

  private static JsonNode lastEvent(Path data, String name) {
    List<JsonNode> all = events(data, name);
    assertThat(all).as(name + " records").isNotEmpty();
    return all.getLast();
  }
}
