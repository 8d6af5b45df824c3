package dev.rcx.bench;

import dev.rcx.auth.UserStore;
import dev.rcx.client.RcxClient;
import dev.rcx.config.ServerConfig;
import dev.rcx.server.RcxServer;
import dev.rcx.tls.ClientTrust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Two rcx servers for {@code rcx bench}: one TLS, one plaintext, on 127.0.0.1 with the default
 * configuration (connection limit raised to fit the clients), each in its own directory under one
 * temporary directory, both with the same user {@value #USER} and a random password (written as
 * {@code users.json} before they start). {@link #startProcesses} runs each as its own {@code rcx
 * server} process (the default of {@code rcx bench}), {@link #start} in this JVM. {@link #close()}
 * stops both and deletes the directory.
 */
public final class SelfHosted implements AutoCloseable {
  /** The user the bench logs in as. */
  public static final String USER = "bench";

  /** One running server, in this JVM or in its own process. */
  private sealed interface Hosted extends AutoCloseable {
    int port();

    @Nullable String fingerprint();

    /** The server's own process, or null when it runs in this JVM. */
    @Nullable ServerProcess process();

    @Override
    void close();
  }

  private record InJvm(RcxServer server) implements Hosted {
    @Override
    public int port() {
      return server.port();
    }

    @Override
    public @Nullable String fingerprint() {
      return server.fingerprint();
    }

    @Override
    public @Nullable ServerProcess process() {
      return null;
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private record OwnProcess(ServerProcess p) implements Hosted {
    @Override
    public int port() {
      return p.port();
    }

    @Override
    public @Nullable String fingerprint() {
      return p.fingerprint();
    }

    @Override
    public @Nullable ServerProcess process() {
      return p;
    }

    @Override
    public void close() {
      p.close();
    }
  }

  /** Starts one server in its directory, TLS or plaintext. */
  private interface Starter {
    Hosted start(Path dir, boolean tls) throws IOException;
  }

  private final Path dir;
  private final Hosted tls;
  private final Hosted plaintext;
  private final String passwordSha256Hex;
  private final List<String> javaOptions;

  private SelfHosted(
      Path dir, Hosted tls, Hosted plaintext, String passwordSha256Hex, List<String> javaOptions) {
    this.dir = dir;
    this.tls = tls;
    this.plaintext = plaintext;
    this.passwordSha256Hex = passwordSha256Hex;
    this.javaOptions = javaOptions;
  }

  /**
   * Starts both servers in this JVM.
   *
   * @param maxClients the most simulated clients any point will use; the servers accept at least
   *     twice as many connections
   */
  public static SelfHosted start(int maxClients) throws IOException {
    ServerConfig config = config(maxClients);
    return start(
        List.of(),
        (d, tls) ->
            new InJvm(
                RcxServer.builder(tls ? config : config.withTls(config.tls().withEnabled(false)), d)
                    .shutdownGrace(Duration.ofSeconds(2))
                    .start()));
  }

  /**
   * Starts both servers as their own {@code rcx server} processes (this JVM's java and class path,
   * a configuration file in each directory, port 0), so their CPU and memory are their own.
   *
   * @param javaOptions extra JVM options for both servers (GC logging, heap size)
   */
  public static SelfHosted startProcesses(int maxClients, List<String> javaOptions)
      throws IOException {
    List<String> options = List.copyOf(javaOptions);
    return start(
        options,
        (d, tls) -> {
          Path yaml = d.resolve("rcx.yaml");
          Files.writeString(
              yaml,
              "port: 0\nlimits:\n  max_connections: "
                  + config(maxClients).limits().maxConnections()
                  + "\n  max_connections_per_address: "
                  + config(maxClients).limits().maxConnectionsPerAddress()
                  + "\n  max_commands_per_user: "
                  + config(maxClients).limits().maxCommandsPerUser()
                  + "\nsessions:\n  max_sessions_per_user: "
                  + config(maxClients).sessions().maxSessionsPerUser()
                  + "\n");
          return new OwnProcess(ServerProcess.start(d, yaml, tls, options));
        });
  }

  private static SelfHosted start(List<String> javaOptions, Starter starter) throws IOException {
    Path dir = Files.createTempDirectory("rcx-bench-");
    try {
      Path tlsDir = Files.createDirectories(dir.resolve("tls"));
      Path plainDir = Files.createDirectories(dir.resolve("plaintext"));
      char[] password = randomPassword();
      String hash = RcxClient.sha256Hex(password);
      UserStore.open(tlsDir.resolve(UserStore.DEFAULT_FILE_NAME)).add(USER, password, Set.of(USER));
      Arrays.fill(password, '\0');
      Files.copy(
          tlsDir.resolve(UserStore.DEFAULT_FILE_NAME),
          plainDir.resolve(UserStore.DEFAULT_FILE_NAME),
          StandardCopyOption.COPY_ATTRIBUTES);
      Hosted tlsServer = starter.start(tlsDir, true);
      try {
        return new SelfHosted(dir, tlsServer, starter.start(plainDir, false), hash, javaOptions);
      } catch (IOException | RuntimeException e) {
        tlsServer.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  static ServerConfig config(int maxClients) {
    ServerConfig d = ServerConfig.defaults();
    ServerConfig.Limits l = d.limits();
    int connections = Math.max(l.maxConnections(), 2 * maxClients + 64);
    ServerConfig.Sessions s = d.sessions();
    // Every bench client is the same user from 127.0.0.1: the per-address and per-user caps, made
    // against one party taking the server, would measure themselves instead of the server.
    return d.withPort(0)
        .withLimits(
            new ServerConfig.Limits(
                connections,
                l.maxLineBytes(),
                l.handshakeTimeout(),
                l.idleTimeout(),
                l.lineTimeout(),
                l.maxConcurrentCommands(),
                l.commandQueueWait(),
                l.shutdownGrace(),
                l.authTimeout(),
                connections,
                l.maxConcurrentCommands(),
                l.auditRecordsPerAddress()))
        .withSessions(
            new ServerConfig.Sessions(
                s.idleTimeout(),
                s.lifetime(),
                s.bindToAddress(),
                s.maxSessions(),
                s.maxSessions()));
  }

  /** The TLS server, trusted by its pinned certificate fingerprint. */
  public RcxTarget tlsTarget(String command) {
    ClientTrust trust =
        new ClientTrust.PinnedFingerprint(Objects.requireNonNull(tls.fingerprint(), "fingerprint"));
    return RcxTarget.tls("127.0.0.1", tls.port(), trust, USER, passwordSha256Hex, command)
        .withServer(probe(tls));
  }

  /** The plaintext server. */
  public RcxTarget plaintextTarget(String command) {
    return RcxTarget.plaintext("127.0.0.1", plaintext.port(), USER, passwordSha256Hex, command)
        .withServer(probe(plaintext));
  }

  /** Where the servers run, for the report: "in this JVM" or their process ids. */
  public String describe() {
    ServerProcess t = tls.process();
    ServerProcess p = plaintext.process();
    if (t == null || p == null) {
      return "in-process on 127.0.0.1 (TLS and plaintext), default configuration, sharing this JVM";
    }
    return "rcx server processes on 127.0.0.1 (TLS pid "
        + t.pid()
        + ", plaintext pid "
        + p.pid()
        + "), default configuration, each its own JVM"
        + (javaOptions.isEmpty() ? "" : " (JVM flags: " + String.join(" ", javaOptions) + ")")
        + "; server CPU, its commands' CPU and RSS read from /proc";
  }

  private static @Nullable ServerProbe probe(Hosted h) {
    ServerProcess p = h.process();
    return p == null ? null : new ServerProbe(p.pid());
  }

  /** Where the servers keep their files (users, certificate, audit logs). */
  public Path directory() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    try {
      tls.close();
    } finally {
      try {
        plaintext.close();
      } finally {
        deleteTree(dir);
      }
    }
  }

  private static char[] randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
