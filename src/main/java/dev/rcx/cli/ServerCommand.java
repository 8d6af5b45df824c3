package dev.rcx.cli;

import dev.rcx.config.ConfigLoader;
import dev.rcx.config.ServerConfig;
import dev.rcx.server.RcxServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code rcx server}: runs a server until SIGTERM or SIGINT, then shuts down gracefully and exits
 * 0.
 */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run an rcx server.")
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      description = "Users, certificate, key and audit log live here (default: ${DEFAULT-VALUE}).")
  Path dataDir = DataDirs.defaultServerDir();

  @Option(
      names = "--config",
      description = "YAML configuration file (optional; every key: docs/CONFIGURATION.md).")
  Path config;

  @Option(
      names = "--bind",
      description = "Address to listen on (default 127.0.0.1, or the config file's).")
  String bind;

  @Option(
      names = "--port",
      description = "TCP port (default 7443, or the config file's; 0 picks a free one).")
  Integer port;

  @Option(
      names = "--commands",
      description = "Whitelist file (YAML); default: the built-in read-only commands.")
  Path commands;

  @Option(
      names = "--key-out",
      paramLabel = "FILE|fd:N",
      description =
          "When this start creates the audit log, write its verification key here (a new file,"
              + " mode 600, or an open file descriptor such as fd:3) instead of printing it.")
  String keyOut;

  @Option(
      names = "--no-tls",
      description = "Plaintext, for the TLS-vs-plaintext benchmark only; loopback only.")
  boolean noTls;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
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
      err.println(
          "WARNING: --no-tls: traffic, passwords and tokens are NOT encrypted. For benchmarks on loopback only.");
    }
    Path data = DataDirs.prepare(dataDir);
    // Opened before the server starts: a destination that cannot take the key must fail the start
    // before the log (and its one-time key) exists.
    KeyOut keySink = keyOut == null ? null : KeyOut.open(keyOut, data.resolve("audit.log"), err);
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    try (RcxServer server = start(cfg, data, keySink)) {
      out.printf(
          "rcx server listening on %s://%s (data dir %s)%n",
          server.tls() ? "tls" : "tcp", server.listenAddress(), data);
      if (server.tls()) {
        out.println("certificate SHA-256 fingerprint: " + server.fingerprint());
      }
      server.takeAuditVerificationKey().ifPresent(key -> showKey(server, key, keySink, out, err));
      out.flush();
      stop.await();
      out.println("rcx server: shutting down");
      out.flush();
    }
    return ExitCodes.OK;
  }

  private static RcxServer start(ServerConfig cfg, Path data, KeyOut keySink) {
    try {
      return RcxServer.builder(cfg, data).start();
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
      RcxServer server, String key, KeyOut keySink, PrintWriter out, PrintWriter err) {
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
}
