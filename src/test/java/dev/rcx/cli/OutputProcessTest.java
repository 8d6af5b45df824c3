package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
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
                        "blobs", "cat '" + out + "'; cat '" + err + "' >&2", e -> e.timeout("30s")))
            .start();
    server.addUser("alice", PW);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record Ran(int code, byte[] out, byte[] err) {
    String errText() {
      return new String(err, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** {@code rcx exec} as a child JVM: password on stdin, stdout and stderr into files. */
  private Ran rcxExec(String... rest) throws Exception {
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
    Path out = dir.resolve("stdout.bin");
    Path err = dir.resolve("stderr.bin");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().remove("RCX_PASSWORD");
    Process p = pb.start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rcx exited").isTrue();
      return new Ran(p.exitValue(), Files.readAllBytes(out), Files.readAllBytes(err));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void exec_randomBinaryOutput_writtenByteForByteToStdoutAndStderr() throws Exception {
    Ran r = rcxExec("blobs");
    assertThat(r.code()).as(r.errText()).isZero();
    assertThat(r.out()).isEqualTo(stdoutBytes);
    assertThat(r.err()).isEqualTo(stderrBytes);
  }

  @Test
  void exec_outputCutAtCap_exits250UnlessAllowTruncated() throws Exception {
    Ran cut = rcxExec("flood");
    assertThat(cut.code()).as(cut.errText()).isEqualTo(ExitCodes.TRUNCATED).isEqualTo(250);
    assertThat(cut.out()).hasSize(1024);
    assertThat(cut.errText()).contains("truncated").contains("--allow-truncated");

    Ran allowed = rcxExec("--allow-truncated", "flood");
    assertThat(allowed.code()).as(allowed.errText()).isZero();
    assertThat(allowed.out()).hasSize(1024);
    assertThat(allowed.errText()).contains("truncated");
  }
}
