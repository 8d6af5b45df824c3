package dev.rcx.server;

import dev.rcx.protocol.Response;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * What the request handler knows about one connection: who is at the other end (for audit records),
 * how to send ahead of the final reply, and the connection's {@link RunningCommand}, with which it
 * registers the command it runs. Used by one request thread at a time; fields are volatile because
 * the closing path reads them from another.
 */
final class ConnectionState {
  private final String client;
  private final String clientIp;
  private final RunningCommand command = new RunningCommand();
  private volatile @Nullable String user;
  private volatile @Nullable String session;
  private volatile @Nullable String certificateUser;
  private volatile Sender sender =
      r -> {
        throw new IOException("connection cannot send yet");
      };

  /** Writes one message to the client now, ahead of the request's final reply. */
  interface Sender {
    void send(Response response) throws IOException;
  }

  ConnectionState(String client, String clientIp) {
    this.client = client;
    this.clientIp = clientIp;
  }

  /** The command running on this connection. */
  RunningCommand command() {
    return command;
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

  /** Sends {@code response} before the final reply (a streamed command's chunks). */
  void send(Response response) throws IOException {
    sender.send(response);
  }

  void sender(Sender sender) {
    this.sender = sender;
  }
}
