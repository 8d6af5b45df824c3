package dev.rcx.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcx.client.RcxClient;
import dev.rcx.config.ServerConfig;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Shared pieces of the hostile-client suite: configurations, raw sockets from chosen addresses,
 * JSON, audit counts.
 *
 * <p>Attackers run on platform threads, never virtual ones: the server under test lives in the same
 * JVM, and attack work queued on the virtual-thread carriers would delay the server's threads in a
 * way no remote attacker can.
 */
final class Hostile {
  static final ObjectMapper JSON = new ObjectMapper();

  private Hostile() {}

  // ------------------------------------------------------------- configuration

  /**
   * {@code c} with the given connection limit and deadlines; other limits unchanged. One address
   * may take all {@code maxConnections}, and every record of it is written in full: these cases
   * attack the global limits from 127.0.0.1 and count the audit records of each connection; {@code
   * DoorTest} attacks the per-address limits.
   */
  static ServerConfig limits(
      ServerConfig c, int maxConnections, Duration handshake, Duration line, Duration idle) {
    ServerConfig.Limits l = c.limits();
    return c.withLimits(
        new ServerConfig.Limits(
            maxConnections,
            l.maxLineBytes(),
            handshake,
            idle,
            line,
            l.maxConcurrentCommands(),
            l.commandQueueWait(),
            l.shutdownGrace(),
            l.authTimeout(),
            maxConnections,
            l.maxCommandsPerUser(),
            Integer.MAX_VALUE));
  }

  /**
   * {@code c} with every audit record of a client without a session written in full, for cases that
   * count them; {@code DoorTest} tests the per-address rate itself.
   */
  static ServerConfig everyRecord(ServerConfig c) {
    ServerConfig.Limits l = c.limits();
    return c.withLimits(
        l.withFairness(
            l.authTimeout(),
            l.maxConnectionsPerAddress(),
            l.maxCommandsPerUser(),
            Integer.MAX_VALUE));
  }

  /** {@code c} with short deadlines, for cases that wait for them. */
  static ServerConfig timeouts(ServerConfig c, Duration handshake, Duration line, Duration idle) {
    return limits(c, c.limits().maxConnections(), handshake, line, idle);
  }

  static ServerConfig maxConnections(ServerConfig c, int n) {
    ServerConfig.Limits l = c.limits();
    return limits(c, n, l.handshakeTimeout(), l.lineTimeout(), l.idleTimeout());
  }

  // ----------------------------------------------------------------- sockets

  /**
   * A client TLS connection layered over a TCP socket the test keeps, because {@code
   * SSLSocket.close()} blocks while another thread is stuck writing to it (a peer that stopped
   * reading): {@link #close()} closes the TCP socket, which never blocks.
   */
  record Tls(Socket tcp, SSLSocket ssl) implements AutoCloseable {
    String client() {
      return clientName(tcp);
    }

    @Override
    public void close() {
      closeQuietly(tcp);
    }
  }

  /**
   * A TLS connection from {@code localIp} (any 127/8 address on Linux) with the handshake done,
   * pinned to the server, Nagle off (as real clients do; otherwise each handshake waits for a
   * delayed ACK).
   */
  static Tls tls(SSLSocketFactory factory, int port, String localIp) throws IOException {
    Socket tcp = new Socket();
    try {
      tcp.setTcpNoDelay(true);
      tcp.bind(new InetSocketAddress(localIp, 0));
      tcp.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      tcp.setSoTimeout(10_000);
      SSLSocket ssl =
          (SSLSocket) factory.createSocket(tcp, "127.0.0.1", port, /* autoClose= */ true);
      ssl.startHandshake();
      return new Tls(tcp, ssl);
    } catch (IOException | RuntimeException e) {
      tcp.close();
      throw e;
    }
  }

  static Tls tls(TestServer s, String localIp) throws IOException {
    return tls(s.pinnedContext().getSocketFactory(), s.port(), localIp);
  }

  /** A TLS {@link Wire} from {@code localIp}. */
  static Wire wireFrom(TestServer s, String localIp) throws IOException {
    return new Wire(tls(s, localIp).ssl());
  }

  /** A plain TCP connection to the server's port, no handshake. */
  static Socket plain(TestServer s) throws IOException {
    return s.rawPlain();
  }

  /** The bytes of a real TLS ClientHello as this JDK's client would send it to the server. */
  static byte[] clientHello(SSLContext ctx) throws SSLException {
    SSLEngine engine = ctx.createSSLEngine("127.0.0.1", 443);
    engine.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    return Arrays.copyOf(out.array(), out.position());
  }

  /** The local "ip:port" of a socket as the server's audit records name the client. */
  static String clientName(Socket s) {
    return s.getLocalAddress().getHostAddress() + ":" + s.getLocalPort();
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // Tearing down an attack connection; the server side is what the test checks.
    }
  }

  /** Adds {@code user} and logs in once; the token stays valid after that connection closes. */
  static String token(TestServer s, String user, String password) throws IOException {
    s.addUser(user, password);
    try (RcxClient c = s.loggedIn(user, password)) {
      return c.token();
    }
  }

  /** Closes with a TCP reset instead of a FIN. */
  static void reset(Socket tcp) {
    try {
      tcp.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    closeQuietly(tcp);
  }

  // -------------------------------------------------------------------- JSON

  static ObjectNode object(String type) {
    return JSON.createObjectNode().put("type", type);
  }

  static String auth(String user, String passwordSha256Hex) {
    return object("auth").put("username", user).put("password_hash", passwordSha256Hex).toString();
  }

  static String command(String token, String command, List<String> args, String id) {
    ObjectNode n =
        object("command").put("session_token", token).put("command", command).put("id", id);
    if (!args.isEmpty()) {
      ArrayNode a = n.putArray("args");
      args.forEach(a::add);
    }
    return n.toString();
  }

  static String command(String token, String command) {
    return object("command").put("session_token", token).put("command", command).toString();
  }

  static String command(String token, String command, String id) {
    return object("command")
        .put("session_token", token)
        .put("command", command)
        .put("id", id)
        .toString();
  }

  static String ping(String id) {
    return object("ping").put("id", id).toString();
  }

  // ------------------------------------------------------------------- audit

  static long count(TestServer s, String event, Predicate<JsonNode> match) {
    return s.auditEvents(event).stream().filter(match).count();
  }

  /**
   * Waits until at least {@code n} {@code event} records match; fails with the counts seen after
   * {@code timeout}.
   */
  static void awaitCount(
      TestServer s, String event, Predicate<JsonNode> match, long n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long seen;
    while ((seen = count(s, event, match)) < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "expected at least "
                + n
                + " matching "
                + event
                + " records within "
                + timeout
                + ", saw "
                + seen);
      }
      sleep(Duration.ofMillis(50));
    }
  }

  static Predicate<JsonNode> field(String name, String value) {
    return e -> value.equals(e.path(name).asText());
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
