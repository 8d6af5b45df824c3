package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rcx exec} on many hosts as a real process against real servers on loopback: output streams
 * per host while the others still run, binary output per mode, and Ctrl-C (SIGINT) cancelling every
 * host. rcx's stdout and stderr go to files that the tests read as they grow.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FleetProcessTest {
  private static final String PW = "fleet-process-pw";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What {@code bin} writes to stdout: text, then bytes that are not UTF-8 and a backslash. */
  private static final byte[] BIN_OUT = {
    't', 'e', 'x', 't', '\n', (byte) 0xff, (byte) 0xfe, '\\', 'r', 'a', 'w', '\n'
  };

  /** What {@code bin} writes to stderr. */
  private static final byte[] BIN_ERR = {(byte) 0x80, 'e', 'r', 'r', '\n'};

  @TempDir static Path shared;
  @TempDir Path dir;
  private static TestServer slow;
  private static TestServer fast;
  private static Path release;
  private static ServerSocket hanging;
  private static final List<Socket> held = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    release = shared.resolve("release");
    String bin = "printf 'text\\n\\377\\376\\\\raw\\n'; printf '\\200err\\n' >&2";
    slow =
        TestServer.builder(shared.resolve("slow"))
            .commands(
                c ->
                    c.script(
                            "work",
                            "echo first\nprintf 'half-'\ni=0\nwhile [ ! -e '"
                                + release
                                + "' ] && [ $i -lt 900 ]; do sleep 0.1; i=$((i+1)); done\n"
                                + "printf 'done\\n'\necho second",
                            e -> e.timeout("120s"))
                        .script("bin", bin, e -> e))
            .start();
    fast =
        TestServer.builder(shared.resolve("fast"))
            .commands(c -> c.script("work", "echo fast", e -> e).script("bin", bin, e -> e))
            .start();
    slow.addUser("alice", PW);
    fast.addUser("alice", PW);
    hanging = new ServerSocket(0);
    Thread.ofPlatform()
        .daemon()
        .name("hanging-acceptor")
        .start(
            () -> {
              while (!hanging.isClosed()) {
                try {
                  held.add(hanging.accept()); // accepts and never answers
                } catch (IOException e) {
                  return;
                }
              }
            });
  }

  @AfterAll
  static void stop() throws IOException {
    slow.close();
    fast.close();
    hanging.close();
    for (Socket s : held) {
      s.close();
    }
  }

  private static String addr(int port) {
    return "127.0.0.1:" + port;
  }

  private static String hosts() {
    return addr(slow.port()) + "," + addr(fast.port());
  }

  private Path out() {
    return dir.resolve("stdout.bin");
  }

  private Path err() {
    return dir.resolve("stderr.bin");
  }

  /** {@code rcx exec --hosts ...} as a child JVM; password on stdin, stdout and stderr to files. */
  private Process start(String... rest) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "-XX:TieredStopAtLevel=1",
            "dev.rcx.cli.Main",
            "exec",
            "-u",
            "alice",
            "--password-stdin",
            "--accept-new",
            "--known-hosts",
            dir.resolve("known_hosts").toString(),
            "--client-config",
            dir.resolve("no-config.yaml").toString()));
    if (!List.of(rest).contains("--connect-timeout")) {
      // Connect, TLS and an Argon2id login have taken several seconds on a loaded 2-core machine.
      cmd.addAll(List.of("--connect-timeout", "60s"));
    }
    cmd.addAll(List.of(rest));
    Path in = Files.writeString(dir.resolve("in.txt"), PW + "\n");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectInput(in.toFile())
            .redirectOutput(out().toFile())
            .redirectError(err().toFile());
    pb.environment().remove("RCX_PASSWORD");
    pb.environment().put("RCX_HOME", dir.resolve("rcx-home").toString());
    return pb.start();
  }

  private ProcessRun run(String... rest) throws Exception {
    Process p = start(rest);
    try {
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("rcx exited").isTrue();
      return new ProcessRun(p.exitValue(), Files.readAllBytes(out()), Files.readAllBytes(err()));
    } finally {
      p.destroyForcibly();
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code host | line} at the start of a line of rcx's output, however the labels are padded. */
  private static Pattern line(TestServer s, String text) {
    return Pattern.compile(
        "(?m)^" + Pattern.quote(addr(s.port())) + " *\\| " + Pattern.quote(text) + "$");
  }

  @Test
  void prefixed_oneSlowHost_otherHostsAndItsFirstLineShownWhileItStillRuns() throws Exception {
    Files.deleteIfExists(release);
    Process p = start("--hosts", hosts(), "work");
    try {
      Poll.until(
          "the fast host's line and the slow host's first line on rcx's stdout",
          Duration.ofSeconds(60),
          () ->
              line(fast, "fast").matcher(read(out())).find()
                  && line(slow, "first").matcher(read(out())).find());
      String soFar = read(out());
      assertThat(p.isAlive()).as("rcx still waits for the slow host").isTrue();
      assertThat(soFar).as("the slow host is not done").doesNotContain("second");
      assertThat(soFar).as("a partial line waits for its end").doesNotContain("half-");
      Files.writeString(release, "go");
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rcx exited once released").isTrue();
      String all = read(out());
      assertThat(p.exitValue()).as(all + read(err())).isZero();
      assertThat(all)
          .containsPattern(line(slow, "half-done"))
          .containsPattern(line(slow, "second"));
      assertThat(all).contains("2 hosts: 2 ok");
    } finally {
      Files.writeString(release, "go");
      p.destroyForcibly();
    }
  }

  @Test
  void group_binaryOutput_exactBytesPerHost_inTheOrderGiven() throws Exception {
    ProcessRun r = run("--group", "--hosts", hosts(), "bin");
    assertThat(r.code()).as(r.toString()).isZero();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (TestServer s : List.of(slow, fast)) {
      int at =
          indexOf(
              r.out(),
              ("== " + addr(s.port()) + " (ok, exit 0, ").getBytes(StandardCharsets.UTF_8));
      assertThat(at).as(r.toString()).isGreaterThanOrEqualTo(0);
      int body =
          indexOf(r.out(), " ms) ==\n".getBytes(StandardCharsets.UTF_8), at) + " ms) ==\n".length();
      byte[] got = java.util.Arrays.copyOfRange(r.out(), body, body + BIN_OUT.length);
      assertThat(got).as("the bytes of %s", addr(s.port())).isEqualTo(BIN_OUT);
      expected.writeBytes(BIN_ERR);
    }
    assertThat(indexOf(r.out(), ("== " + addr(slow.port())).getBytes(StandardCharsets.UTF_8)))
        .isLessThan(indexOf(r.out(), ("== " + addr(fast.port())).getBytes(StandardCharsets.UTF_8)));
    assertThat(r.err()).isEqualTo(expected.toByteArray());
  }

  @Test
  void json_binaryOutput_base64WithEncoding_decodesToTheExactBytes() throws Exception {
    ProcessRun r = run("--json", "--hosts", hosts(), "bin");
    assertThat(r.code()).as(r.toString()).isZero();
    String[] lines = r.outText().strip().split("\n");
    assertThat(lines).hasSize(2);
    for (String l : lines) {
      JsonNode j = JSON.readTree(l);
      assertThat(j.get("stdout_encoding").asText()).isEqualTo("base64");
      assertThat(Base64.getDecoder().decode(j.get("stdout").asText())).isEqualTo(BIN_OUT);
      assertThat(j.get("stderr_encoding").asText()).isEqualTo("base64");
      assertThat(Base64.getDecoder().decode(j.get("stderr").asText())).isEqualTo(BIN_ERR);
    }
  }

  @Test
  void prefixed_binaryOutput_invalidBytesEscaped_withANoteNamingTheExactModes() throws Exception {
    ProcessRun r = run("--hosts", hosts(), "bin");
    assertThat(r.code()).as(r.toString()).isZero();
    for (TestServer s : List.of(slow, fast)) {
      assertThat(r.outText()).containsPattern(line(s, "text"));
      assertThat(r.outText()).containsPattern(line(s, "\\xff\\xfe\\\\raw"));
      assertThat(r.errText()).containsPattern(line(s, "\\x80err"));
      assertThat(r.errText())
          .containsPattern(
              Pattern.quote(addr(s.port()))
                  + " *! output was not valid UTF-8: .*--group or --json");
    }
  }

  @Test
  void sigint_cancelsTheCommandOnEveryHost_stopsAConnectingOne_printsTheSummary_exits130()
      throws Exception {
    List<Path> pidFiles =
        List.of(slow.commands().pidFile("pidsleep"), fast.commands().pidFile("pidsleep"));
    for (Path f : pidFiles) {
      Files.deleteIfExists(f);
    }
    // The hanging host would hold the run for the whole connect timeout; Ctrl-C must not wait.
    Process p =
        start(
            "--connect-timeout",
            "150s",
            "--hosts",
            hosts() + "," + addr(hanging.getLocalPort()),
            "pidsleep");
    List<Long> remote = new ArrayList<>();
    try {
      for (Path f : pidFiles) {
        Poll.until(
            "remote pidsleep started: " + f, Duration.ofSeconds(60), () -> !read(f).isBlank());
        remote.add(Long.parseLong(read(f).strip()));
      }
      assertThat(remote).allSatisfy(pid -> assertThat(Poll.alive(pid)).isTrue());
      long pressed = System.nanoTime();
      Process kill =
          new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rcx exited after Ctrl-C").isTrue();
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pressed);
      String stdout = read(out());
      String stderr = read(err());
      assertThat(p.exitValue()).as(stdout + stderr).isEqualTo(ExitCodes.CANCELLED);
      assertThat(ms).as("far less than the 150 s connect timeout").isLessThan(60_000);
      assertThat(stderr).contains("cancelling the command on 2 hosts and stopping 1");
      assertThat(stdout).contains("3 hosts: 3 cancelled");
      assertThat(stdout)
          .containsPattern(Pattern.quote(addr(slow.port())) + " +cancelled +- .*server killed");
      assertThat(stdout)
          .containsPattern(
              Pattern.quote(addr(hanging.getLocalPort())) + " +cancelled +- .*stopped");
      for (long pid : remote) {
        Poll.until(
            "remote pidsleep " + pid + " killed", Duration.ofSeconds(20), () -> !Poll.alive(pid));
      }
    } finally {
      p.destroyForcibly();
    }
    for (TestServer s : List.of(slow, fast)) {
      s.awaitAudit("cancel_requested", e -> e.path("running").asBoolean());
      s.awaitAudit(
          "command_run",
          e ->
              e.path("command").asText().equals("pidsleep")
                  && e.path("outcome").asText().equals("cancelled"));
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    return indexOf(hay, needle, 0);
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
