package dev.rcx.bench;

import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * One simulated rcx client: an {@link RcxClient} per connection and the session token across
 * connections.
 */
final class RcxDriver implements Driver {
  /** Gives the endpoint of each new connection (a fresh TLS context when resumption is off). */
  interface Endpoints {
    RcxClient.Endpoint next() throws IOException;
  }

  private final Endpoints endpoints;
  private final String user;
  private final String passwordSha256Hex;
  private final String command;
  private volatile @Nullable RcxClient client;
  private @Nullable String token;

  private volatile boolean resumed;

  RcxDriver(Endpoints endpoints, String user, String passwordSha256Hex, String command) {
    this.endpoints = endpoints;
    this.user = user;
    this.passwordSha256Hex = passwordSha256Hex;
    this.command = command;
  }

  @Override
  public long connect() throws IOException {
    disconnect();
    RcxClient c = RcxClient.connect(endpoints.next());
    client = c;
    resumed = c.resumed();
    return c.handshakeNanos();
  }

  @Override
  public @Nullable Boolean lastHandshakeResumed() {
    RcxClient c = client;
    return (c == null || c.handshakeNanos() == 0) ? null : resumed;
  }

  @Override
  public void login() throws IOException, OperationFailedException {
    switch (open().loginWithHash(user, passwordSha256Hex)) {
      case Response.AuthResponse.Success s -> token = s.sessionToken();
      case Response.AuthResponse.Failure f -> {
        token = null;
        throw new OperationFailedException(
            f.code().name(), "login as '" + user + "' failed: " + f.message());
      }
    }
  }

  @Override
  public void resume() throws IOException, OperationFailedException {
    String t = token;
    if (t == null) {
      throw new OperationFailedException(
          "NO_TOKEN", "no session token to reuse: the last login failed");
    }
    open().useToken(t);
  }

  @Override
  public void execute() throws IOException, OperationFailedException {
    Response r = open().exec(command);
    switch (r) {
      case Response.CommandOutput o -> {
        if (o.timedOut()) {
          throw new OperationFailedException(
              "TIMED_OUT", "'" + command + "' timed out after " + o.durationMs() + " ms");
        }
        if (o.exitCode() == null || o.exitCode() != 0) {
          throw new OperationFailedException(
              "EXIT_" + o.exitCode(),
              "'" + command + "' exited with " + o.exitCode() + ": " + firstLine(o.stderr()));
        }
      }
      case Response.Error e -> {
        if (RcxClient.needsLogin(e.code())) {
          token = null;
        }
        throw new OperationFailedException(e.code().name(), e.message());
      }
      default ->
          throw new OperationFailedException("UNEXPECTED_REPLY", r.getClass().getSimpleName());
    }
  }

  @Override
  public void logout() throws IOException, OperationFailedException {
    Response r = open().logout();
    token = null;
    if (r instanceof Response.Error e) {
      throw new OperationFailedException(e.code().name(), "logout failed: " + e.message());
    }
  }

  @Override
  public void disconnect() {
    RcxClient c = client;
    client = null;
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // The connection is being dropped anyway.
      }
    }
  }

  @Override
  public void close() {
    disconnect();
  }

  private RcxClient open() throws IOException {
    RcxClient c = client;
    if (c == null) {
      throw new IOException("not connected");
    }
    return c;
  }

  private static String firstLine(String s) {
    String line = s.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
