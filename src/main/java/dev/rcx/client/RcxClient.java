package dev.rcx.client;

import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.LineReader;
import dev.rcx.protocol.MessageCodec;
import dev.rcx.protocol.ProtocolException;
import dev.rcx.protocol.Request;
import dev.rcx.protocol.Response;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 */
public final class RcxClient implements AutoCloseable {
  /**
   * Replies carry command output (capped per stream by the server), JSON-escaped; allow generously.
   */
  private static final int MAX_REPLY_BYTES = 64 * 1024 * 1024;

  private final Socket socket;
  private final LineReader in;
  private final OutputStream out;
  private final MessageCodec codec = new MessageCodec(MAX_REPLY_BYTES);
  private volatile @Nullable String token;
  private final AtomicInteger pendingCancels = new AtomicInteger();
  private final long handshakeNanos;
  private final boolean resumed;

  private RcxClient(Socket socket, long handshakeNanos, boolean resumed) throws IOException {
    this.socket = socket;
    this.handshakeNanos = handshakeNanos;
    this.resumed = resumed;
    this.in = new LineReader(socket.getInputStream(), MAX_REPLY_BYTES);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
  }

  /**
   * Where and how to connect.
   *
   * @param sslContext null for plaintext (benchmarks only)
   * @param sslParameters protocol and hostname-check settings for TLS, or null for the context's
   *     defaults
   */
  public record Endpoint(
      String host,
      int port,
      @Nullable SSLContext sslContext,
      @Nullable SSLParameters sslParameters,
      Duration connectTimeout,
      Duration readTimeout) {
    public Endpoint {
      Objects.requireNonNull(host, "host");
      if (port <= 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 1 and 65535 but was " + port);
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
   */
  public static RcxClient connect(Endpoint e) throws IOException {
    Socket raw = new Socket();
    try {
      raw.setTcpNoDelay(true);
      raw.connect(new InetSocketAddress(e.host(), e.port()), (int) e.connectTimeout().toMillis());
      raw.setSoTimeout((int) Math.min(Integer.MAX_VALUE, e.readTimeout().toMillis()));
      if (e.sslContext() == null) {
        return new RcxClient(raw, 0, false);
      }
      SSLSocket tls =
          (SSLSocket) e.sslContext().getSocketFactory().createSocket(raw, e.host(), e.port(), true);
      if (e.sslParameters() != null) {
        tls.setSSLParameters(e.sslParameters());
      }
      long startMillis = System.currentTimeMillis();
      long start = System.nanoTime();
      tls.startHandshake();
      long nanos = System.nanoTime() - start;
      // A resumed TLS 1.3 session keeps the creation time of the session it resumes; a new one is
      // created during this handshake.
      return new RcxClient(tls, nanos, tls.getSession().getCreationTime() < startMillis);
    } catch (IOException | RuntimeException ex) {
      raw.close();
      throw ex;
    }
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
      case Response.AuthResponse a -> {
        if (a.succeeded()) {
          token = a.sessionToken();
        }
        yield a;
      }
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
   * {@link Response.Error}.
   */
  public Response exec(String command, List<String> args) throws IOException {
    if (token == null) {
      throw new IllegalStateException("not logged in: call login() or useToken() first");
    }
    Response r = send(new Request.Command(token, command, args, null));
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
  }

  /**
   * Runs a command with its output streamed: {@code listener} gets each piece as the server sends
   * it ({@code command_chunk}), then this returns the final {@link Response.CommandOutput} (whose
   * {@code output} and {@code stderr} are then empty) or a {@link Response.Error}. {@link
   * #cancel()} may be called from another thread meanwhile.
   */
  public Response exec(String command, List<String> args, OutputListener listener)
      throws IOException {
    if (token == null) {
      throw new IllegalStateException("not logged in: call login() or useToken() first");
    }
    write(new Request.Command(token, command, args, /* stream= */ true, null));
    while (true) {
      Response r = readReply();
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

  /** Sends one request and reads its reply. */
  public Response send(Request request) throws IOException {
    write(request);
    return readReply();
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

  /** The next reply, skipping the answers to {@link #cancel()}s sent earlier. */
  private Response readReply() throws IOException {
    while (true) {
      Response r = read();
      if (r instanceof Response.CancelResponse && pendingCancels.get() > 0) {
        pendingCancels.decrementAndGet();
        continue;
      }
      return r;
    }
  }

  /** Reads the next reply. */
  public Response read() throws IOException {
    byte[] line = in.readLine();
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
