package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.config.ServerConfig;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code rcx shell} over real TLS: help from list_commands, reconnect after an idle close. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ShellTest {
  private static final String PW = "shell-password";
  @TempDir Path dir;

  @Test
  void shell_idleConnectionClosedByServer_reconnectsWithToken_noSecondLogin() throws Exception {
    try (TestServer s =
        TestServer.start(
            dir,
            c -> {
              ServerConfig.Limits l = c.limits();
              return c.withLimits(
                  new ServerConfig.Limits(
                      l.maxConnections(),
                      l.maxLineBytes(),
                      l.handshakeTimeout(),
                      Duration.ofSeconds(
                          2), // idle connections closed quickly (the shell probes after 1 s)
                      l.lineTimeout(),
                      l.maxConcurrentCommands(),
                      l.commandQueueWait(),
                      l.shutdownGrace()));
            })) {
      s.addUser("alice", PW);
      PipedOutputStream keys = new PipedOutputStream();
      PipedInputStream stdin = new PipedInputStream(keys, 65536);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      InputStream saved = System.in;
      System.setIn(stdin);
      try {
        CompletableFuture<Integer> shell =
            CompletableFuture.supplyAsync(
                () ->
                    Main.run(
                        new String[] {
                          "shell",
                          "--port",
                          String.valueOf(s.port()),
                          "-u",
                          "alice",
                          "--password-stdin",
                          "--fingerprint",
                          s.fingerprint()
                        },
                        new PrintWriter(out, true),
                        new PrintWriter(err, true)));
        keys.write((PW + "\necho one\nhelp\n").getBytes(StandardCharsets.UTF_8));
        keys.flush();
        s.awaitAudit("command_run", e -> true, Duration.ofSeconds(30));
        s.awaitAudit(
            "connection_closed",
            e -> e.path("reason").asText().equals("idle_timeout"),
            Duration.ofSeconds(30));
        keys.write("echo two\nexit\n".getBytes(StandardCharsets.UTF_8));
        keys.close();
        assertThat(shell.get(60, TimeUnit.SECONDS)).as("exit code; err: %s", err).isZero();
      } finally {
        System.setIn(saved);
      }
      assertThat(out.toString()).contains("one\n").contains("two\n");
      assertThat(out.toString())
          .contains("Commands you may run here")
          .contains("  echo  (up to 16 arguments)")
          .contains("  both\n");
      assertThat(err.toString()).contains("reconnecting with the session token");
      assertThat(s.auditEvents("auth_succeeded")).hasSize(1);
      assertThat(s.auditEvents("command_run")).hasSize(2);
      assertThat(s.auditEvents("commands_listed")).hasSizeGreaterThanOrEqualTo(2);
      assertThat(s.auditEvents("commands_listed").getFirst().path("user").asText())
          .isEqualTo("alice");
    }
  }

  @Test
  void listCommands_onlyWhatThisUserMayRun_andNeedsAValidToken() throws Exception {
    try (TestServer s =
        TestServer.builder(dir)
            .commands(c -> c.command("opsonly", "/bin/echo", e -> e.users().roles("ops")))
            .start()) {
      s.addUser("alice", PW);
      s.addUser("olga", PW, "ops");
      try (var a = s.loggedIn("alice", PW);
          var o = s.loggedIn("olga", PW)) {
        var forAlice = (Response.CommandList) a.listCommands();
        var forOlga = (Response.CommandList) o.listCommands();
        assertThat(forAlice.commands())
            .extracting(Response.CommandInfo::name)
            .contains("echo")
            .doesNotContain("opsonly");
        assertThat(forOlga.commands()).extracting(Response.CommandInfo::name).contains("opsonly");
        a.logout();
        a.useToken("x".repeat(43));
        assertThat(((Response.Error) a.listCommands()).code())
            .isEqualTo(dev.rcx.protocol.ErrorCode.INVALID_TOKEN);
      }
      assertThat(s.auditEvents("commands_listed")).hasSize(2);
    }
  }
}
