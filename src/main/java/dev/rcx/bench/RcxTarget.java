package dev.rcx.bench;

import dev.rcx.client.RcxClient;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/** An rcx server reached with {@link RcxClient}, over TLS or (for the comparison) in plaintext. */
public final class RcxTarget implements Target {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Long enough for a login queued behind hundreds of Argon2id hashes. */
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

  private final String host;
  private final int port;
  private final @Nullable ClientTrust trust;
  private final String user;
  private final String passwordSha256Hex;
  private final String command;
  private final @Nullable ServerProbe server;
  private final boolean resumption;

  private RcxTarget(
      String host,
      int port,
      @Nullable ClientTrust trust,
      String user,
      String passwordSha256Hex,
      String command,
      @Nullable ServerProbe server,
      boolean resumption) {
    this.server = server;
    this.resumption = resumption;
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.trust = trust;
    this.user = Objects.requireNonNull(user, "user");
    this.passwordSha256Hex = Objects.requireNonNull(passwordSha256Hex, "passwordSha256Hex");
    this.command = Objects.requireNonNull(command, "command");
    // Fails early, with the endpoint's own message, on a bad port.
    RcxClient.Endpoint.plaintext(host, port);
  }

  /**
   * A TLS server. Each simulated client gets its own {@link SSLContext}, so TLS 1.3 session
   * resumption works per client as it would for one long-lived client process.
   *
   * @param passwordSha256Hex the password as the protocol sends it ({@link RcxClient#sha256Hex})
   * @param command the command line each operation runs
   */
  public static RcxTarget tls(
      String host,
      int port,
      ClientTrust trust,
      String user,
      String passwordSha256Hex,
      String command) {
    return new RcxTarget(
        host,
        port,
        Objects.requireNonNull(trust, "trust"),
        user,
        passwordSha256Hex,
        command,
        null,
        true);
  }

  /** A server started with {@code --no-tls} (loopback only, for the TLS-overhead comparison). */
  public static RcxTarget plaintext(
      String host, int port, String user, String passwordSha256Hex, String command) {
    return new RcxTarget(host, port, null, user, passwordSha256Hex, command, null, true);
  }

  /** This target, with the server's process to read its CPU and memory from. */
  public RcxTarget withServer(@Nullable ServerProbe probe) {
    return new RcxTarget(host, port, trust, user, passwordSha256Hex, command, probe, resumption);
  }

  /**
   * This TLS target with session resumption off: every connection gets a new {@link SSLContext} (as
   * a one-shot client process has), so every handshake is a full one. Its transport is {@code
   * tls-full}, so it can be measured beside the resuming target in one run.
   */
  public RcxTarget withoutResumption() {
    if (trust == null) {
      throw new IllegalStateException("resumption is a TLS matter; this target is plaintext");
    }
    return new RcxTarget(host, port, trust, user, passwordSha256Hex, command, server, false);
  }

  @Override
  public @Nullable ServerProbe server() {
    return server;
  }

  @Override
  public String transport() {
    return trust == null ? "plaintext" : resumption ? "tls" : "tls-full";
  }

  @Override
  public Driver newDriver(int client) throws IOException {
    ClientTrust t = trust;
    if (t == null) {
      RcxClient.Endpoint plain =
          new RcxClient.Endpoint(host, port, null, null, CONNECT_TIMEOUT, READ_TIMEOUT);
      return new RcxDriver(() -> plain, user, passwordSha256Hex, command);
    }
    if (!resumption) {
      return new RcxDriver(() -> tlsEndpoint(t), user, passwordSha256Hex, command);
    }
    RcxClient.Endpoint shared = tlsEndpoint(t);
    return new RcxDriver(() -> shared, user, passwordSha256Hex, command);
  }

  private RcxClient.Endpoint tlsEndpoint(ClientTrust t) throws IOException {
    SSLContext context = ClientTls.context(t);
    return new RcxClient.Endpoint(
        host,
        port,
        context,
        ClientTls.rcxServerParameters(t, false),
        CONNECT_TIMEOUT,
        READ_TIMEOUT);
  }
}
