package dev.rcx.bench.openssh;

import dev.rcx.bench.Driver;
import dev.rcx.bench.Target;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * An OpenSSH server driven through Apache MINA SSHD's client: one {@link SshClient} (one I/O thread
 * pool) shared by all simulated clients, like one client program with many connections. The
 * server's host key must be the one given, and the client authenticates with one private key file.
 */
final class MinaSshTarget implements Target, AutoCloseable {
  /** Completed by the client's session listener once a session's first key exchange is done. */
  private static final AttributeKey<CompletableFuture<Void>> KEX_DONE = new AttributeKey<>();

  private final SshClient client;
  private final String host;
  private final int port;
  private final String user;
  private final String command;
  private final Duration timeout;
  private final List<String> negotiated = new ArrayList<>();

  private MinaSshTarget(
      SshClient client, String host, int port, String user, String command, Duration timeout) {
    this.client = client;
    this.host = host;
    this.port = port;
    this.user = user;
    this.command = command;
    this.timeout = timeout;
  }

  /**
   * Starts the client.
   *
   * @param hostKey the server's public host key file ({@code .pub}); any other host key is refused
   * @param identity the client's private key file (OpenSSH format, unencrypted)
   */
  static MinaSshTarget start(
      String host,
      int port,
      String user,
      Path hostKey,
      Path identity,
      String command,
      Duration timeout)
      throws IOException {
    Objects.requireNonNull(command, "command");
    KeyPair key = loadIdentity(identity);
    PublicKey serverKey = loadHostKey(hostKey);
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(new RequiredServerKeyVerifier(serverKey));
    client.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(key));
    // Loopback round trips are tiny; Nagle would only add delayed-ACK waits to the client's side of
    // the comparison.
    CoreModuleProperties.TCP_NODELAY.set(client, true);
    client.addSessionListener(new KexListener());
    client.start();
    return new MinaSshTarget(client, host, port, user, command, timeout);
  }

  private static KeyPair loadIdentity(Path identity) throws IOException {
    for (KeyPair kp : new FileKeyPairProvider(identity).loadKeys(null)) {
      return kp;
    }
    throw new IOException("ssh identity " + identity + ": holds no key pair");
  }

  private static PublicKey loadHostKey(Path hostKey) throws IOException {
    List<AuthorizedKeyEntry> entries = AuthorizedKeyEntry.readAuthorizedKeys(hostKey);
    if (entries.isEmpty()) {
      throw new IOException("ssh host key " + hostKey + ": holds no public key");
    }
    try {
      return entries.get(0).resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    } catch (GeneralSecurityException e) {
      throw new IOException("ssh host key " + hostKey + ": cannot be parsed: " + e.getMessage(), e);
    }
  }

  @Override
  public String transport() {
    return "openssh";
  }

  @Override
  public Driver newDriver(int client) {
    return new MinaSshDriver(this);
  }

  SshClient client() {
    return client;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  String user() {
    return user;
  }

  String command() {
    return command;
  }

  Duration timeout() {
    return timeout;
  }

  /**
   * The key exchange, cipher and host key algorithms of the first session that completed a key
   * exchange.
   */
  synchronized List<String> negotiated() {
    return List.copyOf(negotiated);
  }

  synchronized void noteNegotiated(Session s) {
    if (negotiated.isEmpty()) {
      negotiated.add("kex " + s.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS));
      negotiated.add("host key " + s.getNegotiatedKexParameter(KexProposalOption.SERVERKEYS));
      negotiated.add("cipher " + s.getNegotiatedKexParameter(KexProposalOption.C2SENC));
      negotiated.add("mac " + s.getNegotiatedKexParameter(KexProposalOption.C2SMAC));
    }
  }

  /** The future a session's first key exchange completes; created by whichever side asks first. */
  static CompletableFuture<Void> kexDone(Session s) {
    return s.computeAttributeIfAbsent(KEX_DONE, k -> new CompletableFuture<>());
  }

  @Override
  public void close() throws IOException {
    client.stop();
  }

  private static final class KexListener implements SessionListener {
    @Override
    public void sessionEvent(Session session, Event event) {
      if (event == Event.KeyEstablished) {
        kexDone(session).complete(null);
      }
    }

    @Override
    public void sessionException(Session session, Throwable t) {
      kexDone(session).completeExceptionally(t);
    }

    @Override
    public void sessionClosed(Session session) {
      kexDone(session)
          .completeExceptionally(
              new EOFException("the SSH session closed before its key exchange"));
    }
  }
}
