package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.testing.Poll;
import dev.rcx.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code rcx exec} as a real process writes and how it exits: the remote command's exact bytes
 * on its own stdout and stderr, and a distinct exit status for output cut at the server's cap.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutputProcessTest {
  private static final String PW = "pw-output-process";

  @TempDir static Path shared;
  @TempDir Path dir;
  private static TestServer server;
  private static byte[] stdoutBytes;
  private static byte[] stderrBytes;

  @BeforeAll
  static void start() throws Exception {
    Random random = new Random(42);
    stdoutBytes = new byte[256 * 1024];
    stderrBytes = new byte[64 * 1024 + 7];
    random.nextBytes(stdoutBytes);
    random.nextBytes(stderrBytes);
    Path out = shared.resolve("out.bin");
    Path err = shared.resolve("err.bin");
    Files.write(out, stdoutBytes);
    Files.write(err, stderrBytes);
    server =
        TestServer.builder(shared.resolve("srv"))
            .commands(
                c ->
                    c.script(
                            "blobs",
                            "cat '" + out + "'; cat '" + err + "' >&2",
                            e -> e.timeout("30s"))
                        .script("slowprint", "echo first; sleep 3; echo second", e -> e))
            .start();
    server.addUser("alice", PW);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** {@code rcx exec} as a child JVM: password on stdin, stdout and stderr into files. */
  private ProcessRun rcxExec(String... rest) throws Exception {
    Process p = startExec(rest);
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rcx exited").isTrue();
      return new ProcessRun(p.exitValue(), Files.readAllBytes(out()), Files.readAllBytes(err()));
    } finally {
      p.destroyForcibly();
    }
  }

  private Path out() {
    return dir.resolve("stdout.bin");
  }

  private Path err() {
    return dir.resolve("stderr.bin");
  }

  private Process startExec(String... rest) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("dev.rcx.cli.Main");
    cmd.addAll(
        List.of(
            "exec",
            "--port",
            String.valueOf(server.port()),
            "-u",
            "alice",
            "--password-stdin",
            "--fingerprint",
            server.fingerprint()));
    cmd.addAll(List.of(rest));
    Path in = Files.writeString(dir.resolve("in.txt"), PW + "\n");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectInput(in.toFile())
            .redirectOutput(out().toFile())
            .redirectError(err().toFile());
    pb.environment().remove("RCX_PASSWORD");
    return pb.start();
  }

  @Test
  void exec_streamsByDefault_outputArrivesWhileTheCommandRuns() throws Exception {
    Process p = startExec("slowprint");
    try {
      Poll.until(
          "first line on rcx's stdout",
          Duration.ofSeconds(30),
          () -> read(out()).equals("first\n"));
      assertThat(p.isAlive()).as("rcx still waits for the rest").isTrue();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(read(out())).isEqualTo("first\nsecond\n");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void exec_sigint_cancelsRemoteCommandAndExits130() throws Exception {
    Path pids = server.commands().pidFile("pidsleep");
    Files.deleteIfExists(pids);
    Process p = startExec("pidsleep");
    try {
      Poll.until("remote pidsleep started", Duration.ofSeconds(30), () -> !read(pids).isBlank());
      long remote = Long.parseLong(read(pids).strip());
      assertThat(Poll.alive(remote)).isTrue();
      Process kill =
          new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("rcx exited after Ctrl-C").isTrue();
      String stderr = read(err());
      assertThat(p.exitValue()).as(stderr).isEqualTo(ExitCodes.CANCELLED).isEqualTo(130);
      assertThat(stderr).contains("cancelling").contains("cancelled");
      Poll.until(
          "remote pidsleep " + remote + " killed",
          Duration.ofSeconds(10),
          () -> !Poll.alive(remote));
    } finally {
      p.destroyForcibly();
    }
    server.awaitAudit(
        "command_run",
        e ->
            e.path("command").asText().equals("pidsleep")
                && e.path("outcome").asText().equals("cancelled"));
    server.awaitAudit("cancel_requested", e -> e.path("running").asBoolean());
  }

  @Test
  void shell_sigint_cancelsCommandAndStaysLoggedIn() throws Exception {
    Path pids = server.commands().pidFile("pidsleep");
    Files.deleteIfExists(pids);
    List<String> cmd = new ArrayList<>(javaMain());
    cmd.addAll(
        List.of(
            "shell",
            "--port",
            String.valueOf(server.port()),
            "-u",
            "alice",
            "--password-stdin",
            "--fingerprint",
            server.fingerprint()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out().toFile())
            .redirectError(err().toFile())
            .start();
    try (var stdin = p.getOutputStream()) {
      stdin.write((PW + "\npidsleep\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      stdin.flush();
      Poll.until("remote pidsleep started", Duration.ofSeconds(30), () -> !read(pids).isBlank());
      long remote = Long.parseLong(read(pids).strip());
      new ProcessBuilder("kill", "-INT", String.valueOf(p.pid()))
          .start()
          .waitFor(10, TimeUnit.SECONDS);
      Poll.until(
          "remote pidsleep " + remote + " killed",
          Duration.ofSeconds(15),
          () -> !Poll.alive(remote));
      assertThat(p.isAlive()).as("the shell survives Ctrl-C").isTrue();
      stdin.write("echo still logged in\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("shell ended at end of input").isTrue();
      assertThat(read(out())).as(read(err())).contains("still logged in");
      assertThat(read(err())).contains("cancelled");
      assertThat(p.exitValue()).as(read(err())).isZero();
    } finally {
      p.destroyForcibly();
    }
  }

  private static List<String> javaMain() {
    return List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-cp",
        System.getProperty("java.class.path"),
        "-XX:TieredStopAtLevel=1",
        "dev.rcx.cli.Main");
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void exec_randomBinaryOutput_writtenByteForByteToStdoutAndStderr() throws Exception {
    ProcessRun r = rcxExec("blobs");
    assertThat(r.code()).as(r.errText()).isZero();
    assertThat(r.out()).isEqualTo(stdoutBytes);
    assertThat(r.err()).isEqualTo(stderrBytes);
  }

  @Test
  void exec_outputCutAtCap_exits250UnlessAllowTruncated() throws Exception {
    ProcessRun cut = rcxExec("flood");
    assertThat(cut.code()).as(cut.errText()).isEqualTo(ExitCodes.TRUNCATED).isEqualTo(250);
    assertThat(cut.out()).hasSize(1024);
    assertThat(cut.errText()).contains("truncated").contains("--allow-truncated");

    ProcessRun allowed = rcxExec("--allow-truncated", "flood");
    assertThat(allowed.code()).as(allowed.errText()).isZero();
    assertThat(allowed.out()).hasSize(1024);
    assertThat(allowed.errText()).contains("truncated");
  }
}
