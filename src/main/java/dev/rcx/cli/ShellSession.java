package dev.rcx.cli;

import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The connection behind {@code rcx shell}, kept usable across idle pauses: before a command that
 * follows a pause, a {@code ping} checks the connection, and a connection the server closed while
 * idle (its {@code limits.idle_timeout}) is replaced by a new one that reuses the still-valid
 * session token, without asking for the password. A command is never sent twice: only the ping
 * decides whether to reconnect.
 */
final class ShellSession implements AutoCloseable {
  /** After this long without a request, probe the connection before the next command. */
  private static final long PROBE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ConnectionOptions connection;
  private final SessionLogin login;
  private final PrintWriter err;
  private RcxClient client;
  private long lastUseNanos = System.nanoTime();
  private int reconnects;

  ShellSession(
      ConnectionOptions connection, SessionLogin login, RcxClient client, PrintWriter err) {
    this.connection = connection;
    this.login = login;
    this.client = client;
    this.err = err;
  }

  RcxClient client() {
    return client;
  }

  /** How many times the connection was replaced. */
  int reconnects() {
    return reconnects;
  }

  /**
   * Runs one command line with its output streamed to {@code output}; Ctrl-C meanwhile cancels it
   * on the server and keeps the shell. See {@link SessionLogin#exec}.
   */
  Response exec(String line, RcxClient.OutputListener output) throws IOException {
    ensureConnected();
    try (CancelOnInterrupt interrupts = CancelOnInterrupt.install(client, err)) {
      return login.exec(
          client,
          c ->
              interrupts.send(
                  sent ->
                      c.exec(
                          line,
                          List.of(),
                          connection.timeout,
                          new RcxClient.OutputListener() {
                            @Override
                            public void output(boolean stderr, byte[] bytes) throws IOException {
                              output.output(stderr, bytes);
                            }

                            @Override
                            public void sent() {
                              sent.run();
                            }
                          })));
    } finally {
      lastUseNanos = System.nanoTime();
    }
  }

  /**
   * The commands this user may run, from the server ({@code list_commands}); empty when the server
   * does not know that request.
   */
  List<Response.CommandInfo> commands() throws IOException {
    ensureConnected();
    Response r = client.listCommands();
    lastUseNanos = System.nanoTime();
    return r instanceof Response.CommandList l ? l.commands() : List.of();
  }

  private void ensureConnected() {
    if (System.nanoTime() - lastUseNanos < PROBE_AFTER_NANOS) {
      return;
    }
    try {
      client.ping();
    } catch (IOException e) {
      reconnect(e);
    }
  }

  private void reconnect(IOException why) {
    String token = client.token();
    closeQuietly(client);
    err.println(
        "rcx: the connection was closed ("
            + ConnectionOptions.rootMessage(why)
            + "); reconnecting with the session token");
    err.flush();
    client = connection.connect(err);
    if (token != null) {
      client.useToken(token);
    }
    reconnects++;
  }

  /** Logs out unless the session is cached for later invocations; then closes the connection. */
  @Override
  public void close() throws IOException {
    try {
      if (!login.keepsSession() && client.token() != null) {
        client.logout();
      }
    } catch (IOException e) {
      // The token expires on its own.
    } finally {
      client.close();
    }
  }

  private static void closeQuietly(RcxClient c) {
    try {
      c.close();
    } catch (IOException e) {
      // Already broken.
    }
  }
}
