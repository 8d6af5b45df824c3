package dev.rcx.bench.openssh;

import dev.rcx.bench.Driver;
import dev.rcx.bench.OperationFailedException;
import dev.rcx.bench.Target;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The OpenSSH client binary itself, one {@code ssh} process per command, spawned by the load
 * thread: the reference figures issue 4 quotes. Its only workload is {@code session} (connect and
 * login are no-ops; each command is a whole {@code ssh} run), in one of three {@link Mode}s.
 */
final class SshBinaryTarget implements Target, AutoCloseable {
  private static final File DEV_NULL = new File("/dev/null");

  /** How each {@code ssh} run reaches the server. */
  enum Mode {
    /**
     * Through one {@code ControlMaster} connection that all clients share: a channel per command.
     */
    MUX("ssh-mux", "ssh through one ControlMaster connection (a channel per command)"),
    /** A new connection per command with the client's default key exchange. */
    NEW("ssh-new", "ssh, new connection per command, default key exchange"),
    /** A new connection per command with {@code curve25519-sha256}. */
    NEW_CURVE25519(
        "ssh-new-c25519", "ssh, new connection per command, KexAlgorithms=curve25519-sha256");

    final String label;
    final String description;

    Mode(String label, String description) {
      this.label = label;
      this.description = description;
    }
  }

  private final Mode mode;
  private final List<String> argv;
  private final List<String> base;
  private final @Nullable Process master;
  private final Duration timeout;

  private SshBinaryTarget(
      Mode mode, List<String> base, List<String> argv, @Nullable Process master, Duration timeout) {
    this.mode = mode;
    this.base = base;
    this.argv = argv;
    this.master = master;
    this.timeout = timeout;
  }

  /**
   * Prepares the target; for {@link Mode#MUX} starts the master connection (socket in {@code
   * workDir}) and waits until it answers.
   */
  static SshBinaryTarget start(
      Mode mode,
      String host,
      int port,
      String user,
      Path identity,
      Path knownHosts,
      String command,
      Path workDir,
      Duration timeout)
      throws IOException, InterruptedException {
    List<String> base =
        new ArrayList<>(
            List.of(
                "ssh",
                "-F",
                "/dev/null",
                "-i",
                identity.toString(),
                "-p",
                Integer.toString(port),
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "BatchMode=yes",
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                "UserKnownHostsFile=" + knownHosts,
                "-o",
                "LogLevel=ERROR"));
    Process master = null;
    switch (mode) {
      case MUX -> {
        Path socket = workDir.resolve("cm-" + ProcessHandle.current().pid() + ".sock");
        base.addAll(List.of("-o", "ControlPath=" + socket));
        List<String> start = new ArrayList<>(base);
        start.addAll(
            List.of("-o", "ControlMaster=yes", "-o", "ControlPersist=no", "-N", user + "@" + host));
        master =
            new ProcessBuilder(start).redirectInput(DEV_NULL).redirectErrorStream(true).start();
        awaitMaster(base, user + "@" + host, master, timeout);
        base.addAll(List.of("-o", "ControlMaster=no"));
      }
      case NEW -> base.addAll(List.of("-o", "ControlMaster=no", "-o", "ControlPath=none"));
      case NEW_CURVE25519 ->
          base.addAll(
              List.of(
                  "-o",
                  "ControlMaster=no",
                  "-o",
                  "ControlPath=none",
                  "-o",
                  "KexAlgorithms=curve25519-sha256"));
    }
    List<String> argv = new ArrayList<>(base);
    argv.add(user + "@" + host);
    argv.add(command);
    return new SshBinaryTarget(mode, List.copyOf(base), List.copyOf(argv), master, timeout);
  }

  private static void awaitMaster(
      List<String> base, String destination, Process master, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!master.isAlive()) {
        String out =
            new String(master.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        throw new IOException("ssh ControlMaster exited with " + master.exitValue() + ": " + out);
      }
      if (run(control(base, "check", destination), timeout) == 0) {
        return;
      }
      Thread.sleep(100);
    }
    master.destroyForcibly();
    throw new IOException("ssh ControlMaster did not answer 'ssh -O check' within " + timeout);
  }

  private static List<String> control(List<String> base, String op, String destination) {
    List<String> c = new ArrayList<>(base);
    c.addAll(List.of("-O", op, destination));
    return c;
  }

  private static int run(List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectInput(DEV_NULL)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  Mode mode() {
    return mode;
  }

  @Override
  public String transport() {
    return mode.label;
  }

  @Override
  public Driver newDriver(int client) {
    return new BinaryDriver();
  }

  @Override
  public void close() throws IOException {
    if (master == null) {
      return;
    }
    try {
      run(control(base, "exit", argv.get(argv.size() - 2)), Duration.ofSeconds(5));
      if (!master.waitFor(5, TimeUnit.SECONDS)) {
        master.destroyForcibly();
      }
    } catch (InterruptedException e) {
      master.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Each command is one {@code ssh} process: stdin from /dev/null, output read to the end, exit
   * status 0.
   */
  private final class BinaryDriver implements Driver {
    private volatile @Nullable Process running;

    @Override
    public long connect() {
      return 0;
    }

    @Override
    public void login() {}

    @Override
    public void resume() {}

    @Override
    public void execute() throws IOException, OperationFailedException {
      Process p =
          new ProcessBuilder(argv).redirectInput(DEV_NULL).redirectErrorStream(true).start();
      running = p;
      try {
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new OperationFailedException("TIMED_OUT", "ssh did not exit within " + timeout);
        }
        if (p.exitValue() != 0) {
          String first =
              new String(out, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
          throw new OperationFailedException(
              "EXIT_" + p.exitValue(), "ssh exited with " + p.exitValue() + ": " + first);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for ssh", e);
      } finally {
        running = null;
      }
    }

    @Override
    public void logout() {}

    @Override
    public void disconnect() {}

    @Override
    public void close() {
      Process p = running;
      if (p != null) {
        p.destroyForcibly();
      }
    }
  }
}
