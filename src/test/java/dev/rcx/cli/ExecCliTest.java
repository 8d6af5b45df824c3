package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.testing.TestServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code rcx exec} against a real server: exit codes, output streams and server trust. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecCliTest {
  private static final String PW = "cli-password";

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

  /**
   * {@code rcx exec} as alice with the password on stdin, pinned to the server, plus {@code rest}.
   */
  private static Cli.Result exec(String... rest) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "exec",
                "--port",
                String.valueOf(server.port()),
                "-u",
                "alice",
                "--password-stdin",
                "--fingerprint",
                server.fingerprint()));
    args.addAll(List.of(rest));
    return Cli.withStdin(PW + "\n", args.toArray(String[]::new));
  }

  @Test
  void exec_success_exitZeroAndStdout() {
    Cli.Result r = exec("echo", "hello", "world");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("hello world\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void exec_remoteExitCode_passedThrough() {
    assertThat(exec("exit", "3").code()).isEqualTo(3);
    assertThat(exec("exit 42").code()).isEqualTo(42);
  }

  @Test
  void exec_stdoutAndStderr_separated() {
    Cli.Result r = exec("both");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("out\n");
    assertThat(r.err()).isEqualTo("err\n");
  }

  @Test
  void exec_argsAfterCommand_passedLiterally() {
    Cli.Result r = exec("args", "a b; id", "--not-an-option");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("[a b; id]\n[--not-an-option]\n");
  }

  @Test
  void exec_notWhitelisted_251() {
    Cli.Result r = exec("rm", "-rf", "/");
    assertThat(r.code()).isEqualTo(251);
    assertThat(r.err()).startsWith("Error: COMMAND_NOT_ALLOWED");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void exec_shellSyntax_251() {
    assertThat(exec("echo hi; id").code()).isEqualTo(251);
  }

  @Test
  void exec_timedOut_124() {
    Cli.Result r = exec("nap");
    assertThat(r.code()).isEqualTo(124);
    assertThat(r.err()).contains("timed out");
  }

  @Test
  void exec_wrongPassword_252() {
    Cli.Result r =
        Cli.withStdin(
            "not-the-password\n",
            "exec",
            "--port",
            String.valueOf(server.port()),
            "-u",
            "alice",
            "--password-stdin",
            "--fingerprint",
            server.fingerprint(),
            "echo",
            "x");
    assertThat(r.code()).isEqualTo(252);
    assertThat(r.err()).contains("invalid username or password");
  }

  @Test
  void exec_connectionRefused_255() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Cli.Result r =
        Cli.withStdin(
            PW + "\n",
            "exec",
            "--port",
            String.valueOf(closedPort),
            "-u",
            "alice",
            "--password-stdin",
            "--fingerprint",
            server.fingerprint(),
            "echo",
            "x");
    assertThat(r.code()).isEqualTo(255);
    assertThat(r.err()).startsWith("Error: cannot connect to 127.0.0.1:" + closedPort);
  }

  @Test
  void exec_wrongFingerprint_255AndPasswordNeverSent() {
    int before =
        server.auditEvents("auth_failed").size() + server.auditEvents("auth_succeeded").size();
    Cli.Result r =
        Cli.withStdin(
            PW + "\n",
            "exec",
            "--port",
            String.valueOf(server.port()),
            "-u",
            "alice",
            "--password-stdin",
            "--fingerprint",
            "AB".repeat(32),
            "echo",
            "x");
    assertThat(r.code()).as(r.toString()).isEqualTo(255);
    assertThat(r.err()).contains("TLS handshake");
    assertThat(
            server.auditEvents("auth_failed").size() + server.auditEvents("auth_succeeded").size())
        .isEqualTo(before);
  }

  @Test
  void exec_noStdinPassword_usage254() {
    Cli.Result r =
        Cli.withStdin(
            "",
            "exec",
            "--port",
            String.valueOf(server.port()),
            "-u",
            "alice",
            "--password-stdin",
            "--fingerprint",
            server.fingerprint(),
            "echo",
            "x");
    assertThat(r.code()).isEqualTo(254);
  }

  @Test
  void cacert_serverCertificate_trustedByIpAndLocalhost() {
    String cert = server.dataDir().resolve("server.crt").toString();
    for (String host : List.of("127.0.0.1", "localhost")) {
      Cli.Result r =
          Cli.withStdin(
              PW + "\n",
              "exec",
              "--host",
              host,
              "--port",
              String.valueOf(server.port()),
              "-u",
              "alice",
              "--password-stdin",
              "--cacert",
              cert,
              "echo",
              "via",
              host);
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out()).isEqualTo("via " + host + "\n");
    }
  }

  @Test
  void cacert_otherServersCertificate_255() throws Exception {
    try (TestServer other = TestServer.start(dir)) {
      Cli.Result r =
          Cli.withStdin(
              PW + "\n",
              "exec",
              "--port",
              String.valueOf(server.port()),
              "-u",
              "alice",
              "--password-stdin",
              "--cacert",
              other.dataDir().resolve("server.crt").toString(),
              "echo",
              "x");
      assertThat(r.code()).as(r.toString()).isEqualTo(255);
    }
  }

  @Test
  void knownHosts_acceptNew_storesEntryThenTrustsWithoutFlag() throws Exception {
    Path knownHosts = dir.resolve("known_hosts");
    String[] base = {
      "exec",
      "--port",
      String.valueOf(server.port()),
      "-u",
      "alice",
      "--password-stdin",
      "--known-hosts",
      knownHosts.toString()
    };
    Cli.Result first = Cli.withStdin(PW + "\n", concat(base, "--accept-new", "echo", "first"));
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out()).isEqualTo("first\n");
    String stored = Files.readString(knownHosts);
    assertThat(stored).contains("127.0.0.1:" + server.port()).contains(server.fingerprint());

    Cli.Result second = Cli.withStdin(PW + "\n", concat(base, "echo", "second"));
    assertThat(second.code()).as(second.toString()).isZero();
    assertThat(Files.readString(knownHosts)).isEqualTo(stored);
  }

  @Test
  void knownHosts_unknownServerWithoutAcceptNew_255NamesFingerprint() {
    Path knownHosts = dir.resolve("known_hosts");
    Cli.Result r =
        Cli.withStdin(
            PW + "\n",
            "exec",
            "--port",
            String.valueOf(server.port()),
            "-u",
            "alice",
            "--password-stdin",
            "--known-hosts",
            knownHosts.toString(),
            "echo",
            "x");
    assertThat(r.code()).isEqualTo(255);
    assertThat(r.err()).contains(server.fingerprint()).contains("--accept-new");
    assertThat(Files.exists(knownHosts)).isFalse();
  }

  @Test
  void knownHosts_certificateChangedAtSameAddress_refusedLoudlyEvenWithAcceptNew()
      throws Exception {
    Path knownHosts = dir.resolve("known_hosts");
    int port;
    String oldFingerprint;
    try (TestServer first = TestServer.start(dir.resolve("first"))) {
      first.addUser("alice", PW);
      port = first.port();
      oldFingerprint = first.fingerprint();
      Cli.Result r = knownHostsExec(port, knownHosts);
      assertThat(r.code()).as(r.toString()).isZero();
    }
    // Same address, new identity (a fresh data directory generates a new key).
    try (TestServer impostor = TestServer.start(dir.resolve("second"), c -> c.withPort(port))) {
      impostor.addUser("alice", PW);
      assertThat(impostor.fingerprint()).isNotEqualTo(oldFingerprint);
      Cli.Result r = knownHostsExec(port, knownHosts);
      assertThat(r.code()).as(r.toString()).isEqualTo(255);
      assertThat(r.err()).containsIgnoringCase("changed").contains(impostor.fingerprint());
      assertThat(r.out()).isEmpty();
      assertThat(impostor.auditEvents("auth_succeeded")).as("password never sent").isEmpty();
      assertThat(Files.readString(knownHosts))
          .contains(oldFingerprint)
          .doesNotContain(impostor.fingerprint());
    }
  }

  private static Cli.Result knownHostsExec(int port, Path knownHosts) {
    return Cli.withStdin(
        PW + "\n",
        "exec",
        "--port",
        String.valueOf(port),
        "-u",
        "alice",
        "--password-stdin",
        "--known-hosts",
        knownHosts.toString(),
        "--accept-new",
        "echo",
        "x");
  }

  @Test
  void trustOptions_twoChosenBeforeCommand_usage254AfterCommand_remoteArgs() {
    Cli.Result r = exec("echo", "--insecure");
    // --insecure after the command name belongs to the remote command: it is an argument, not an
    // option.
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("--insecure\n");
    assertThat(r.err()).doesNotContain("Warning");
    Cli.Result both =
        Cli.withStdin(
            PW + "\n",
            "exec",
            "--port",
            String.valueOf(server.port()),
            "-u",
            "alice",
            "--password-stdin",
            "--fingerprint",
            server.fingerprint(),
            "--insecure",
            "echo",
            "x");
    assertThat(both.code()).isEqualTo(254);
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }
}
