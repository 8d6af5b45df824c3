package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.Response;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rcx login}, reuse by {@code exec} (one host and many), expiry, {@code status} and {@code
 * logout}, each as a real {@code rcx} process with its own {@code RCX_HOME}, against a real server
 * whose clock the test moves.
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class LoginProcessTest {
  private static final String PW = "login-password";

  @TempDir Path dir;

  private record Finished(int code, String out, String err) {}

  private Finished rcx(Path home, String password, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1"));
    cmd.add("dev.rcx.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.remove("RCX_PASSWORD");
    env.remove("RCX_CONFIG");
    env.put("RCX_HOME", home.toString());
    if (password != null) {
      env.put("RCX_PASSWORD", password);
    }
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        pb.redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rcx %s exited", List.of(args)).isTrue();
      return new Finished(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      p.destroyForcibly();
    }
  }

  /** {@code rcx} in this JVM with {@code rcx.home} as its client directory (no password source). */
  private static Cli.Result inProcess(Path home, String... args) {
    String saved = System.getProperty("rcx.home");
    System.setProperty("rcx.home", home.toString());
    try {
      return Cli.run(args);
    } finally {
      if (saved == null) {
        System.clearProperty("rcx.home");
      } else {
        System.setProperty("rcx.home", saved);
      }
    }
  }

  private static String[] with(TestServer s, String... rest) {
    List<String> a = new ArrayList<>();
    a.add(rest[0]);
    a.addAll(
        List.of(
            "--port", String.valueOf(s.port()), "-u", "alice", "--fingerprint", s.fingerprint()));
    a.addAll(List.of(rest).subList(1, rest.length));
    return a.toArray(String[]::new);
  }

  private static List<Path> sessionFiles(Path home) throws Exception {
    Path d = home.resolve("sessions");
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(d)) {
      return files.toList();
    }
  }

  @Test
  void login_reusedByExecAndFanout_untilExpired_thenAsksAgain_statusAndLogout() throws Exception {
    Path home = dir.resolve("home");
    try (TestServer s = TestServer.start(dir.resolve("srv"))) {
      s.addUser("alice", PW);

      Finished login = rcx(home, PW, with(s, "login"));
      assertThat(login.code()).as(login.toString()).isZero();
      assertThat(login.out()).contains("Logged in to 127.0.0.1:" + s.port() + " as alice");
      List<Path> files = sessionFiles(home);
      assertThat(files).hasSize(1);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.getFirst())))
          .isEqualTo("rw-------");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(home.resolve("sessions"))))
          .isEqualTo("rwx------");
      String token = tokenIn(files.getFirst());
      assertThat(login.out() + login.err()).doesNotContain(token);
      assertThat(s.auditEvents("auth_succeeded")).hasSize(1);

      // No password anywhere (no RCX_PASSWORD, stdin is /dev/null, no terminal): the token serves.
      Finished exec = rcx(home, null, with(s, "exec", "echo", "hi"));
      assertThat(exec.code()).as(exec.toString()).isZero();
      assertThat(exec.out()).isEqualTo("hi\n");
      Cli.Result fleet =
          inProcess(
              home,
              "exec",
              "-u",
              "alice",
              "--fingerprint",
              s.fingerprint(),
              "--connect-timeout",
              "60s", // generous on a loaded machine
              "--hosts",
              "127.0.0.1:" + s.port(),
              "echo",
              "fleet");
      assertThat(fleet.code()).as(fleet.toString()).isZero();
      assertThat(fleet.out()).contains("| fleet");
      assertThat(s.auditEvents("auth_succeeded")).hasSize(1);
      assertThat(s.auditEvents("logged_out")).isEmpty();

      Cli.Result status = inProcess(home, "status");
      assertThat(status.code()).isZero();
      assertThat(status.out())
          .containsPattern("127\\.0\\.0\\.1:" + s.port() + " +alice +\\S+ +\\S+ +valid, ");

      // The server expires the session (idle timeout); the next exec asks for the password again.
      s.clock().advance(s.config().sessions().idleTimeout().plus(Duration.ofMinutes(1)));
      Cli.Result noPassword = inProcess(home, with(s, "exec", "echo", "again"));
      assertThat(noPassword.code()).as(noPassword.toString()).isEqualTo(254);
      assertThat(noPassword.err()).contains("TOKEN_EXPIRED").contains("log in again");
      Finished again = rcx(home, PW, with(s, "exec", "echo", "again"));
      assertThat(again.code()).as(again.toString()).isZero();
      assertThat(again.out()).isEqualTo("again\n");
      assertThat(s.auditEvents("auth_succeeded")).hasSize(2);
      String renewed = tokenIn(sessionFiles(home).getFirst());
      assertThat(renewed).isNotEqualTo(token);

      Finished logout = rcx(home, null, with(s, "logout"));
      assertThat(logout.code()).as(logout.toString()).isZero();
      assertThat(logout.out()).contains("revoked on the server");
      assertThat(sessionFiles(home)).isEmpty();
      assertThat(s.auditEvents("logged_out")).hasSize(1);
      try (var c = s.client()) {
        c.useToken(renewed);
        assertThat(((Response.Error) c.exec("echo x")).code()).isEqualTo(ErrorCode.INVALID_TOKEN);
      }
      assertThat(inProcess(home, "status").out()).contains("No cached sessions");
      assertThat(inProcess(home, with(s, "logout")).code()).isEqualTo(1);
    }
  }

  /**
   * Ctrl-C while a refused cached session is renewed (the password prompt) must keep the command
   * from being sent: a cancel then would reach the server before the command and stop nothing.
   */
  @Test
  void ctrlC_whileLoggingInAgain_commandIsNeverSent_exit130() throws Exception {
    Path home = dir.resolve("home3");
    try (TestServer s = TestServer.start(dir.resolve("srv3"))) {
      s.addUser("alice", PW);
      assertThat(rcx(home, PW, with(s, "login")).code()).isZero();
      s.clock().advance(s.config().sessions().idleTimeout().plus(Duration.ofMinutes(1)));

      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1"));
      cmd.add("dev.rcx.cli.Main");
      cmd.addAll(List.of(with(s, "exec", "--password-stdin", "echo", "never")));
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().remove("RCX_PASSWORD");
      pb.environment().remove("RCX_CONFIG");
      pb.environment().put("RCX_HOME", home.toString());
      Path out = Files.createTempFile(dir, "out", ".txt");
      Path err = Files.createTempFile(dir, "err", ".txt");
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      try {
        // The cached token is refused; rcx now waits for the password on stdin.
        Poll.until(
            "rcx asks to log in again",
            Duration.ofSeconds(60),
            () -> textOf(err).contains("log in again"));
        Process kill =
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Poll.until(
            "rcx saw the Ctrl-C", Duration.ofSeconds(30), () -> textOf(err).contains("will not"));
        assertThat(textOf(err)).doesNotContain("cancelling");
        try (var stdin = p.getOutputStream()) {
          stdin.write((PW + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rcx exited").isTrue();
        String errText = textOf(err);
        assertThat(p.exitValue()).as(errText).isEqualTo(ExitCodes.CANCELLED);
        assertThat(errText).contains("before the command was sent: it did not run");
        assertThat(textOf(out)).isEmpty();
      } finally {
        p.destroyForcibly();
      }
      assertThat(s.auditEvents("auth_succeeded")).hasSize(2); // the login, then the renewal
      assertThat(s.auditEvents("command_started")).isEmpty();
      assertThat(s.auditEvents("command_run")).isEmpty();
    }
  }

  private static String textOf(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String tokenIn(Path file) throws Exception {
    String json = Files.readString(file);
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("token").asText();
  }

  @Test
  void sessionFile_readableByOthers_refusedWithItsName() throws Exception {
    Path home = dir.resolve("home2");
    try (TestServer s = TestServer.start(dir.resolve("srv2"))) {
      s.addUser("alice", PW);
      assertThat(rcx(home, PW, with(s, "login")).code()).isZero();
      Path f = sessionFiles(home).getFirst();
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
      Finished exec = rcx(home, PW, with(s, "exec", "echo", "x"));
      assertThat(exec.code()).isEqualTo(1);
      assertThat(exec.err()).contains(f.toString()).contains("readable or writable by others");
    }
  }
}
