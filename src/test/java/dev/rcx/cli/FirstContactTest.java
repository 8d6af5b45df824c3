package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rcx.testing.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator meets in the first ten minutes, run as the real {@code rcx} process: exit codes,
 * the messages that name the thing and the fix, the data dir created owner-only, and the audit
 * verification key that is never lost.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FirstContactTest {
  @TempDir Path dir;
  RcxProcess rcx;

  @BeforeEach
  void setUp() {
    rcx = new RcxProcess(dir);
  }

  @Test
  void noArguments_exit254AfterTheUsageLine() throws Exception {
    RcxProcess.Finished f = rcx.run();
    assertThat(f.code()).as(f.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(f.out()).isEmpty();
    assertThat(f.err().lines().toList())
        .hasSize(2)
        .satisfies(l -> assertThat(l.get(0)).startsWith("Usage: rcx"))
        .satisfies(l -> assertThat(l.get(1)).contains("missing command", "exec", "rcx --help"));
  }

  @Test
  void usageError_isOneLineAndAHint_notTheWholeHelp() throws Exception {
    RcxProcess.Finished f = rcx.run("exec", "--bogus", "uptime");
    assertThat(f.code()).as(f.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(f.err().lines().toList())
        .containsExactly("Error: Unknown option: '--bogus'", "Try 'rcx exec --help' for more.");
  }

  @Test
  void userAdd_missingDataDir_createsItOwnerOnly() throws Exception {
    Path data = dir.resolve("new/data");
    RcxProcess.Finished f =
        rcx.stdin("correct horse battery\n")
            .run("user", "add", "alice", "--data-dir", data.toString(), "--password-stdin");
    assertThat(f.code()).as(f.toString()).isZero();
    assertThat(Files.getPosixFilePermissions(data))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(data.resolve("users.json")).exists();
  }

  @Test
  void server_dataDirIsAFile_namesItAndTheOption() throws Exception {
    Path file = Files.writeString(dir.resolve("afile"), "x");
    RcxProcess.Finished f = rcx.run("server", "--port", "0", "--data-dir", file.toString());
    assertThat(f.code()).as(f.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(f.err().strip())
        .isEqualTo(
            "Error: data dir "
                + file
                + " exists but is not a directory; pass --data-dir with a directory (it is"
                + " created if missing)");
  }

  @Test
  @SuppressWarnings("try") // the server only has to be running; the check is on its data dir
  void server_newDataDir_isCreatedOwnerOnly() throws Exception {
    Path data = dir.resolve("srv/data");
    try (RcxProcess.Server s =
        rcx.startServer("server", "--port", "0", "--data-dir", data.toString())) {
      assertThat(Files.getPosixFilePermissions(data))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void server_portInUse_namesAddressAndFix_leavesNoLogThenNextStartShowsTheKey() throws Exception {
    Path data = dir.resolve("data");
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();
      RcxProcess.Finished f =
          rcx.run("server", "--port", String.valueOf(port), "--data-dir", data.toString());
      assertThat(f.code()).as(f.toString()).isEqualTo(ExitCodes.FAILED);
      assertThat(f.err())
          .contains("cannot listen on 127.0.0.1:" + port, "already in use", "--port");
      assertThat(f.err().lines()).hasSize(1);
    }
    // The failed start left no audit log behind whose one-time key nobody saw...
    assertThat(data.resolve("audit.log")).doesNotExist();
    assertThat(data.resolve("audit.log.key")).doesNotExist();
    // ...so the next start creates it and hands out the key.
    try (RcxProcess.Server s =
        rcx.startServer("server", "--port", "0", "--data-dir", data.toString())) {
      awaitOutput(s, "rcx-audit-key:v1:");
      assertThat(s.out()).contains("NEW AUDIT LOG " + data.resolve("audit.log"));
    }
  }

  @Test
  void server_addressNotOnThisMachine_saysSoAndNamesBind() throws Exception {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never configured on a real interface.
    RcxProcess.Finished f =
        rcx.run(
            "server",
            "--bind",
            "192.0.2.1",
            "--port",
            "0",
            "--data-dir",
            dir.resolve("data").toString());
    assertThat(f.code()).as(f.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(f.err()).contains("cannot listen on 192.0.2.1:0", "no network interface", "--bind");
    assertThat(dir.resolve("data/audit.log")).doesNotExist();
  }

  @Test
  void server_unknownAndDuplicateConfigKeys_oneLineWithFileLineAndKey() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("rcx.yaml"), "port: 0\nlimits:\n  idle_timeout: 5m\n  idle_timout: 3m\n");
    RcxProcess.Finished f =
        rcx.run("server", "--config", config.toString(), "--data-dir", dir.resolve("d").toString());
    assertThat(f.code()).as(f.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(f.err()).startsWith("Error: " + config + ":4: limits.idle_timout: unknown setting");
    assertThat(f.err().lines()).hasSize(1);

    Files.writeString(config, "port: 0\nbind: 127.0.0.1\nport: 7443\n");
    f = rcx.run("server", "--config", config.toString(), "--data-dir", dir.resolve("d").toString());
    assertThat(f.code()).as(f.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(f.err())
        .startsWith("Error: " + config + ":3: port: duplicate key (first at line 1)");
    assertThat(dir.resolve("d/audit.log")).doesNotExist();
  }

  @Test
  void server_keyOutFile_keyOnlyThere_thenVerifyReadsItFromFileOrStdin() throws Exception {
    Path data = dir.resolve("data");
    Path keyFile = dir.resolve("offline/audit.key");
    Files.createDirectories(keyFile.getParent());
    try (RcxProcess.Server s =
        rcx.startServer(
            "server",
            "--port",
            "0",
            "--data-dir",
            data.toString(),
            "--key-out",
            keyFile.toString())) {
      awaitOutput(s, "NEW AUDIT LOG");
      assertThat(s.out()).contains("written to " + keyFile).doesNotContain("rcx-audit-key:");
      assertThat(s.err()).doesNotContain("rcx-audit-key:");
    }
    assertThat(Files.getPosixFilePermissions(keyFile))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String key =
        Files.readAllLines(keyFile).stream()
            .filter(l -> l.startsWith("rcx-audit-key:"))
            .findFirst()
            .orElseThrow();
    Path log = data.resolve("audit.log");

    RcxProcess.Finished byFile =
        rcx.run("audit", "verify", "--file", log.toString(), "--key-file", keyFile.toString());
    assertThat(byFile.code()).as(byFile.toString()).isZero();
    assertThat(byFile.out()).startsWith("OK:");

    RcxProcess.Finished byStdin =
        new RcxProcess(dir)
            .stdin(key + "\n")
            .run("audit", "verify", "--data-dir", data.toString(), "--key-stdin");
    assertThat(byStdin.code()).as(byStdin.toString()).isZero();

    // A second start: the log exists, so nothing is written and the old key file is not touched.
    try (RcxProcess.Server s =
        rcx.startServer(
            "server",
            "--port",
            "0",
            "--data-dir",
            data.toString(),
            "--key-out",
            dir.resolve("other.key").toString())) {
      assertThat(s.err()).contains("exists already", "nothing is written");
    }
    assertThat(dir.resolve("other.key")).doesNotExist();
  }

  @Test
  void server_keyOutExistingFile_refusedBeforeTheLogExists() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("old.key"), "rcx-audit-key:v1:old\n");
    Path data = dir.resolve("data");
    RcxProcess.Finished f =
        rcx.run(
            "server",
            "--port",
            "0",
            "--data-dir",
            data.toString(),
            "--key-out",
            keyFile.toString());
    assertThat(f.code()).as(f.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(f.err()).contains("--key-out " + keyFile, "exists already", "never overwrites");
    assertThat(Files.readString(keyFile)).isEqualTo("rcx-audit-key:v1:old\n");
    assertThat(data.resolve("audit.log")).doesNotExist();
  }

  @Test
  void server_keyOutFd_writesToTheRedirectedDescriptor_refusesOneNotRedirected() throws Exception {
    Path data = dir.resolve("data");
    Path keyFile = dir.resolve("fd3.key");
    RcxProcess viaShell =
        new RcxProcess(dir)
            .env("KEY_FILE", keyFile.toString())
            .under("bash", "-c", "exec \"$@\" 3>\"$KEY_FILE\"", "bash");
    try (RcxProcess.Server s =
        viaShell.startServer(
            "server", "--port", "0", "--data-dir", data.toString(), "--key-out", "fd:3")) {
      awaitOutput(s, "NEW AUDIT LOG");
      assertThat(s.out()).contains("file descriptor 3").doesNotContain("rcx-audit-key:");
    }
    assertThat(Files.readString(keyFile)).contains("rcx-audit-key:v1:");

    Path data2 = dir.resolve("data2");
    RcxProcess.Finished f =
        rcx.run("server", "--port", "0", "--data-dir", data2.toString(), "--key-out", "fd:7");
    assertThat(f.code()).as(f.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(f.err()).contains("--key-out fd:7", "7>");
    assertThat(data2.resolve("audit.log")).doesNotExist();
  }

  @Test
  void auditVerify_noLog_exit2_tampered_exit1() throws Exception {
    RcxProcess.Finished none = rcx.run("audit", "verify", "--data-dir", dir.toString());
    assertThat(none.code()).as(none.toString()).isEqualTo(AuditCommand.NO_LOG);
    assertThat(none.err()).contains("no audit log at " + dir.resolve("audit.log"));

    Path data = dir.resolve("data");
    try (RcxProcess.Server s =
        rcx.startServer("server", "--port", "0", "--data-dir", data.toString())) {
      awaitOutput(s, "NEW AUDIT LOG");
    }
    Path log = data.resolve("audit.log");
    Files.writeString(log, Files.readString(log).replaceFirst("\"seq\":1,", "\"seq\":7,"));
    RcxProcess.Finished tampered = rcx.run("audit", "verify", "--file", log.toString());
    assertThat(tampered.code()).as(tampered.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(tampered.err()).startsWith("TAMPERED:");
  }

  @Test
  void exec_sshStyleHost_userAndPortInHost() throws Exception {
    // Parsing is not the process's behaviour: in-process, to spare two JVMs and two Argon2 logins.
    try (TestServer s = TestServer.start(dir.resolve("srv"))) {
      s.addUser("alice", "pw-for-alice");
      Cli.Result hostPort =
          Cli.withStdin(
              "pw-for-alice\n",
              "exec",
              "--host",
              "127.0.0.1:" + s.port(),
              "-u",
              "alice",
              "--password-stdin",
              "--fingerprint",
              s.fingerprint(),
              "echo",
              "host-port");
      assertThat(hostPort.code()).as(hostPort.toString()).isZero();
      assertThat(hostPort.out()).isEqualTo("host-port\n");

      Cli.Result userHostPort =
          Cli.withStdin(
              "pw-for-alice\n",
              "exec",
              "--host",
              "alice@127.0.0.1:" + s.port(),
              "--password-stdin",
              "--fingerprint",
              s.fingerprint(),
              "echo",
              "user-host-port");
      assertThat(userHostPort.code()).as(userHostPort.toString()).isZero();
      assertThat(userHostPort.out()).isEqualTo("user-host-port\n");

      Cli.Result twoPorts =
          Cli.run("exec", "--host", "127.0.0.1:" + s.port(), "--port", "1", "echo", "x");
      assertThat(twoPorts.code()).as(twoPorts.toString()).isEqualTo(ExitCodes.USAGE);
      assertThat(twoPorts.err()).contains("--host", "--port says 1", "give the port once");
    }
  }

  @Test
  void exec_malformedFingerprint_exit254NamingTheOption() throws Exception {
    RcxProcess.Finished f =
        new RcxProcess(dir)
            .env("RCX_PASSWORD", "pw")
            .run("exec", "--port", "1", "--fingerprint", "SHA256:abc", "uptime");
    assertThat(f.code()).as(f.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(f.err()).contains("--fingerprint", "'SHA256:abc'", "Try 'rcx exec --help'");
  }

  @Test
  void userList_usersFileNotReadable_namesFileAndFix() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path users = Files.writeString(data.resolve("users.json"), "{}");
    Files.setPosixFilePermissions(users, Set.of());
    RcxProcess unprivileged = new RcxProcess(dir);
    if (isRoot()) {
      // Root reads any file; without these two capabilities it is held to the file's mode.
      assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv not installed");
      unprivileged.under("setpriv", "--bounding-set", "-dac_override,-dac_read_search");
    }
    RcxProcess.Finished f = unprivileged.run("user", "list", "--data-dir", data.toString());
    assertThat(f.code()).as(f.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(f.err().strip())
        .isEqualTo(
            "Error: permission denied on "
                + users
                + ": run rcx as the user that owns it (see ls -ld "
                + users
                + "), or give that user access");
  }

  private static boolean isRoot() throws Exception {
    return "0".equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString());
  }

  private static void awaitOutput(RcxProcess.Server s, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!s.out().contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(s.out()).contains(text);
  }
}
