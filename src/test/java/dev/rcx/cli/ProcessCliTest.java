package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.audit.AuditLog;
import dev.rcx.audit.VerifyResult;
import dev.rcx.auth.UserStore;
import dev.rcx.testing.TestCommands;
import dev.rcx.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * rcx as a real child process, for what only a process shows: the RCX_PASSWORD environment
 * variable, the exit status of {@code main}, and a server stopped by SIGTERM. Each test starts a
 * JVM, so there are few of them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessCliTest {
  @TempDir Path dir;

  private static ProcessBuilder rcx(Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("dev.rcx.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("RCX_PASSWORD");
    pb.environment().putAll(env);
    return pb;
  }

  private record Finished(int code, String out, String err) {}

  private Finished runToEnd(ProcessBuilder pb) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        pb.redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rcx exited").isTrue();
      return new Finished(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void exec_passwordFromEnvironment_exitCodeOfRemoteCommand() throws Exception {
    try (TestServer s = TestServer.start(dir.resolve("srv"))) {
      s.addUser("alice", "env-password");
      Finished f =
          runToEnd(
              rcx(
                  Map.of("RCX_PASSWORD", "env-password"),
                  "exec",
                  "--port",
                  String.valueOf(s.port()),
                  "-u",
                  "alice",
                  "--fingerprint",
                  s.fingerprint(),
                  "exit",
                  "5"));
      assertThat(f.code()).as(f.toString()).isEqualTo(5);
    }
  }

  @Test
  void server_noTlsOnAnyAddress_refusedWithExit1() throws Exception {
    Finished f =
        runToEnd(
            rcx(
                Map.of(),
                "server",
                "--no-tls",
                "--bind",
                "0.0.0.0",
                "--port",
                "0",
                "--data-dir",
                dir.resolve("data").toString()));
    assertThat(f.code()).as(f.toString()).isEqualTo(1);
    assertThat(f.err()).contains("Error:").contains("0.0.0.0").contains("loopback");
  }

  @Test
  void server_startedAsProcess_servesExecAndStopsCleanlyOnSigterm() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    UserStore.open(data.resolve("users.json")).add("alice", "pw".toCharArray(), java.util.Set.of());
    Path commands = TestCommands.standard(dir.resolve("commands")).write();
    Process server =
        rcx(
                Map.of(),
                "server",
                "--port",
                "0",
                "--data-dir",
                data.toString(),
                "--commands",
                commands.toString())
            .redirectError(dir.resolve("server.err").toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String listening =
          CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS);
      Matcher port =
          Pattern.compile("tls://127\\.0\\.0\\.1:(\\d+)").matcher(String.valueOf(listening));
      assertThat(port.find()).as("first line: %s", listening).isTrue();
      String fpLine = CompletableFuture.supplyAsync(() -> readLine(out)).get(10, TimeUnit.SECONDS);
      assertThat(fpLine).startsWith("certificate SHA-256 fingerprint: ");
      String fingerprint = fpLine.substring(fpLine.indexOf(": ") + 2).strip();

      Cli.Result r =
          Cli.withStdin(
              "pw\n",
              "exec",
              "--port",
              port.group(1),
              "-u",
              "alice",
              "--password-stdin",
              "--fingerprint",
              fingerprint,
              "echo",
              "to",
              "a",
              "process");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out()).isEqualTo("to a process\n");

      server.destroy(); // SIGTERM
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("server exited after SIGTERM").isTrue();
      assertThat(server.exitValue()).isZero();
    } finally {
      server.destroyForcibly();
    }
    Path log = data.resolve("audit.log");
    assertThat(AuditLog.verify(log)).isInstanceOf(VerifyResult.Intact.class);
    List<String> lines = Files.readAllLines(log);
    assertThat(lines.get(lines.size() - 2)).contains("\"event\":\"server_stopped\"");
    assertThat(lines.getLast()).contains("\"event\":\"seal\"").contains("\"reason\":\"close\"");
    assertThat(lines)
        .anyMatch(l -> l.contains("\"event\":\"command_run\"") && l.contains("process"));
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
