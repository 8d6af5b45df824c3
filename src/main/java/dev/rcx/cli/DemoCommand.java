package dev.rcx.cli;

import dev.rcx.audit.AuditLog;
import dev.rcx.audit.KeyedVerifyResult;
import dev.rcx.audit.VerifyResult;
import dev.rcx.auth.UserStore;
import dev.rcx.client.RcxClient;
import dev.rcx.config.ServerConfig;
import dev.rcx.protocol.Response;
import dev.rcx.server.RcxServer;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rcx demo}: starts a TLS server on built-in defaults in a temporary data directory, creates
 * a user, runs allowed and denied commands as a client, and prints the audit trail; then shuts
 * everything down.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "A guided tour: server, client, audit, in one go.")
final class DemoCommand implements Callable<Integer> {
  private static final List<String> ALLOWED =
      List.of("whoami", "uptime", "uname -sr", "echo 'hello from rcx'", "df -h /");
  private static final List<String> DENIED =
      List.of("cat /etc/shadow", "echo hi; id", "ls -la ../../etc");

  @Spec CommandSpec spec;
  private @Nullable String auditKey;

  @Option(
      names = "--keep",
      description = "Keep the temporary data directory for a look afterwards.")
  boolean keep;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("rcx-demo-");
    try {
      return tour(dir, out);
    } finally {
      if (keep) {
        out.println("\nData directory kept: " + dir);
      } else {
        deleteTree(dir);
      }
      out.flush();
    }
  }

  private int tour(Path dir, PrintWriter out) throws IOException {
    RcxServer server =
        RcxServer.builder(ServerConfig.defaults().withPort(0), dir)
            .shutdownGrace(java.time.Duration.ofSeconds(2))
            .start();
    try {
      out.printf(
          "== 1. Server: listening on tls://%s (TLS 1.3 only), data directory %s%n",
          server.listenAddress(), dir);
      out.println(
          "   self-signed certificate generated, SHA-256 fingerprint " + server.fingerprint());
      auditKey = server.takeAuditVerificationKey().orElseThrow();
      out.println(
          "   new audit log; its verification key (an operator keeps it off the machine): "
              + auditKey);

      char[] password = randomPassword();
      UserStore.open(dir.resolve(UserStore.DEFAULT_FILE_NAME))
          .add("demo", password, Set.of("demo"));
      out.println(
          "== 2. User 'demo' created (random password, stored as Argon2id over its SHA-256)");

      ClientTrust pinned =
          new ClientTrust.PinnedFingerprint(
              Objects.requireNonNull(server.fingerprint(), "the demo server runs with TLS"));
      RcxClient.Endpoint endpoint =
          RcxClient.Endpoint.tls(
              "127.0.0.1",
              server.port(),
              ClientTls.context(pinned),
              ClientTls.rcxServerParameters(pinned, false));
      try (RcxClient client = RcxClient.connect(endpoint)) {
        Response.AuthResponse login = client.login("demo", password);
        java.util.Arrays.fill(password, '\0');
        if (!(login instanceof Response.AuthResponse.Success auth)) {
          throw new IllegalStateException("the demo user's login was refused: " + login);
        }
        out.printf(
            "== 3. Client: connected over %s, server pinned by fingerprint; login success (token valid %ds, idle %ds)%n",
            client.transport(), auth.expiresIn(), auth.idleTimeout());
        out.println("== 4. Whitelisted commands (run without a shell):");
        for (String command : ALLOWED) {
          show(out, command, client.exec(command));
        }
        out.println("== 5. Commands the whitelist refuses:");
        for (String command : DENIED) {
          show(out, command, client.exec(command));
        }
        String token = Objects.requireNonNull(client.token(), "the demo login failed");
        client.logout();
        client.useToken(token);
        out.println("== 6. Logged out; the old token is now refused:");
        show(out, "uptime", client.exec("uptime"));
      }
    } finally {
      server.close();
    }
    Path log = dir.resolve("audit.log");
    List<String> records = AuditLog.tail(log, 1000);
    out.println(
        "== 7. Server stopped. Its audit log ("
            + records.size()
            + " records, each chained to the one before):");
    for (String line : records) {
      out.println("   " + AuditLog.describe(line));
    }
    VerifyResult verdict = AuditLog.verify(log);
    out.println("== 8. rcx audit verify: " + verdict);
    KeyedVerifyResult keyed = AuditLog.verify(log, auditKey);
    out.println("   rcx audit verify --key: " + keyed.summary());
    return verdict instanceof VerifyResult.Intact && keyed instanceof KeyedVerifyResult.Authentic
        ? ExitCodes.OK
        : ExitCodes.FAILED;
  }

  private static void show(PrintWriter out, String command, Response r) {
    out.println("   $ " + command);
    switch (r) {
      case Response.CommandOutput o -> {
        for (String line : (o.output() + o.stderr()).strip().split("\n", 0)) {
          out.println("     " + line);
        }
        out.println(
            "     ["
                + o.status().wireName()
                + ", exit "
                + o.exitCode()
                + ", "
                + o.durationMs()
                + " ms]");
      }
      case Response.Error e -> out.println("     refused: " + e.code() + ": " + e.message());
      default -> out.println("     " + r);
    }
  }

  private static char[] randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
