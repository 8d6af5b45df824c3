package dev.rcx.server;

import dev.rcx.exec.Execution;
import dev.rcx.protocol.Response;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What the request handler knows about one connection: who is at the other end (for audit records)
 * and a way to register the running command so the connection can cancel it if the client
 * disappears. Used by one request thread at a time; fields are volatile because the closing path
 * reads them from another.
 */
final class ConnectionState {
  private final String client;
  private final String clientIp;
  private final Consumer<@Nullable Execution> runningSink;
  private volatile @Nullable String user;
  private volatile @Nullable String session;
  private volatile @Nullable String certificateUser;
  private volatile boolean shutdownKilled;
  private volatile Sender sender =
      r -> {
        throw new IOException("connection cannot send yet");
      };
  private volatile BooleanSupplier gone = () -> false;

  /** Writes one message to the client now, ahead of the request's final reply. */
  interface Sender {
    void send(Response response) throws IOException;
  }

  ConnectionState(String client, String clientIp, Consumer<@Nullable Execution> runningSink) {
    this.client = client;
    this.clientIp = clientIp;
    this.runningSink = runningSink;
  }

  /** Remote "ip:port". */
  String client() {
    return client;
  }

  String clientIp() {
    return clientIp;
  }

  @Nullable String user() {
    return user;
  }

  @Nullable String session() {
    return session;
  }

  /** Remembers the last identity seen on this connection, for the audit record of its close. */
  void identify(String user, String session) {
    this.user = user;
    this.session = session;
  }

  /**
   * The user named by the client certificate verified in the TLS handshake (mutual TLS), or null if
   * none.
   */
  @Nullable String certificateUser() {
    return certificateUser;
  }

  void certificateUser(@Nullable String user) {
    this.certificateUser = user;
  }

  /** Marks that the server, shutting down, is about to kill this connection's command. */
  void markShutdownKill() {
    shutdownKilled = true;
  }

  /** Whether a cancelled command was killed by the shutdown rather than by the client leaving. */
  boolean shutdownKilled() {
    return shutdownKilled;
  }

  void running(@Nullable Execution execution) {
    runningSink.accept(execution);
  }

  /** Sends {@code response} before the final reply (a streamed command's chunks). */
  void send(Response response) throws IOException {
    sender.send(response);
  }

  void sender(Sender sender) {
    this.sender = sender;
  }

  /**
   * Whether the client went away or the connection is closing, so a cancelled command's cancel was
   * not asked for and nobody is left to answer.
   */
  boolean clientGone() {
    return gone.getAsBoolean();
  }

  void gone(BooleanSupplier gone) {
    this.gone = gone;
  }
}
