package dev.rcx.lifecycle;

import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code rcx server} running as a child JVM on 127.0.0.1 with an ephemeral port, started from the
 * test class path, so that tests can send it real signals (SIGTERM through {@link #terminate},
 * SIGKILL through {@link #kill}). Its stdout and stderr are collected; the port and certificate
 * fingerprint are parsed from the startup lines.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("rcx server listening on tls://[^:]+:(\\d+) .*");
  private static final Pattern FINGERPRINT =
      Pattern.compile("certificate SHA-256 fingerprint: (\\S+)");
  private static final Duration STARTUP = Duration.ofSeconds(90); // a JVM start at load 12+

  private final Process process;
  private final List<String> output = new ArrayList<>();
  private int port;
  private @Nullable String fingerprint;

  private ServerProcess(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code rcx server --data-dir dataDir --port 0 [--commands commands] [--config config]}
   * and waits until it listens.
   */
  static ServerProcess start(Path dataDir, @Nullable Path commands, @Nullable Path config)
      throws IOException {
    return start(dataDir, commands, config, List.of());
  }

  /** {@link #start(Path, Path, Path)} with extra JVM options, e.g. system properties. */
  static ServerProcess start(
      Path dataDir, @Nullable Path commands, @Nullable Path config, List<String> jvmOptions)
      throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1"));
    cmd.addAll(jvmOptions);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.rcx.cli.Main",
            "server",
            "--data-dir",
            dataDir.toString(),
            "--port",
            "0"));
    if (commands != null) {
      cmd.addAll(List.of("--commands", commands.toString()));
    }
    if (config != null) {
      cmd.addAll(List.of("--config", config.toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("RCX_LOG_LEVEL", "WARN");
    ServerProcess s = new ServerProcess(pb.start());
    Thread.ofPlatform().daemon().name("server-output").start(s::collectOutput);
    s.awaitListening();
    return s;
  }

  private void collectOutput() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (output) {
          output.add(line);
          output.notifyAll();
        }
      }
    } catch (IOException e) {
      // The process died; what it printed so far is kept.
    }
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    synchronized (output) {
      while (true) {
        for (String line : output) {
          Matcher m = LISTENING.matcher(line);
          if (m.matches()) {
            port = Integer.parseInt(m.group(1));
          }
          Matcher f = FINGERPRINT.matcher(line);
          if (f.matches()) {
            fingerprint = f.group(1);
          }
        }
        if (port != 0 && fingerprint != null) {
          return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && output.isEmpty())) {
          process.destroyForcibly();
          throw new AssertionError(
              "rcx server did not start within " + STARTUP + "; output: " + output);
        }
        try {
          output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 200_000_000L))));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  /** Everything the server printed so far (stdout and stderr). */
  List<String> output() {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  /**
   * A TLS client pinned to this server's certificate; replies time out after {@code readTimeout}.
   */
  RcxClient client(Duration readTimeout) throws IOException {
    ClientTrust trust = new ClientTrust.PinnedFingerprint(fingerprint);
    return RcxClient.connect(
        new RcxClient.Endpoint(
            "127.0.0.1",
            port,
            ClientTls.context(trust),
            ClientTls.parameters(trust, false),
            Duration.ofSeconds(5),
            readTimeout));
  }

  /** A client that has logged in; fails the test if the login is refused. */
  RcxClient loggedIn(String user, String password, Duration readTimeout) throws IOException {
    RcxClient c = client(readTimeout);
    Response.AuthResponse auth = c.login(user, password.toCharArray());
    if (!(auth instanceof Response.AuthResponse.Success)) {
      c.close();
      throw new AssertionError("login of " + user + " refused: " + auth);
    }
    return c;
  }

  /** Sends SIGTERM and waits for the exit; returns the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return awaitExit(timeout);
  }

  /** Sends SIGHUP (through kill(1)); the server should reload, not exit. */
  void hangup() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -HUP " + pid() + " failed");
    }
  }

  /** Sends SIGKILL and waits for the exit. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  private int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "rcx server still running " + timeout + " after the signal; output: " + output());
    }
    return process.exitValue();
  }

  /** Kills the server if a test left it running, together with any command it started. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether {@code pid} is a live process; a zombie, which runs nothing, counts as gone. */
  static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The state letter follows the parenthesised command name, which may itself contain ") ".
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }
}
