package dev.rcx.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw socket (TLS or plain) that speaks the protocol by hand: write any bytes, read reply lines
 * as JSON. Reads time out after 20 s so a missing reply fails the test instead of hanging it.
 */
public final class Wire implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Socket socket;
  private final Socket transport;
  private final InputStream in;
  private final OutputStream out;

  public Wire(Socket socket) {
    this(socket, socket);
  }

  /**
   * @param socket what to speak through (e.g. a TLS socket)
   * @param transport the TCP socket underneath, closed by {@link #abort()} without a TLS
   *     close_notify
   */
  public Wire(Socket socket, Socket transport) {
    this.socket = socket;
    this.transport = transport;
    try {
      socket.setSoTimeout(20_000);
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An {@code auth} request line (without newline) for {@code user} and {@code password}. */
  public static String auth(String user, String password) {
    var n = JSON.createObjectNode().put("type", "auth").put("username", user);
    n.put("password_hash", dev.rcx.client.RcxClient.sha256Hex(password.toCharArray()));
    return n.toString();
  }

  /** A {@code command} request line (without newline); {@code args} are the literal extra words. */
  public static String command(String token, String command, String... args) {
    var n =
        JSON.createObjectNode()
            .put("type", "command")
            .put("session_token", token)
            .put("command", command);
    if (args.length > 0) {
      var a = n.putArray("args");
      for (String arg : args) {
        a.add(arg);
      }
    }
    return n.toString();
  }

  public Socket socket() {
    return socket;
  }

  /** Writes {@code text} as UTF-8, exactly as given (no newline added). */
  public Wire write(String text) throws IOException {
    return write(text.getBytes(StandardCharsets.UTF_8));
  }

  public Wire write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Writes {@code json} followed by a newline. */
  public Wire send(String json) throws IOException {
    return write(json + "\n");
  }

  /** Sends {@code json} and reads the one reply. */
  public JsonNode call(String json) throws IOException {
    send(json);
    return readJson();
  }

  /** The next line without its newline, or null when the server closed the connection first. */
  public String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
      }
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(b);
    }
  }

  /** The next line parsed as JSON; fails if the server closed the connection instead. */
  public JsonNode readJson() throws IOException {
    String line = readLine();
    if (line == null) {
      throw new IOException("server closed the connection instead of replying");
    }
    return JSON.readTree(line);
  }

  /**
   * Whether the server closes the connection within {@code within} (end of stream or reset),
   * discarding anything it still sends. False if the connection is still open at the deadline.
   */
  public boolean closedByPeer(Duration within) throws IOException {
    int saved = socket.getSoTimeout();
    try {
      return closedByPeerWithin(within);
    } finally {
      // The short polling timeouts below must not leak into the caller's next read.
      if (!socket.isClosed()) {
        socket.setSoTimeout(saved);
      }
    }
  }

  private boolean closedByPeerWithin(Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      socket.setSoTimeout(
          (int) Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000)));
      try {
        if (in.read() < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        // still open; keep waiting until the deadline
      } catch (SocketException | javax.net.ssl.SSLException e) {
        return true;
      }
    }
    return false;
  }

  /**
   * Drops the connection like a crashed client: no TLS close_notify, and a TCP reset instead of a
   * FIN.
   */
  public void abort() throws IOException {
    transport.setSoLinger(true, 0);
    transport.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
