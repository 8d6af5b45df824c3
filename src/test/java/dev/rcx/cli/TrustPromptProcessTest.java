package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rcx.testing.TestServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code rcx} process, fed its input the way a script types it: all answers written at
 * once, ahead of the prompts. The trust question comes before the password (as in ssh), so the
 * first line answers it and the second is the password; and the client's own warnings are plain
 * lines, never logging output mixed into the command's stderr.
 *
 * <p>Prompts need a terminal, so those tests run rcx under {@code script(1)}, which gives it a
 * pseudo-terminal fed from our pipe.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TrustPromptProcessTest {
  private static final String PW = "prompt-test-password";
  private static final Pattern LOG_LINE = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}|\\[.*]");

  @TempDir static Path shared;
  @TempDir Path dir;
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(shared);
    server.addUser("alice", PW);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record Finished(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private static List<String> java(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.rcx.cli.Main");
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Runs {@code command} and writes {@code input} to it at once, keeping stdin open until exit. */
  private Finished run(List<String> command, String input) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("RCX_PASSWORD");
    Process p = pb.start();
    try (OutputStream stdin = p.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rcx exited").isTrue();
    } finally {
      p.destroyForcibly();
    }
    return new Finished(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** rcx under script(1): its terminal is a pty fed from our pipe; all its output is our stdout. */
  private Finished inTerminal(String input, String... args) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) from util-linux");
    String command =
        java(args).stream()
            .map(TrustPromptProcessTest::shellQuote)
            .collect(Collectors.joining(" "));
    return run(List.of("/usr/bin/script", "-q", "-e", "-c", command, "/dev/null"), input);
  }

  @Test
  void unknownServer_answerYThenPassword_trustAskedFirstAndLoginWorks() throws Exception {
    Path knownHosts = dir.resolve("known_hosts");
    Finished f =
        inTerminal(
            "y\n" + PW + "\n",
            "exec",
            "--port",
            String.valueOf(server.port()),
            "-u",
            "alice",
            "--known-hosts",
            knownHosts.toString(),
            "echo",
            "trusted-and-logged-in");
    assertThat(f.code()).as(f.toString()).isZero();
    String screen = f.out();
    int question = screen.indexOf("Are you sure you want to continue connecting");
    int passwordPrompt = screen.indexOf("Password for alice@");
    assertThat(question).as(screen).isGreaterThanOrEqualTo(0);
    assertThat(passwordPrompt).as(screen).isGreaterThan(question);
    assertThat(screen).contains(server.fingerprint()).contains("trusted-and-logged-in");
    assertThat(Files.readString(knownHosts))
        .contains("127.0.0.1:" + server.port())
        .contains(server.fingerprint());
  }

  @Test
  void unknownServer_answerNo_255AndNoPasswordAsked() throws Exception {
    Path knownHosts = dir.resolve("known_hosts");
    Finished f =
        inTerminal(
            "no\n" + PW + "\n",
            "exec",
            "--port",
            String.valueOf(server.port()),
            "-u",
            "alice",
            "--known-hosts",
            knownHosts.toString(),
            "echo",
            "x");
    assertThat(f.code()).as(f.toString()).isEqualTo(255);
    assertThat(f.out()).contains("was not accepted").doesNotContain("Password for");
    assertThat(knownHosts).doesNotExist();
  }

  @Test
  void insecure_warningIsOnePlainLineAndCommandStderrIsUntouched() throws Exception {
    Finished f =
        run(
            java(
                "exec",
                "--port",
                String.valueOf(server.port()),
                "-u",
                "alice",
                "--password-stdin",
                "--insecure",
                "both"),
            PW + "\n");
    assertThat(f.code()).as(f.toString()).isZero();
    assertThat(f.out()).isEqualTo("out\n");
    List<String> errLines = f.err().lines().toList();
    assertThat(errLines).as(f.toString()).hasSize(2);
    assertThat(errLines.get(0)).startsWith("Warning: --insecure: ");
    assertThat(errLines.get(1)).isEqualTo("err");
    assertThat(f.err()).doesNotContainPattern(LOG_LINE).doesNotContain("WARN ");
  }
}
