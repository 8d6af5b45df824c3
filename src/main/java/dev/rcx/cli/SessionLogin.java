package dev.rcx.cli;

import dev.rcx.client.CachedSession;
import dev.rcx.client.RcxClient;
import dev.rcx.client.SessionStore;
import dev.rcx.protocol.Request;
import dev.rcx.protocol.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How {@code rcx exec} and {@code rcx shell} authenticate against one server: with the session
 * {@code rcx login} cached for this server and user while it is valid, else with a password (or
 * client certificate). A server with a cached session stays in "logged-in" mode: when its token has
 * expired or is refused, the password is asked again and the new token replaces the cached one, and
 * the session is never logged out at the end. Without a cached session the login lasts for this
 * invocation only, as before.
 */
final class SessionLogin {
  private final ConnectionOptions connection;
  private final SessionStore store;
  private final InputStream stdin;
  private final PrintWriter err;
  private final String server;
  private @Nullable CachedSession cached;
  private boolean keep;

  SessionLogin(
      ConnectionOptions connection, SessionStore store, InputStream stdin, PrintWriter err) {
    this.connection = connection;
    this.store = store;
    this.stdin = stdin;
    this.err = err;
    this.server = server(connection.host(), connection.port());
  }

  /** The store under {@code $RCX_HOME/sessions} (default {@code ~/.rcx/sessions}). */
  static SessionStore defaultStore() {
    return new SessionStore(DataDirs.clientDir().resolve("sessions"), Clock.systemUTC());
  }

  /**
   * The key of a server in the session store and known hosts: {@code host:port}, IPv6 bracketed.
   */
  static String server(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Whether the session outlives this invocation (it came from, or went into, the cache). */
  boolean keepsSession() {
    return keep;
  }

  /** Connects and authenticates; see the class description. */
  RcxClient open() {
    Optional<CachedSession> found = find(store, server, connection.user());
    if (found.isEmpty()) {
      return connection.connectAndLogin(stdin, err);
    }
    keep = true;
    RcxClient client = connection.connect(err);
    if (found.get().validAt(store.now())) {
      cached = found.get();
      client.useToken(cached.token());
      return client;
    }
    err.println(
        "rcx: the session of "
            + connection.user()
            + " on "
            + server
            + " expired at "
            + found.get().expiresIfIdle()
            + "; log in again");
    err.flush();
    return relogin(client);
  }

  /**
   * Runs a command; when the server refuses a cached token (expired, revoked, server restarted),
   * asks for the password once, stores the new session and runs the command again (it did not run
   * the first time).
   */
  Response exec(RcxClient client, String command, List<String> args) throws IOException {
    return exec(client, c -> c.exec(command, args));
  }

  /** One request that may be refused for its token (and then sent again after a new login). */
  @FunctionalInterface
  interface Call {
    Response send(RcxClient client) throws IOException;
  }

  /**
   * {@link #exec(RcxClient, String, List)} for any command request, e.g. a streamed one (a refused
   * token is answered before any output, so nothing is printed twice).
   */
  Response exec(RcxClient client, Call call) throws IOException {
    Response r = call.send(client);
    if (keep && r instanceof Response.Error e && RcxClient.needsLogin(e.code())) {
      err.println(
          "rcx: the server refused the cached session of "
              + connection.user()
              + " on "
              + server
              + " ("
              + e.code()
              + "); log in again");
      err.flush();
      relogin(client);
      r = call.send(client);
    }
    if (keep && cached != null && !(r instanceof Response.Error)) {
      try {
        cached = store.touch(cached);
      } catch (IOException ex) {
        err.println(
            "rcx: warning: cannot update "
                + store.file(server, connection.user())
                + ": "
                + ex.getMessage());
      }
    }
    return r;
  }

  /** Logs in on {@code client} with the password (or certificate) and caches the new session. */
  private RcxClient relogin(RcxClient client) {
    Response.AuthResponse.Success auth =
        switch (authenticate(client, connection, stdin)) {
          case Response.AuthResponse.Success s -> s;
          case Response.AuthResponse.Failure f -> {
            closeQuietly(client);
            throw new CliException(ExitCodes.AUTH_FAILED, f.message());
          }
        };
    try {
      cached =
          store.save(
              server, connection.user(), auth.sessionToken(), auth.expiresIn(), auth.idleTimeout());
    } catch (IOException e) {
      err.println("rcx: warning: cannot store the session: " + e.getMessage());
    }
    return client;
  }

  /**
   * Logs in on an open connection: the client certificate alone when --cert is given without a
   * password source, else the password from stdin, RCX_PASSWORD or a prompt.
   */
  static Response.AuthResponse authenticate(
      RcxClient client, ConnectionOptions connection, InputStream stdin) {
    boolean certificateOnly =
        connection.cert != null
            && !connection.passwordStdin
            && System.getenv(Passwords.ENV) == null;
    char[] password =
        certificateOnly
            ? new char[0]
            : Passwords.read(
                connection.passwordStdin,
                stdin,
                "Password for " + connection.user() + "@" + connection.host() + ": ");
    try {
      return certificateOnly
          ? client.loginWithCertificate(connection.user())
          : client.login(connection.user(), password);
    } catch (IOException e) {
      closeQuietly(client);
      throw new CliException(
          ExitCodes.CONNECTION_FAILED,
          "connection lost during login: " + ConnectionOptions.rootMessage(e));
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /** The cached session, if any; a damaged or unsafe session file is an error naming it. */
  static Optional<CachedSession> find(SessionStore store, String server, String user) {
    try {
      return store.find(server, user);
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, Errors.message(e));
    }
  }

  /** Revokes {@code oldToken} on an authenticated connection, ignoring failures. */
  static void revokeQuietly(RcxClient client, String oldToken) {
    try {
      client.send(new Request.Logout(oldToken, null));
    } catch (IOException e) {
      // The old token expires on its own.
    }
  }

  private static void closeQuietly(RcxClient client) {
    try {
      client.close();
    } catch (IOException e) {
      // Already failing for a better reason.
    }
  }
}
