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
import java.util.Set;
import java.util.stream.Stream;

/**
 * Two rcx servers in this JVM for {@code rcx bench}: one TLS, one plaintext, on 127.0.0.1 with the
 * default configuration (connection limit raised to fit the clients), each in its own directory
 * under one temporary directory, both with the same user {@value #USER} and a random password.
 * {@link #close()} stops both and deletes the directory.
 */
public final class SelfHosted implements AutoCloseable {
  /** The user the bench logs in as. */
  public static final String USER = "bench";

  private final Path dir;
  private final RcxServer tls;
  private final RcxServer plaintext;
  private final String passwordSha256Hex;

  private SelfHosted(Path dir, RcxServer tls, RcxServer plaintext, String passwordSha256Hex) {
    this.dir = dir;
    this.tls = tls;
    this.plaintext = plaintext;
    this.passwordSha256Hex = passwordSha256Hex;
  }

  /**
   * Starts both servers.
   *
   * @param maxClients the most simulated clients any point will use; the servers accept at least
   *     twice as many connections
   */
  public static SelfHosted start(int maxClients) throws IOException {
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
      ServerConfig config = config(maxClients);
      RcxServer tlsServer =
          RcxServer.builder(config, tlsDir).shutdownGrace(Duration.ofSeconds(2)).start();
      try {
        RcxServer plainServer =
            RcxServer.builder(config.withTls(config.tls().withEnabled(false)), plainDir)
                .shutdownGrace(Duration.ofSeconds(2))
                .start();
        return new SelfHosted(dir, tlsServer, plainServer, hash);
      } catch (RuntimeException e) {
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
    return d.withPort(0)
        .withLimits(
            new ServerConfig.Limits(
                connections,
                l.maxLineBytes(),
                l.handshakeTimeout(),
                l.idleTimeout(),
                l.lineTimeout(),
                l.maxConcurrentCommands(),
                l.commandQueueWait()));
  }

  /** The TLS server, trusted by its pinned certificate fingerprint. */
  public Target tlsTarget(String command) {
    ClientTrust trust = new ClientTrust.PinnedFingerprint(tls.fingerprint());
    return RcxTarget.tls("127.0.0.1", tls.port(), trust, USER, passwordSha256Hex, command);
  }

  /** The plaintext server. */
  public Target plaintextTarget(String command) {
    return RcxTarget.plaintext("127.0.0.1", plaintext.port(), USER, passwordSha256Hex, command);
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
