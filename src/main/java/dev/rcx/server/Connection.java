package dev.rcx.server;

import dev.rcx.audit.AuditEvent;
import dev.rcx.audit.AuditException;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.LineReader;
import dev.rcx.protocol.LineTooLongException;
import dev.rcx.protocol.ProtocolException;
import dev.rcx.protocol.Request;
import dev.rcx.protocol.Response;
import dev.rcx.tls.ClientCertificates;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * One client connection, served by one virtual thread, plus a reader virtual thread.
 *
 * <p>Life cycle: HANDSHAKE (TLS only; the watchdog closes it at the handshake timeout) then OPEN.
 * In OPEN the reader thread reads bounded lines into a small queue and the request thread answers
 * them in order. Reading continuously is what lets rcx notice a client that disconnects while its
 * command runs: the reader sees the end of the stream and cancels the command, whose process tree
 * is then killed. The queue bounds pipelining; a full queue stops reading, which pushes back on the
 * client through TCP.
 */
final class Connection implements Runnable {
  private static final int PIPELINE_DEPTH = 16;

  /** Consecutive undecodable requests tolerated before the connection is closed. */
  private static final int MAX_CONSECUTIVE_ERRORS = 16;

  /**
   * Undecodable requests tolerated in all before the connection has logged in, however many valid
   * pings come between them: a stranger gets a few mistakes, not a stream of audit records.
   */
  static final int MAX_ERRORS_BEFORE_LOGIN = 4;

  /**
   * Replies are written in pieces of this size; each must be taken by the client within the line
   * timeout.
   */
  private static final int WRITE_CHUNK = 16 * 1024;

  private enum Phase {
    HANDSHAKE,
    OPEN,
    CLOSED
  }

  private final Socket socket;
  private final Socket tcp;
  private final ServerContext ctx;
  private final ConnectionState state;
  private final RunningCommand command;
  private final long id;
  private final RequestHandler handler;
  private final String addressKey;
  private volatile Phase phase = Phase.HANDSHAKE;
  private final long openedNanos = System.nanoTime();
  private volatile @Nullable LineReader reader;
  private volatile @Nullable String abortReason;
  private volatile boolean answering;

  /** When the write in progress began ({@link System#nanoTime()}), or 0 when not writing. */
  private volatile long writeStartedNanos;

  /**
   * @param socket what the protocol is spoken over: {@code tcp} itself, or TLS layered over it
   * @param tcp the accepted TCP socket, which {@link #abort} closes
   * @param handler answers each request line (login, exec, ...) on the request thread
   */
  Connection(Socket socket, Socket tcp, ServerContext ctx, RequestHandler handler, long id) {
    this.socket = socket;
    this.tcp = tcp;
    this.ctx = ctx;
    this.handler = handler;
    this.id = id;
    InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
    String ip = remote.getAddress().getHostAddress();
    this.state = new ConnectionState(clientAddress(remote), ip);
    this.command = state.command();
    this.addressKey = Addresses.key(remote.getAddress());
  }

  /** "connection 12 from 127.0.0.1:5555", for logs. */
  @Override
  public String toString() {
    return "connection " + id + " from " + state.client();
  }

  @Override
  public void run() {
    String reason = "unknown";
    long requests = 0;
    try {
      // Quietly: while the audit log is down, connections are still answered (with
      // AUDIT_UNAVAILABLE for what needs a record); the log's gap record counts what was lost.
      ctx.auditQuietly(new AuditEvent.ConnectionOpened(state.client()));
      if (socket instanceof SSLSocket tls && !handshake(tls)) {
        reason = "tls_handshake_failed";
        return;
      }
      phase = Phase.OPEN;
      LineReader lines =
          new LineReader(socket.getInputStream(), ctx.config().limits().maxLineBytes());
      reader = lines;
      // Unbuffered: send() writes each reply in large pieces, and a buffer would cost every idle
      // connection 16 KiB.
      // Taken before the reader starts: a close_notify it reads can shut the TLS output, and
      // getOutputStream() would
      // then throw, auditing an io_error instead of the client's disconnect.
      OutputStream out = socket.getOutputStream();
      state.sender(response -> send(out, response));
      BlockingQueue<Inbound> queue = new ArrayBlockingQueue<>(PIPELINE_DEPTH);
      Thread.ofVirtual().name("rcx-read-" + id).start(() -> readLoop(lines, queue));
      Served served = serve(queue, out);
      reason = served.reason();
      requests = served.requests();
    } catch (IOException e) {
      reason = abortReasonOr("io_error: " + e.getMessage());
    } catch (InterruptedException e) {
      reason = "server_shutdown";
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      reason = "internal_error: " + e;
      ctx.log().error("connection {} failed", state.client(), e);
    } finally {
      phase = Phase.CLOSED;
      command.clientGone();
      // Closing TLS writes close_notify, which a client that stopped reading could block: keep the
      // write deadline.
      writeStartedNanos = System.nanoTime();
      closeQuietly();
      ctx.auditQuietly(
          new AuditEvent.ConnectionClosed(
              state.client(), state.user(), state.session(), reason, requests));
      ctx.connectionEnded(this);
    }
  }

  private record Served(String reason, long requests) {}

  private Served serve(BlockingQueue<Inbound> queue, OutputStream out)
      throws IOException, InterruptedException {
    long requests = 0;
    int consecutiveErrors = 0;
    int errorsBeforeLogin = 0;
    long idleMillis = ctx.config().limits().idleTimeout().toMillis();
    while (true) {
      Inbound next = queue.poll(idleMillis, TimeUnit.MILLISECONDS);
      switch (next) {
        case null -> {
          return new Served("idle_timeout", requests);
        }
        case Inbound.Closed c -> {
          return new Served("client_closed", requests);
        }
        case Inbound.Broken b -> {
          return new Served(abortReasonOr(b.reason()), requests);
        }
        case Inbound.TooLong t -> {
          Response.Error error =
              new Response.Error(
                  ErrorCode.LINE_TOO_LONG,
                  "line exceeds the maximum of " + t.limit() + " bytes; closing",
                  null);
          ctx.auditQuietly(
              new AuditEvent.ProtocolError(
                  state.client(),
                  state.user(),
                  state.session(),
                  error.code().name(),
                  error.message()));
          send(out, error);
          return new Served("line_too_long", requests);
        }
        case Inbound.Cancel cancel -> {
          requests++;
          if (cancel.auditFailed()) {
            send(
                out,
                new Response.Error(
                    ErrorCode.INTERNAL, "audit log unavailable; cancel refused", cancel.id()));
            return new Served("audit_failed", requests);
          }
          send(out, new Response.CancelResponse("success", cancel.id()));
          command.finished(cancel.index());
        }
        case Inbound.Line line -> {
          requests++;
          command.handling(line.index());
          answering = true;
          RequestHandler.Outcome outcome;
          try {
            outcome = handler.handle(line.bytes(), state);
            consecutiveErrors = outcome.protocolError() ? consecutiveErrors + 1 : 0;
            if (outcome.response() != null) {
              send(out, outcome.response());
            }
          } finally {
            answering = false;
          }
          command.finished(line.index());
          if (outcome.close() != null) {
            return new Served(abortReasonOr(outcome.close()), requests);
          }
          if (consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
            return new Served("too_many_protocol_errors", requests);
          }
          if (outcome.protocolError()
              && !authenticated()
              && ++errorsBeforeLogin >= MAX_ERRORS_BEFORE_LOGIN) {
            return new Served("too_many_protocol_errors_before_login", requests);
          }
        }
      }
    }
  }

  /**
   * Writes one reply. A client that stops reading fills the socket buffers and would block this
   * write forever, holding the connection and its slot; the watchdog closes the connection when one
   * piece makes no progress for the line timeout.
   */
  private void send(OutputStream out, Response response) throws IOException {
    byte[] bytes = ctx.codec().encode(response);
    try {
      for (int off = 0; off < bytes.length; off += WRITE_CHUNK) {
        writeStartedNanos = System.nanoTime();
        out.write(bytes, off, Math.min(WRITE_CHUNK, bytes.length - off));
        out.flush();
      }
    } finally {
      writeStartedNanos = 0;
    }
  }

  private boolean handshake(SSLSocket tls) {
    try {
      tls.startHandshake();
      state.certificateUser(ClientCertificates.username(tls.getSession()).orElse(null));
      ctx.metrics().tlsHandshake(true);
      return true;
    } catch (IOException e) {
      ctx.metrics().tlsHandshake(false);
      String reason = abortReasonOr(String.valueOf(e.getMessage()));
      ctx.auditQuietly(new AuditEvent.TlsHandshakeFailed(state.client(), reason));
      return false;
    }
  }

  private void readLoop(LineReader lines, BlockingQueue<Inbound> queue) {
    Inbound last;
    long index = 0;
    try {
      while (true) {
        byte[] line = lines.readLine();
        if (line == null) {
          last = new Inbound.Closed();
          break;
        }
        if (line.length == 0) {
          continue; // blank lines are keep-alives, e.g. from a person typing in openssl s_client
        }
        // A cancel must act while the request thread is busy with the command it cancels, so the
        // reader acts on it here and only its answer waits its turn.
        Request.Cancel cancel = cancelRequest(line);
        queue.put(cancel == null ? new Inbound.Line(line, index) : cancel(cancel, index));
        index++;
      }
    } catch (LineTooLongException e) {
      last = new Inbound.TooLong(e.limit());
    } catch (EOFException e) {
      last = new Inbound.Broken("client_disconnected_mid_line");
    } catch (SocketException e) {
      last =
          new Inbound.Broken(
              phase == Phase.CLOSED ? "closed" : "client_disconnected: " + e.getMessage());
    } catch (IOException e) {
      last = new Inbound.Broken("read_failed: " + e.getMessage());
    } catch (InterruptedException e) {
      return;
    }
    // The client is gone or done: a command still running for it is killed, not left to finish.
    if (!(last instanceof Inbound.TooLong)) {
      command.clientGone();
    }
    queue.clear();
    queue.offer(last);
  }

  /** The line as a {@code cancel} request, or null (decoded fully only if it could be one). */
  private Request.@Nullable Cancel cancelRequest(byte[] line) {
    if (!contains(line, CANCEL)) {
      return null;
    }
    try {
      return ctx.codec().decodeRequest(line) instanceof Request.Cancel c ? c : null;
    } catch (ProtocolException e) {
      return null; // the request thread answers it with the error
    }
  }

  private static final byte[] CANCEL = "\"cancel\"".getBytes(StandardCharsets.US_ASCII);

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Reader thread: audits the cancel, then stops every command from an earlier line that has not
   * finished: the running one now, one still starting when it registers. The record comes first: if
   * it cannot be written nothing is cancelled.
   */
  private Inbound cancel(Request.Cancel cancel, long index) {
    if (!command.cancelWouldStop(index)) {
      // Every earlier line is done: nothing to stop, nothing to record (no log spam from idle
      // cancels, which need no login).
      return new Inbound.Cancel(cancel.id(), index, /* auditFailed= */ false);
    }
    try {
      ctx.audit(
          new AuditEvent.CancelRequested(
              state.client(), state.user(), state.session(), command.running()));
    } catch (AuditException e) {
      ctx.log().error("audit log write failed; cancel refused", e);
      return new Inbound.Cancel(cancel.id(), index, /* auditFailed= */ true);
    }
    command.cancelBefore(index);
    return new Inbound.Cancel(cancel.id(), index, /* auditFailed= */ false);
  }

  /**
   * Called by the watchdog; closes the socket when a deadline (handshake, line, write) has passed.
   */
  void enforceDeadlines(long nowNanos) {
    long writing = writeStartedNanos;
    if (writing != 0 && nowNanos - writing > ctx.config().limits().lineTimeout().toNanos()) {
      abort("write_timeout");
      return;
    }
    switch (phase) {
      case HANDSHAKE -> {
        if (nowNanos - openedNanos > ctx.config().limits().handshakeTimeout().toNanos()) {
          abort("handshake_timeout");
        }
      }
      case OPEN -> {
        // A login being checked (Argon2 under load can outlast the deadline) is not an idle
        // stranger: the deadline applies only while no request is in hand.
        if (!authenticated()
            && command.idle()
            && nowNanos - openedNanos > ctx.config().limits().authTimeout().toNanos()) {
          abort("auth_timeout");
          return;
        }
        LineReader r = reader;
        long started = r == null ? 0 : r.lineStartedNanos();
        if (started != 0 && nowNanos - started > ctx.config().limits().lineTimeout().toNanos()) {
          abort("line_timeout");
        }
      }
      case CLOSED -> {}
    }
  }

  /**
   * Closes the connection from outside (watchdog, shutdown); the reason is audited. Closes the TCP
   * socket, never the TLS socket: {@code SSLSocket.close()} during a handshake drains pending input
   * under the socket's read lock, which the handshaking thread holds while it waits, so the caller
   * (the one watchdog thread) could block indefinitely. Closing the TCP socket wakes the
   * connection's own threads, which then close the TLS layer themselves.
   */
  void abort(String reason) {
    if (abortReason == null) {
      abortReason = reason;
    }
    try {
      tcp.close();
    } catch (IOException e) {
      // Already closed; the connection's thread is on its way out.
    }
  }

  /**
   * Kills this connection's running command because the shutdown grace period is over; its request
   * thread then answers {@code SERVER_SHUTDOWN} and closes. Returns whether a command was running.
   */
  boolean killForShutdown() {
    return command.killForShutdown();
  }

  /** Whether this connection has ended (its close is audited). */
  boolean finished() {
    return phase == Phase.CLOSED;
  }

  /**
   * Whether this connection has logged in or used a valid session token. Until then the auth
   * deadline and the error limit before login apply.
   */
  boolean authenticated() {
    return state.session() != null;
  }

  /** The per-address limits' key for this connection's client. */
  String addressKey() {
    return addressKey;
  }

  /**
   * Whether a request is being answered right now (from reading it to sending its reply), so a
   * shutdown can let the reply out before closing.
   */
  boolean answering() {
    return answering;
  }

  private String abortReasonOr(String fallback) {
    String r = abortReason;
    return r != null ? r : fallback;
  }

  private void closeQuietly() {
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed or broken; nothing more to release.
    }
  }

  /** "ip:port", with IPv6 addresses in brackets as in URLs. */
  static String clientAddress(InetSocketAddress remote) {
    String ip = remote.getAddress().getHostAddress();
    return (remote.getAddress() instanceof java.net.Inet6Address ? "[" + ip + "]" : ip)
        + ":"
        + remote.getPort();
  }
}
