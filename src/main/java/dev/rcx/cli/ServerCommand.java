package dev.rcx.cli;

import dev.rcx.config.ConfigLoader;
import dev.rcx.config.ServerConfig;
import dev.rcx.server.ControlSocket;
import dev.rcx.server.RcxServer;
import dev.rcx.server.ReloadResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rcx server}: runs a server until SIGTERM or SIGINT, then shuts down gracefully and exits
 * 0. SIGHUP (or {@code rcx server reload}) re-reads the policy without a restart.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Run an rcx server.",
      "SIGHUP or `rcx server reload` re-reads the config file's reloadable settings and the"
          + " whitelist; a broken file is refused and the old policy stays in force."
    },
    subcommands = ServerCommand.Reload.class)
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      description = "Users, certificate, key and audit log live here (default: ${DEFAULT-VALUE}).")
  Path dataDir = DataDirs.defaultServerDir();

  @Option(
      names = "--config",
      description = "YAML configuration file (optional; every key: docs/CONFIGURATION.md).")
  @Nullable Path config;

  @Option(
      names = "--bind",
      description = "Address to listen on (default 127.0.0.1, or the config file's).")
  @Nullable String bind;

  @Option(
      names = "--port",
      description = "TCP port (default 7443, or the config file's; 0 picks a free one).")
  @Nullable Integer port;

  @Option(
      names = "--commands",
      description = "Whitelist file (YAML); default: the built-in read-only commands.")
  @Nullable Path commands;

  @Option(
      names = "--key-out",
      paramLabel = "FILE|fd:N",
      description =
          "When this start creates the audit log, write its verification key here (a new file,"
              + " mode 600, or an open file descriptor such as fd:3) instead of printing it.")
  @Nullable String keyOut;

  @Option(
      names = "--regenerate-cert",
      description =
          "Replace the generated server.crt and server.key by new ones for today's host names,"
              + " addresses and tls.names. The fingerprint changes: clients must accept it again.")
  boolean regenerateCert;

  @Option(
      names = "--no-tls",
      description = "Plaintext, for the TLS-vs-plaintext benchmark only; loopback only.")
  boolean noTls;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ServerConfig cfg = effectiveConfig();
    if (noTls) {
      err.println(
          "WARNING: --no-tls: traffic, passwords and tokens are NOT encrypted. For benchmarks on loopback only.");
    }
    Path data = DataDirs.prepare(dataDir);
    // Opened before the server starts: a destination that cannot take the key must fail the start
    // before the log (and its one-time key) exists.
    KeyOut keySink = keyOut == null ? null : KeyOut.open(keyOut, data.resolve("audit.log"), err);
    CountDownLatch stop = new CountDownLatch(1);
    Signals.handle("TERM", stop::countDown);
    Signals.handle("INT", stop::countDown);
    // Replaces the JVM's default for HUP, which is to exit. Set before the server starts, so a HUP
    // that arrives during start-up is not fatal; one that arrives before the server exists is
    // ignored (the server reads the files as they are then anyway).
    AtomicReference<RcxServer> running = new AtomicReference<>();
    Signals.handle("HUP", () -> reloadOnSignal(running.get(), out, err));
    try (RcxServer server = start(cfg, data, keySink)) {
      running.set(server);
      out.printf(
          "rcx server listening on %s://%s (data dir %s)%n",
          server.tls() ? "tls" : "tcp", server.listenAddress(), data);
      if (server.tls()) {
        out.println("certificate SHA-256 fingerprint: " + server.fingerprint());
      }
      if (!server.certificateMissingNames().isEmpty()) {
        err.println(
            "Warning: the server certificate in "
                + dataDir.toAbsolutePath()
                + " does not name "
                + String.join(", ", server.certificateMissingNames())
                + " (from tls.names or --bind), so --cacert clients using those names will fail;"
                + " restart once with --regenerate-cert (the fingerprint changes).");
      }
      server.takeAuditVerificationKey().ifPresent(key -> showKey(server, key, keySink, out, err));
      out.flush();
      stop.await();
      out.println("rcx server: shutting down");
      out.flush();
      running.set(null);
    }
    return ExitCodes.OK;
  }

  private RcxServer start(ServerConfig cfg, Path data, @Nullable KeyOut keySink) {
    try {
      RcxServer.Builder builder = RcxServer.builder(cfg, data).policySource(this::effectiveConfig);
      if (regenerateCert) {
        builder.regenerateCertificate();
      }
      return builder.start();
    } catch (RuntimeException e) {
      if (keySink != null) {
        keySink.abandon();
      }
      BindException bind = Errors.find(e, BindException.class);
      if (bind != null) {
        throw new CliException(
            ExitCodes.FAILED, Errors.bind(cfg.bind() + ":" + cfg.port(), bind), e);
      }
      throw e;
    }
  }

  /** The new log's key goes to --key-out, or else to stdout: never lost, and shown only once. */
  private static void showKey(
      RcxServer server, String key, @Nullable KeyOut keySink, PrintWriter out, PrintWriter err) {
    if (keySink != null) {
      try {
        keySink.write(key, server.auditLog());
        out.println(
            "NEW AUDIT LOG "
                + server.auditLog()
                + ". Its verification key was written to "
                + keySink.name()
                + " (not shown here).");
        out.println(
            "Move it OFF this machine; `rcx audit verify --key-file FILE` then proves sealed records"
                + " were not altered.");
        return;
      } catch (IOException e) {
        err.println(
            "Error: cannot write the audit verification key to "
                + keySink.name()
                + ": "
                + e.getMessage()
                + "; printing it below instead, as it cannot be shown again.");
      }
    }
    out.println(
        "NEW AUDIT LOG " + server.auditLog() + ". Its verification key, shown only this once:");
    out.println("  " + key);
    out.println(
        "Keep it OFF this machine; `rcx audit verify --key-stdin` (or --key-file) then proves sealed"
            + " records were not altered. `--key-out FILE` writes it to a file instead.");
  }

  /** The config file (read afresh) with this command line's options applied on top. */
  private ServerConfig effectiveConfig() {
    ServerConfig cfg = config == null ? ServerConfig.defaults() : ConfigLoader.load(config);
    if (bind != null) {
      cfg = cfg.withBind(bind);
    }
    if (port != null) {
      cfg = cfg.withPort(port);
    }
    if (commands != null) {
      cfg = cfg.withCommandsFile(commands.toAbsolutePath());
    }
    if (noTls) {
      cfg = cfg.withTls(cfg.tls().withEnabled(false));
    }
    return cfg;
  }

  /** Runs on the JVM's signal thread; the outcome is audited and printed for the journal. */
  private static void reloadOnSignal(@Nullable RcxServer server, PrintWriter out, PrintWriter err) {
    if (server == null) {
      return;
    }
    switch (server.reload("signal")) {
      case ReloadResult.Reloaded r -> {
        out.println("rcx server: SIGHUP: " + r.describe());
        out.flush();
      }
      case ReloadResult.Rejected r -> {
        err.println("rcx server: SIGHUP: " + r.describe());
        err.flush();
      }
    }
  }

  /** {@code rcx server reload}: asks the running server to reload, and reports what it did. */
  @Command(
      name = "reload",
      mixinStandardHelpOptions = true,
      description = {
        "Ask the server running with this data dir to re-read its policy (as SIGHUP does), and"
            + " print the outcome.",
        "Talks to DATA_DIR/control.sock (mode 0600: run it as the server's user or root).",
        "Exit status: 0 reloaded, 1 the new policy was rejected (the old one stays in force),"
            + " 255 no server answered."
      })
  static final class Reload implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--data-dir",
        description = "The running server's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = DataDirs.defaultServerDir();

    @Option(
        names = "--timeout",
        description =
            "How long to wait for the server's answer, like 30s (default: ${DEFAULT-VALUE}).")
    String timeout = "30s";

    @Override
    public Integer call() {
      String reply;
      try {
        reply =
            ControlSocket.request(
                dataDir.toAbsolutePath(), "reload", ControlReplies.timeout(timeout));
      } catch (IOException e) {
        throw new CliException(ExitCodes.CONNECTION_FAILED, Errors.message(e));
      }
      return ControlReplies.print(reply, spec);
    }
  }
}
