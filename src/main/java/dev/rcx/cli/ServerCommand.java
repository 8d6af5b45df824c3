package dev.rcx.cli;

import dev.rcx.config.ConfigLoader;
import dev.rcx.config.ServerConfig;
import dev.rcx.server.RcxServer;
import java.io.PrintWriter;
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
      description = "YAML configuration file (optional; see docs/CONFIGURATION.md).")
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
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    RcxServer.Builder builder = RcxServer.builder(cfg, dataDir.toAbsolutePath());
    if (regenerateCert) {
      builder.regenerateCertificate();
    }
    try (RcxServer server = builder.start()) {
      out.printf(
          "rcx server listening on %s://%s (data dir %s)%n",
          server.tls() ? "tls" : "tcp", server.listenAddress(), dataDir.toAbsolutePath());
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
      server
          .takeAuditVerificationKey()
          .ifPresent(
              key -> {
                out.println(
                    "NEW AUDIT LOG "
                        + server.auditLog()
                        + ". Its verification key, shown only this once:");
                out.println("  " + key);
                out.println(
                    "Keep it OFF this machine; `rcx audit verify --key KEY` then proves sealed records were not altered.");
              });
      out.flush();
      stop.await();
      out.println("rcx server: shutting down");
      out.flush();
    }
    return ExitCodes.OK;
  }
}
