package dev.rcx.client;

import dev.rcx.config.Durations;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.LineReader;
import dev.rcx.protocol.MessageCodec;
import dev.rcx.protocol.ProtocolException;
import dev.rcx.protocol.Request;
import dev.rcx.protocol.Response;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import jdk.net.ExtendedSocketOptions;
import org.jspecify.annotations.Nullable;

/**
 * A connection to an rcx server and a typed API over the protocol. One request at a time; not
 * thread-safe (use one client per thread). A session token obtained here may be reused on another
 * connection with {@link #useToken}.
 *
 * <pre>{@code
 * try (RcxClient c = RcxClient.connect(Endpoint.tls("host", 7443, sslContext, params))) {
 *   c.login("alice", password);
 *   Response r = c.exec("uptime");
 * }
 * }</pre>
 *
 * <p>Nothing here waits without bound: the TCP connect and the TLS handshake are each bounded by
 * {@link Endpoint#connectTimeout()}, and every reply must arrive whole within {@link
 * Endpoint#readTimeout()} (or the timeout given to {@link #exec(String, List, Duration)}, which
 * must cover the command's own run time). A deadline that passes throws {@link TimedOutException}
 * and closes the connection. TCP keep-alive probes also notice a peer host that vanished.
 */
public final class RcxClient implements AutoCloseable {
  /**
   * Replies carry command output (capped per stream by the server), JSON-escaped; allow generously.
   */
  private static final int MAX_REPLY_BYTES = 64 * 1024 * 1024;

  /** TCP keep-alive: first probe after this much silence, then every interval, up to the count. */
  private static final int KEEPALIVE_IDLE_SECONDS = 30;

  private static final int KEEPALIVE_INTERVAL_SECONDS = 10;
  private static final int KEEPALIVE_PROBES = 3;

  private final Socket socket;
  private final String where;
  private final Duration readTimeout;
  private final DeadlineInputStream deadline;
  private final LineReader in;
  private final OutputStream out;
  private final MessageCodec codec = new MessageCodec(MAX_REPLY_BYTES);
  private volatile @Nullable String token;
  private final AtomicInteger pendingCancels = new AtomicInteger();
  private final long handshakeNanos;
  private final boolean resumed;

  private RcxClient(Socket socket, Socket tcp, Endpoint e, long handshakeNanos, boolean resumed)
      throws IOException {
    this.socket = socket;
    this.where = e.hostPort();
    this.readTimeout = e.readTimeout();
    this.handshakeNanos = handshakeNanos;
    this.resumed = resumed;
    this.deadline = new DeadlineInputStream(socket.getInputStream(), tcp);
    this.in = new LineReader(deadline, MAX_REPLY_BYTES);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
  }

  /**
   * Where and how to connect.
   *
   * @param sslContext null for plaintext (benchmarks only)
   * @param sslParameters protocol and hostname-check settings for TLS, or null for the context's
   *     defaults
   * @param connectTimeout bounds the TCP connect, and then again the TLS handshake
   * @param readTimeout bounds the wait for each whole reply, unless a call says otherwise
   * @param serverName the name sent as SNI and checked against the certificate (with a hostname
   *     check), when it differs from {@code host}; null to use {@code host}
   */
  public record Endpoint(
      String host,
      int port,
      @Nullable SSLContext sslContext,
      @Nullable SSLParameters sslParameters,
      Duration connectTimeout,
      Duration readTimeout,
      @Nullable String serverName) {
    public Endpoint {
      Objects.requireNonNull(host, "host");
      if (port <= 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 1 and 65535 but was " + port);
      }
      requirePositive(connectTimeout, "connectTimeout");
      requirePositive(readTimeout, "readTimeout");
      if (serverName != null && serverName.isBlank()) {
        throw new IllegalArgumentException("serverName must not be blank");
      }
    }

    /** An endpoint that uses {@code host} as the server's name. */
    public Endpoint(
        String host,
        int port,
        @Nullable SSLContext sslContext,
        @Nullable SSLParameters sslParameters,
        Duration connectTimeout,
        Duration readTimeout) {
      this(host, port, sslContext, sslParameters, connectTimeout, readTimeout, null);
    }

    /** This endpoint with other connect and reply timeouts. */
    public Endpoint withTimeouts(Duration connect, Duration read) {
      return new Endpoint(host, port, sslContext, sslParameters, connect, read, serverName);
    }

    /**
     * This endpoint, verifying the certificate against (and sending as SNI) {@code name} instead of
     * the host connected to.
     */
    public Endpoint withServerName(String name) {
      return new Endpoint(host, port, sslContext, sslParameters, connectTimeout, readTimeout, name);
    }

    /** {@code host:port}, as messages name the server. */
    public String hostPort() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static void requirePositive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (!d.isPositive() || d.toMillis() < 1) {
        throw new IllegalArgumentException(name + " must be at least 1 ms but was " + d);
      }
    }

    public static Endpoint tls(
        String host, int port, SSLContext ctx, @Nullable SSLParameters params) {
      return new Endpoint(host, port, ctx, params, Duration.ofSeconds(10), Duration.ofMinutes(10));
    }

    public static Endpoint plaintext(String host, int port) {
      return new Endpoint(host, port, null, null, Duration.ofSeconds(10), Duration.ofMinutes(10));
    }
  }

  /**
   * Opens a TCP connection and, for TLS, completes the handshake (so trust failures surface here).
   *
   * @throws TimedOutException if the connect or the handshake takes longer than {@link
   *     Endpoint#connectTimeout()}
   */
  public static RcxClient connect(Endpoint e) throws IOException {
    Socket raw = new Socket();
    try {
      raw.setTcpNoDelay(true);
      keepAlive(raw);
      try {
        raw.connect(new InetSocketAddress(e.host(), e.port()), millis(e.connectTimeout()));
      } catch (SocketTimeoutException t) {
        throw new TimedOutException(Phase.CONNECT, e.hostPort(), e.connectTimeout(), t);
      }
      if (e.sslContext() == null) {
        return new RcxClient(raw, raw, e, 0, false);
      }
      String name = e.serverName() != null ? e.serverName() : e.host();
      SSLSocket tls =
          (SSLSocket) e.sslContext().getSocketFactory().createSocket(raw, name, e.port(), true);
      if (e.sslParameters() != null) {
        tls.setSSLParameters(e.sslParameters());
      }
      // Each read of the handshake may wait this long; the server's messages are few and small.
      raw.setSoTimeout(millis(e.connectTimeout()));
      long startMillis = System.currentTimeMillis();
      long start = System.nanoTime();
      try {
        tls.startHandshake();
      } catch (SocketTimeoutException t) {
        throw new TimedOutException(Phase.HANDSHAKE, e.hostPort(), e.connectTimeout(), t);
      }
      long nanos = System.nanoTime() - start;
      // A resumed TLS 1.3 session keeps the creation time of the session it resumes; a new one is
      // created during this handshake.
      boolean resumed = tls.getSession().getCreationTime() < startMillis;
      return new RcxClient(tls, raw, e, nanos, resumed);
    } catch (IOException | RuntimeException ex) {
      raw.close();
      throw ex;
    }
  }

  /** Lets the kernel notice a peer host that died or vanished, even while no reply is due. */
  private static void keepAlive(Socket raw) {
    try {
      raw.setKeepAlive(true);
      raw.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, KEEPALIVE_IDLE_SECONDS);
      raw.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, KEEPALIVE_INTERVAL_SECONDS);
      raw.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, KEEPALIVE_PROBES);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every platform tunes keep-alive; the reply deadline still bounds every wait.
    }
  }

  private static int millis(Duration d) {
    return Math.clamp(d.toMillis(), 1, Integer.MAX_VALUE);
  }

  /** Nanoseconds the TLS handshake took, 0 for plaintext. */
  public long handshakeNanos() {
    return handshakeNanos;
  }

  /**
   * Whether the TLS handshake resumed a session from an earlier connection made with the same
   * {@link SSLContext} to the same host and port (a session ticket: no certificate sent, none
   * verified, the server already proved its identity on the first connection); false for a full
   * handshake or plaintext.
   */
  public boolean resumed() {
    return resumed;
  }

  /** The negotiated TLS protocol and cipher suite, or "plaintext". */
  public String transport() {
    if (socket instanceof SSLSocket s) {
      return s.getSession().getProtocol() + " " + s.getSession().getCipherSuite();
    }
    return "plaintext";
  }

  /**
   * Logs in with a password (hashed here with SHA-256, as the protocol requires); remembers the
   * token on success.
   */
  public Response.AuthResponse login(String username, char[] password) throws IOException {
    return loginWithHash(username, sha256Hex(password));
  }

  /** Logs in with an already computed password hash. */
  public Response.AuthResponse loginWithHash(String username, String passwordSha256Hex)
      throws IOException {
    return authenticate(
        new Request.Auth(username, Objects.requireNonNull(passwordSha256Hex, "hash"), null));
  }

  /**
   * Logs in without a password: the client certificate this connection presented (its {@link
   * Endpoint#sslContext()} was built with {@code ClientTls.context(trust, identity)}) must name
   * {@code username} and be trusted by the server's {@code tls.client_ca}. Fails with AUTH_FAILED
   * otherwise, and with INVALID_REQUEST when the connection carries no verified certificate. On
   * such a connection {@link #login} works too and then needs both the certificate and the password
   * to be right.
   */
  public Response.AuthResponse loginWithCertificate(String username) throws IOException {
    return authenticate(new Request.Auth(username, null, null));
  }

  private Response.AuthResponse authenticate(Request.Auth request) throws IOException {
    Response r = send(request);
    return switch (r) {
      case Response.AuthResponse.Success s -> {
        token = s.sessionToken();
        yield s;
      }
      case Response.AuthResponse.Failure f -> f;
      case Response.Error e ->
          Response.AuthResponse.failure(e.code(), e.message(), e.retryAfterMs(), e.id());
      default -> throw unexpected(r);
    };
  }

  /** Uses a token obtained on another connection. */
  public void useToken(String sessionToken) {
    this.token = Objects.requireNonNull(sessionToken, "sessionToken");
  }

  public @Nullable String token() {
    return token;
  }

  /**
   * Runs a command: {@code command} is split into words by the server (quotes honoured, never a
   * shell); {@code args} are appended literally. Returns a {@link Response.CommandOutput} or a
   * {@link Response.Error}. The reply must arrive within {@link Endpoint#readTimeout()}.
   */
  public Response exec(String command, List<String> args) throws IOException {
    return exec(command, args, readTimeout);
  }

  /**
   * Like {@link #exec(String, List)}, waiting at most {@code replyTimeout} for the reply: it must
   * cover the server's wait for a free command slot and the command's own run time.
   *
   * @throws TimedOutException if no whole reply arrived in time; the connection is then closed,
   *     which makes the server kill the command if it still runs
   */
  public Response exec(String command, List<String> args, Duration replyTimeout)
      throws IOException {
    if (token == null) {
      throw new IllegalStateException("not logged in: call login() or useToken() first");
    }
    Response r = send(new Request.Command(token, command, args, null), replyTimeout);
    if (r instanceof Response.CommandOutput || r instanceof Response.Error) {
      return r;
    }
    throw unexpected(r);
  }

  public Response exec(String command) throws IOException {
    return exec(command, List.of());
  }

  /** Receives a streamed command's output as it arrives. */
  @FunctionalInterface
  public interface OutputListener {
    /**
     * One piece of output, in the order the command produced it.
     *
     * @param stderr whether it came from standard error (else standard output)
     * @param bytes the exact bytes
     */
    void output(boolean stderr, byte[] bytes) throws IOException;

    /**
     * Called once, on the calling thread, right after the command request was written and before
     * any output is read: from now on a {@link #cancel()} reaches this command (one written before
     * the request would not).
     */
    default void sent() throws IOException {}
  }

  /**
   * Runs a command with its output streamed: {@code listener} gets each piece as the server sends
   * it ({@code command_chunk}), then this returns the final {@link Response.CommandOutput} (whose
   * {@code output} and {@code stderr} are then empty) or a {@link Response.Error}. {@link
   * #cancel()} may be called from another thread meanwhile. The final reply must arrive within
   * {@link Endpoint#readTimeout()} of the request.
   */
  public Response exec(String command, List<String> args, OutputListener listener)
      throws IOException {
    return exec(command, args, readTimeout, listener);
  }

  /**
   * Like {@link #exec(String, List, OutputListener)}, with the final reply due within {@code
   * timeout} of the request: one deadline for the whole command, however many chunks arrive before
   * it (a command that keeps printing cannot outlive it).
   *
   * @throws TimedOutException if the final reply did not arrive in time; the connection is then
   *     closed, which makes the server kill the command if it still runs
   */
  public Response exec(String command, List<String> args, Duration timeout, OutputListener listener)
      throws IOException {
    if (token == null) {
      throw new IllegalStateException("not logged in: call login() or useToken() first");
    }
    long deadlineNanos = deadlineAfter(timeout);
    write(new Request.Command(token, command, args, /* stream= */ true, null));
    listener.sent();
    while (true) {
      Response r = readReply(deadlineNanos, timeout);
      switch (r) {
        case Response.CommandChunk chunk -> listener.output(chunk.isStderr(), chunk.bytes());
        case Response.CommandOutput o -> {
          return o;
        }
        case Response.Error e -> {
          return e;
        }
        default -> throw unexpected(r);
      }
    }
  }

  /**
   * Asks the server to stop the command running on this connection (and any sent before it that has
   * not finished): its process tree is killed and {@link #exec} returns a {@link
   * Response.CommandOutput} with status {@code cancelled}; the session and the connection stay
   * usable. The server's {@code cancel_response} is consumed by the next read. The one method that
   * may be called from another thread while a request is in progress (e.g. a Ctrl-C handler).
   */
  public void cancel() throws IOException {
    pendingCancels.incrementAndGet();
    write(new Request.Cancel(null));
  }

  /**
   * The commands this user may run ({@code list_commands}); a {@link Response.CommandList} or a
   * {@link Response.Error}.
   */
  public Response listCommands() throws IOException {
    if (token == null) {
      throw new IllegalStateException("not logged in: call login() or useToken() first");
    }
    return send(new Request.ListCommands(token, null));
  }

  /** Revokes the token on the server. */
  public Response logout() throws IOException {
    if (token == null) {
      throw new IllegalStateException("not logged in");
    }
    Response r = send(new Request.Logout(token, null));
    token = null;
    return r;
  }

  public Response ping() throws IOException {
    return send(new Request.Ping(null));
  }

  /** Sends one request and reads its reply within {@link Endpoint#readTimeout()}. */
  public Response send(Request request) throws IOException {
    return send(request, readTimeout);
  }

  /** Sends one request and reads its reply within {@code replyTimeout}. */
  public Response send(Request request, Duration replyTimeout) throws IOException {
    write(request);
    return readReply(deadlineAfter(replyTimeout), replyTimeout);
  }

  private void write(Request request) throws IOException {
    writeRaw(codec.encode(request));
  }

  /** Writes raw bytes (for tests and tools that speak the protocol by hand), without reading. */
  public void writeRaw(byte[] bytes) throws IOException {
    synchronized (out) {
      out.write(bytes);
      out.flush();
    }
  }

  /**
   * The next reply, skipping the answers to {@link #cancel()}s sent earlier, all before {@code
   * deadlineNanos} ({@link System#nanoTime()}); {@code timeout} is the deadline as the caller set
   * it, for the message when it passes.
   */
  private Response readReply(long deadlineNanos, Duration timeout) throws IOException {
    while (true) {
      Response r = readBefore(deadlineNanos, timeout);
      if (r instanceof Response.CancelResponse && pendingCancels.get() > 0) {
        pendingCancels.decrementAndGet();
        continue;
      }
      return r;
    }
  }

  /** Reads the next reply within {@link Endpoint#readTimeout()}. */
  public Response read() throws IOException {
    return read(readTimeout);
  }

  /**
   * Reads the next reply, which must arrive whole within {@code replyTimeout}.
   *
   * @throws TimedOutException if it did not; the connection is then closed
   */
  public Response read(Duration replyTimeout) throws IOException {
    return readBefore(deadlineAfter(replyTimeout), replyTimeout);
  }

  private static long deadlineAfter(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }

  private Response readBefore(long deadlineNanos, Duration timeout) throws IOException {
    byte[] line;
    deadline.start(deadlineNanos);
    try {
      line = in.readLine();
    } catch (SocketTimeoutException t) {
      socket.close();
      throw new TimedOutException(Phase.REPLY, where, timeout, t);
    } finally {
      deadline.clear();
    }
    if (line == null) {
      throw new ServerClosedException("server closed the connection");
    }
    try {
      return codec.decodeResponse(line);
    } catch (ProtocolException e) {
      throw new IOException("unreadable reply from server: " + e.getMessage(), e);
    }
  }

  private static IOException unexpected(Response r) {
    return new IOException("unexpected reply from server: " + r.getClass().getSimpleName());
  }

  /** Lowercase hex SHA-256 of the UTF-8 password, as the protocol's {@code password_hash}. */
  public static String sha256Hex(char[] password) {
    byte[] utf8 = new String(password).getBytes(StandardCharsets.UTF_8);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    } finally {
      java.util.Arrays.fill(utf8, (byte) 0);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** What the client was waiting for when a deadline passed. */
  public enum Phase {
    /** The TCP connection (SYN answered). */
    CONNECT,
    /** The TLS handshake after the TCP connection was accepted. */
    HANDSHAKE,
    /** A whole reply line to a request. */
    REPLY
  }

  /** A connect, handshake or reply deadline passed. */
  public static final class TimedOutException extends SocketTimeoutException {
    private final Phase phase;
    private final String hostPort;
    private final Duration timeout;

    TimedOutException(Phase phase, String hostPort, Duration timeout, Throwable cause) {
      super(describe(phase, hostPort, timeout));
      this.phase = phase;
      this.hostPort = hostPort;
      this.timeout = timeout;
      initCause(cause);
    }

    private static String describe(Phase phase, String hostPort, Duration timeout) {
      String within = " within " + Durations.format(timeout);
      return switch (phase) {
        case CONNECT -> "no TCP connection to " + hostPort + within;
        case HANDSHAKE ->
            hostPort + " accepted the connection but completed no TLS handshake" + within;
        case REPLY -> "no reply from " + hostPort + within;
      };
    }

    public Phase phase() {
      return phase;
    }

    /** The server as {@code host:port}. */
    public String hostPort() {
      return hostPort;
    }

    /** The deadline that passed. */
    public Duration timeout() {
      return timeout;
    }
  }

  /**
   * Bounds a whole reply, not just each read: before every read the socket timeout is set to what
   * is left of the deadline, so a server that trickles bytes cannot stretch the wait.
   */
  private static final class DeadlineInputStream extends InputStream {
    private final InputStream in;
    private final Socket tcp;
    private long deadlineNanos;
    private boolean armed;

    DeadlineInputStream(InputStream in, Socket tcp) {
      this.in = in;
      this.tcp = tcp;
    }

    /** Arms the deadline at {@code deadlineNanos}, a {@link System#nanoTime()} value. */
    void start(long deadlineNanos) {
      this.deadlineNanos = deadlineNanos;
      armed = true;
    }

    void clear() {
      armed = false;
    }

    private void arm() throws IOException {
      if (!armed) {
        tcp.setSoTimeout(0);
        return;
      }
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("reply deadline passed");
      }
      tcp.setSoTimeout(Math.clamp(Math.ceilDiv(left, 1_000_000L), 1, Integer.MAX_VALUE));
    }

    @Override
    public int read() throws IOException {
      arm();
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      arm();
      return in.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }
  }

  /** The server closed the connection before answering. */
  public static final class ServerClosedException extends IOException {
    public ServerClosedException(String message) {
      super(message);
    }
  }

  /** Whether an error code means the user must authenticate again. */
  public static boolean needsLogin(ErrorCode code) {
    return code == ErrorCode.INVALID_TOKEN || code == ErrorCode.TOKEN_EXPIRED;
  }
}
