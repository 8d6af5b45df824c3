package dev.rcx.cli;

import dev.rcx.client.CachedSession;
import dev.rcx.client.RcxClient;
import dev.rcx.client.SessionStore;
import dev.rcx.fanout.HostDeadline;
import dev.rcx.fanout.HostResult;
import dev.rcx.fanout.HostStatus;
import dev.rcx.fanout.HostTask;
import dev.rcx.fanout.Target;
import dev.rcx.protocol.Response;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import dev.rcx.tls.KeyMaterial;
import dev.rcx.tls.ServerIdentityChangedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * One host of {@code rcx exec --hosts}: trust the server as a single {@code rcx exec} would (its
 * configured pin, else the command line's choice, else known hosts), log in, run the command with
 * its output streamed to the {@link FleetPrinter} as it arrives, log out, and turn every outcome
 * into a {@link HostResult}. Ctrl-C reaches it through {@link FleetInterrupt}. Never throws for a
 * host's failure.
 */
final class FleetTask implements HostTask {
  /** The {@code command_output} status of a command stopped by a {@code cancel} request. */
  private final ConnectionOptions connection;

  private final Credentials credentials;
  private final String command;
  private final List<String> args;
  private final PrintWriter err;
  private final @Nullable KeyMaterial identity;
  private final SessionStore store;
  private final FleetPrinter printer;
  private final FleetInterrupt interrupt;
  private final boolean stream;

  /**
   * How this run logs in where no cached session serves: the client certificate alone, or a
   * password (null when every host had a cached session, so none was asked).
   */
  // The password stays a char[] so it can be wiped; it is never compared or printed.
  @SuppressWarnings("ArrayRecordComponent")
  record Credentials(boolean certificateOnly, char @Nullable [] password) {
    boolean canLogIn() {
      return certificateOnly || password != null;
    }
  }

  FleetTask(
      ConnectionOptions connection,
      Credentials credentials,
      SessionStore store,
      @Nullable KeyMaterial identity,
      String command,
      List<String> args,
      boolean stream,
      FleetPrinter printer,
      FleetInterrupt interrupt,
      PrintWriter err) {
    this.connection = connection;
    this.credentials = credentials;
    this.store = store;
    this.identity = identity;
    this.command = command;
    this.args = List.copyOf(args);
    this.stream = stream;
    this.printer = printer;
    this.interrupt = interrupt;
    this.err = err;
  }

  @Override
  public HostResult run(Target t, HostDeadline deadline) throws InterruptedIOException {
    long start = System.nanoTime();
    if (!interrupt.begin()) {
      return cancelled(t, start, "stopped before it started (Ctrl-C)");
    }
    try {
      return connected(t, deadline, start);
    } catch (InterruptedIOException e) {
      if (interrupt.requested()) {
        return cancelled(t, start, "stopped before its command started (Ctrl-C)");
      }
      throw e;
    } finally {
      interrupt.end();
    }
  }

  private HostResult connected(Target t, HostDeadline deadline, long start)
      throws InterruptedIOException {
    RcxClient.Endpoint endpoint;
    try {
      endpoint = endpoint(t);
    } catch (CliException e) {
      return HostResult.failed(t, HostStatus.UNREACHABLE, millisSince(start), e.getMessage());
    }
    RcxClient client;
    try {
      client = RcxClient.connect(endpoint);
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      if (interrupt.requested()) {
        return cancelled(t, start, "stopped while connecting (Ctrl-C)");
      }
      return HostResult.failed(t, HostStatus.UNREACHABLE, millisSince(start), connectError(t, e));
    }
    try (client) {
      Optional<CachedSession> found = store.find(t.hostPort(), t.user());
      boolean keep = found.isPresent(); // a host with a cached session stays logged in
      CachedSession cached = found.filter(c -> c.validAt(store.now())).orElse(null);
      if (cached != null) {
        client.useToken(cached.token());
      } else {
        String refused = logIn(client, t, keep);
        if (refused != null) {
          return HostResult.failed(t, HostStatus.AUTH_FAILED, millisSince(start), refused);
        }
      }
      if (interrupt.requested()) {
        return cancelled(t, start, "stopped before its command started (Ctrl-C)");
      }
      deadline.next("command", connection.timeout);
      Response r = exec(client, t);
      if (cached != null && r instanceof Response.Error e && RcxClient.needsLogin(e.code())) {
        // The server forgot or expired the cached session: log in again if we can, and retry
        // (the command did not run).
        if (!credentials.canLogIn()) {
          return HostResult.failed(
              t,
              HostStatus.AUTH_FAILED,
              millisSince(start),
              "the server refused the cached session ("
                  + e.code()
                  + "); run 'rcx login' for this host again");
        }
        String refused = logIn(client, t, true);
        if (refused != null) {
          return HostResult.failed(t, HostStatus.AUTH_FAILED, millisSince(start), refused);
        }
        cached = null;
        r = exec(client, t);
      }
      if (cached != null && !(r instanceof Response.Error)) {
        store.touch(cached);
      }
      if (!keep) {
        logoutQuietly(client);
      }
      return result(t, r, millisSince(start));
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      if (interrupt.requested()) {
        return cancelled(t, start, "stopped before its command started (Ctrl-C)");
      }
      return HostResult.failed(
          t,
          HostStatus.UNREACHABLE,
          millisSince(start),
          "connection to " + t.hostPort() + " lost: " + ConnectionOptions.rootMessage(e));
    }
  }

  /**
   * Runs the command, its output going to the printer as it arrives (or, with --no-stream, in one
   * piece at the end).
   */
  private Response exec(RcxClient client, Target t) throws IOException {
    if (!stream) {
      Response r = client.exec(command, args, connection.timeout);
      if (r instanceof Response.CommandOutput o) {
        printer.output(t, /* isStderr= */ false, o.outputBytes());
        printer.output(t, /* isStderr= */ true, o.stderrBytes());
      }
      return r;
    }
    return client.exec(
        command,
        args,
        connection.timeout,
        new RcxClient.OutputListener() {
          @Override
          public void output(boolean isStderr, byte[] bytes) {
            printer.output(t, isStderr, bytes);
          }

          @Override
          public void sent() throws IOException {
            interrupt.sent(client);
          }
        });
  }

  private static HostResult cancelled(Target t, long start, String why) {
    return HostResult.failed(t, HostStatus.CANCELLED, millisSince(start), why);
  }

  /**
   * Logs in with the run's credentials, storing the session when {@code keep}; returns why the
   * login was refused, or null.
   */
  private @Nullable String logIn(RcxClient client, Target t, boolean keep) throws IOException {
    char[] password = credentials.password();
    Response.AuthResponse auth;
    if (credentials.certificateOnly()) {
      auth = client.loginWithCertificate(t.user());
    } else if (password != null) {
      auth = client.login(t.user(), password);
    } else {
      return "no password was asked (every host had a cached session)";
    }
    return switch (auth) {
      case Response.AuthResponse.Failure f -> f.message();
      case Response.AuthResponse.Success s -> {
        if (keep) {
          store.save(t.hostPort(), t.user(), s.sessionToken(), s.expiresIn(), s.idleTimeout());
        }
        yield null;
      }
    };
  }

  static HostResult result(Target t, Response r, long ms) {
    return switch (r) {
      case Response.CommandOutput o -> {
        boolean cancelled = o.status() == Response.CommandOutput.Status.CANCELLED;
        HostStatus s =
            cancelled
                ? HostStatus.CANCELLED
                : o.timedOut()
                    ? HostStatus.TIMED_OUT
                    : o.exitCode() != null && o.exitCode() == 0 ? HostStatus.OK : HostStatus.FAILED;
        String error =
            cancelled
                ? "cancelled (Ctrl-C): the server killed the command after "
                    + o.durationMs()
                    + " ms"
                : o.timedOut()
                    ? "command timed out on the server after "
                        + o.durationMs()
                        + " ms and was killed"
                    : null;
        yield new HostResult(t, s, o.exitCode(), ms, o.truncated(), error);
      }
      case Response.Error e -> {
        HostStatus s =
            switch (Replies.exitCode(e)) {
              case ExitCodes.DENIED -> HostStatus.DENIED;
              case ExitCodes.AUTH_FAILED -> HostStatus.AUTH_FAILED;
              default -> HostStatus.ERROR;
            };
        yield HostResult.failed(t, s, ms, e.code() + ": " + e.message());
      }
      default -> HostResult.failed(t, HostStatus.ERROR, ms, "unexpected reply " + r);
    };
  }

  private RcxClient.Endpoint endpoint(Target t) {
    Duration connect = connection.connectTimeout;
    Duration read = connect.plus(connection.timeout);
    if (connection.noTls) {
      return new RcxClient.Endpoint(t.host(), t.port(), null, null, connect, read);
    }
    ClientTrust trust = trust(t);
    SSLContext ctx;
    try {
      ctx = identity == null ? ClientTls.context(trust) : ClientTls.context(trust, identity);
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, "cannot set up TLS trust: " + e.getMessage());
    }
    return new RcxClient.Endpoint(
        t.host(),
        t.port(),
        ctx,
        ClientTls.rcxServerParameters(trust, connection.tls12),
        connect,
        read);
  }

  /** A pin configured for this host wins unless the command line chose a trust explicitly. */
  private ClientTrust trust(Target t) {
    boolean explicit =
        connection.caCert != null || connection.fingerprint != null || connection.insecure;
    if (!explicit && t.fingerprint() != null) {
      return new ClientTrust.PinnedFingerprint(t.fingerprint());
    }
    return ConnectionOptions.chooseTrust(
        err,
        connection.caCert,
        connection.fingerprint,
        connection.insecure,
        connection.knownHosts,
        t.hostPort(),
        this::askToTrust);
  }

  private boolean askToTrust(String hostPort, String fp) {
    if (connection.acceptNew) {
      return true;
    }
    java.io.Console console = System.console();
    if (console == null) {
      throw new CliException(
          ExitCodes.CONNECTION_FAILED,
          "server "
              + hostPort
              + " is not in "
              + connection.knownHosts
              + "; its certificate SHA-256 fingerprint is "
              + fp
              + ". Check it, then pin it in the client configuration or pass --accept-new");
    }
    console.printf(
        "The authenticity of rcx server '%s' can't be established.%nCertificate SHA-256"
            + " fingerprint: %s%n",
        hostPort, fp);
    String answer = console.readLine("Are you sure you want to continue connecting (yes/no)? ");
    return answer != null && answer.trim().equalsIgnoreCase("yes");
  }

  // Identity is meant: a cause chain may end in an exception that is its own cause.
  @SuppressWarnings("ReferenceEquality")
  private static String connectError(Target t, Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ServerIdentityChangedException changed) {
        return Errors.message(changed);
      }
      if (c instanceof CliException cli) {
        return cli.getMessage();
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why = root.getMessage() == null ? root.toString() : root.getMessage();
    return e instanceof SSLException
        ? "TLS handshake with " + t.hostPort() + " failed: " + why
        : "cannot connect to " + t.hostPort() + ": " + why;
  }

  private static void logoutQuietly(RcxClient client) {
    try {
      client.logout();
    } catch (IOException e) {
      // The reply already decided this host's result; the token expires on its own.
    }
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
