package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.testing.UnresponsiveServer;
import dev.rcx.testing.UnresponsiveServer.Behaviour;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rcx exec} never hangs: against a server that accepts and never answers, it exits 255
 * within its timeout with a message that names the server and the option that bounds the wait.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecTimeoutCliTest {
  private static final long BOUND_MILLIS = 15_000;

  @TempDir Path dir;

  private static Cli.Result exec(UnresponsiveServer s, String... options) {
    String[] args =
        concat(
            new String[] {
              "exec",
              "--port",
              String.valueOf(s.port()),
              "-u",
              "alice",
              "--password-stdin",
              "--fingerprint",
              s.fingerprint()
            },
            options);
    return Cli.withStdin("long-enough-password\n", concat(args, "uptime"));
  }

  @Test
  void exec_tcpAcceptedNoTls_255NamingHostPortWithinConnectTimeout() throws Exception {
    try (UnresponsiveServer s = UnresponsiveServer.start(Behaviour.ACCEPT_ONLY, dir)) {
      long start = System.nanoTime();
      Cli.Result r = exec(s, "--connect-timeout", "1s");
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(r.code()).as(r.toString()).isEqualTo(255);
      assertThat(r.err())
          .contains("127.0.0.1:" + s.port())
          .contains("no TLS handshake within 1s (--connect-timeout)");
      assertThat(took).isLessThan(BOUND_MILLIS);
    }
  }

  @Test
  void exec_tlsThenNoReplyToLogin_255WithinTimeout() throws Exception {
    try (UnresponsiveServer s = UnresponsiveServer.start(Behaviour.TLS_THEN_SILENT, dir)) {
      long start = System.nanoTime();
      Cli.Result r = exec(s, "--timeout", "2s");
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(r.code()).as(r.toString()).isEqualTo(255);
      assertThat(r.err())
          .contains("no reply from 127.0.0.1:" + s.port() + " within 2s (--timeout)");
      assertThat(took).isBetween(1_900L, BOUND_MILLIS);
    }
  }

  @Test
  void exec_loggedInButCommandNeverAnswered_255WithinTimeout() throws Exception {
    try (UnresponsiveServer s = UnresponsiveServer.start(Behaviour.TLS_LOGIN_THEN_SILENT, dir)) {
      long start = System.nanoTime();
      Cli.Result r = exec(s, "--timeout", "2s");
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(r.code()).as(r.toString()).isEqualTo(255);
      assertThat(r.err())
          .contains("no reply from 127.0.0.1:" + s.port() + " within 2s (--timeout)")
          .contains("stops the command");
      assertThat(took).isBetween(1_900L, BOUND_MILLIS);
    }
  }

  @Test
  void exec_badTimeoutValue_usage254() {
    Cli.Result r = Cli.run("exec", "--timeout", "soon", "uptime");
    assertThat(r.code()).as(r.toString()).isEqualTo(254);
    assertThat(r.err()).contains("--timeout").contains("soon");
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
