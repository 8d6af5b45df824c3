package dev.rcx.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.auth.UserStore;
import dev.rcx.client.RcxClient;
import dev.rcx.config.ServerConfig;
import dev.rcx.protocol.Response;
import dev.rcx.server.RcxServer;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A real {@link RcxServer} on 127.0.0.1, port 0, for integration tests: TLS with a fresh
 * self-signed certificate, a data directory inside the test's temp dir, the {@link
 * TestCommands#standard standard test whitelist} and a hand-moved {@link TestClock}.
 *
 * <pre>{@code
 * @TempDir Path dir;
 *
 * @Test
 * void exec_echo_returnsOutput() throws Exception {
 *   try (TestServer s = TestServer.start(dir)) {
 *     s.addUser("alice", "pw", "ops");
 *     try (RcxClient c = s.loggedIn("alice", "pw")) {
 *       assertThat(((Response.CommandOutput) c.exec("echo hi")).output()).isEqualTo("hi\n");
 *     }
 *     assertThat(s.auditEvents("command_run")).hasSize(1);
 *     s.assertStillServes();
 *   }
 * }
 *
 * // Customised: short line timeout, own whitelist, plaintext.
 * TestServer.builder(dir)
 *     .config(c -> c.withLimits(new ServerConfig.Limits(...)))
 *     .commands(cmds -> cmds.command("true", "/bin/true", e -> e))
 *     .plaintext()
 *     .start();
 * }</pre>
 *
 * <p>{@link #clock()} is the server's clock for sessions, login throttling and audit timestamps:
 * advance it to expire tokens or lift a login block. Connection deadlines (handshake, line, idle)
 * use real time and are shortened through {@link Builder#config}. {@link #assertStillServes()}
 * proves the server still works for a fresh client: call it at the end of every failure test. It
 * logs in as its own user, so it is refused while the per-address login block of {@code 127.0.0.1}
 * is active; advance the clock first.
 */
public final class TestServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROBE_USER = "probe";
  private static final String PROBE_PASSWORD = "probe-password-7f3a";

  private final RcxServer server;
  private final Path dataDir;
  private final TestCommands commands;
  private final TestClock clock;
  private final ServerConfig config;
  private UserStore users;
  private boolean probeAdded;

  private TestServer(Builder b) {
    this.dataDir = b.dir.resolve("data");
    this.clock = b.clock;
    this.commands = b.commands.apply(TestCommands.standard(b.dir.resolve("commands")));
    ServerConfig base = ServerConfig.defaults().withPort(0).withCommandsFile(commands.write());
    if (b.plaintext) {
      base = base.withTls(base.tls().withEnabled(false));
    }
    this.config = b.config.apply(base);
    this.server =
        RcxServer.builder(config, dataDir)
            .clock(clock)
            .shutdownGrace(b.shutdownGrace)
            .orphanGuard(b.orphanGuard)
            .start();
  }

  /** A server with all defaults; see the class description. */
  public static TestServer start(Path dir) {
    return builder(dir).start();
  }

  /**
   * A server whose configuration {@code config} adjusts (it receives port 0 and the test
   * whitelist).
   */
  public static TestServer start(Path dir, UnaryOperator<ServerConfig> config) {
    return builder(dir).config(config).start();
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** Options for {@link #builder}. */
  public static final class Builder {
    private final Path dir;
    private UnaryOperator<ServerConfig> config = UnaryOperator.identity();
    private UnaryOperator<TestCommands> commands = UnaryOperator.identity();
    private TestClock clock = new TestClock();
    private boolean plaintext;
    private Duration shutdownGrace = Duration.ofMillis(200);
    private boolean orphanGuard;

    private Builder(Path dir) {
      this.dir = dir;
    }

    /**
     * Adjusts the configuration (port 0, TLS, the test whitelist file) before the server starts.
     */
    public Builder config(UnaryOperator<ServerConfig> c) {
      this.config = c;
      return this;
    }

    /** Adds to (or replaces, by returning another instance) the standard test whitelist. */
    public Builder commands(UnaryOperator<TestCommands> c) {
      this.commands = c;
      return this;
    }

    public Builder clock(TestClock c) {
      this.clock = c;
      return this;
    }

    /**
     * How long {@link #close()} lets running commands finish before killing them (default 200 ms).
     */
    public Builder shutdownGrace(Duration d) {
      this.shutdownGrace = d;
      return this;
    }

    /**
     * Starts the server's orphan guard watcher process (off by default here, to spare a JVM per
     * test server; on by default in {@code rcx server}).
     */
    public Builder orphanGuard() {
      this.orphanGuard = true;
      return this;
    }

    /** Plaintext (--no-tls) instead of TLS. */
    public Builder plaintext() {
      this.plaintext = true;
      return this;
    }

    public TestServer start() {
      return new TestServer(this);
    }
  }

  public RcxServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  public String fingerprint() {
    return server.fingerprint();
  }

  public ServerConfig config() {
    return config;
  }

  public TestClock clock() {
    return clock;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path auditFile() {
    return dataDir.resolve("audit.log");
  }

  /** The whitelist in use, e.g. for {@link TestCommands#pidFile}. */
  public TestCommands commands() {
    return commands;
  }

  /** Adds a user to the server's users file; a running server picks it up on the next login. */
  public TestServer addUser(String name, String password, String... roles) {
    try {
      if (users == null) {
        users = UserStore.open(dataDir.resolve(UserStore.DEFAULT_FILE_NAME));
      }
      users.add(name, password.toCharArray(), Set.of(roles));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** A TLS client context that trusts exactly this server's certificate. */
  public SSLContext pinnedContext() {
    try {
      return ClientTls.context(new ClientTrust.PinnedFingerprint(fingerprint()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A connected client (TLS pinned to this server's fingerprint, or plaintext), reads time out
   * after 20 s.
   */
  public RcxClient client() throws IOException {
    Duration connect = Duration.ofSeconds(10);
    Duration read = Duration.ofSeconds(20);
    if (!server.tls()) {
      return RcxClient.connect(
          new RcxClient.Endpoint("127.0.0.1", port(), null, null, connect, read));
    }
    ClientTrust trust = new ClientTrust.PinnedFingerprint(fingerprint());
    return RcxClient.connect(
        new RcxClient.Endpoint(
            "127.0.0.1",
            port(),
            pinnedContext(),
            ClientTls.parameters(trust, false),
            connect,
            read));
  }

  /** A connected client that has logged in; fails the test if the login is refused. */
  public RcxClient loggedIn(String user, String password) throws IOException {
    RcxClient c = client();
    Response.AuthResponse auth = c.login(user, password.toCharArray());
    if (!(auth instanceof Response.AuthResponse.Success)) {
      c.close();
      throw new AssertionError("login of " + user + " refused: " + auth);
    }
    return c;
  }

  /**
   * Logs {@code user} in on a connection of its own (closed again) and returns the session token.
   */
  public String token(String user, String password) throws IOException {
    try (RcxClient c = loggedIn(user, password)) {
      return c.token();
    }
  }

  /** A raw TLS socket with the handshake done, trusting this server's certificate. */
  public SSLSocket rawTls() throws IOException {
    return tlsOver(rawPlain());
  }

  private SSLSocket tlsOver(Socket plain) throws IOException {
    SSLSocket s =
        (SSLSocket)
            pinnedContext()
                .getSocketFactory()
                .createSocket(plain, "127.0.0.1", port(), /* autoClose= */ true);
    s.setSoTimeout(10_000);
    s.startHandshake();
    return s;
  }

  /**
   * A plain TCP socket to the server's port (plaintext server, or to send non-TLS bytes at a TLS
   * server).
   */
  public Socket rawPlain() throws IOException {
    return rawPlainFrom(null);
  }

  private Socket rawPlainFrom(String localAddress) throws IOException {
    Socket s = new Socket();
    if (localAddress != null) {
      s.bind(new InetSocketAddress(localAddress, 0));
    }
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 5_000);
    s.setSoTimeout(10_000);
    return s;
  }

  /**
   * {@link #rawTls()} (or {@link #rawPlain()} for a plaintext server) wrapped for line-by-line
   * JSON.
   */
  public Wire wire() throws IOException {
    return wireFrom(null);
  }

  /**
   * {@link #wire()} from another local address, e.g. {@code "127.0.0.2"} (all of 127/8 is loopback
   * on Linux), to look like a second client machine.
   */
  public Wire wireFrom(String localAddress) throws IOException {
    Socket plain = rawPlainFrom(localAddress);
    return server.tls() ? new Wire(tlsOver(plain), plain) : new Wire(plain);
  }

  /**
   * The complete lines of the audit log, read now (a line being written is left out), across its
   * files in order when it was rotated.
   */
  public List<String> auditLines() {
    for (int attempt = 0; ; attempt++) {
      List<String> lines = new ArrayList<>();
      try {
        for (dev.rcx.audit.AuditFiles.Segment f : dev.rcx.audit.AuditFiles.list(auditFile())) {
          String text = Files.readString(f.path(), StandardCharsets.UTF_8);
          List<String> part = new ArrayList<>(List.of(text.split("\n", -1)));
          part.removeLast(); // after the final newline: empty, or a record still being written
          lines.addAll(part);
        }
        return lines;
      } catch (java.nio.file.NoSuchFileException e) {
        if (attempt >= 5) {
          throw new UncheckedIOException(e);
        }
        // A rotation renamed a file since the listing: list again.
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Every audit record, parsed. */
  public List<JsonNode> auditEvents() {
    List<JsonNode> events = new ArrayList<>();
    for (String line : auditLines()) {
      try {
        events.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new AssertionError("audit line is not JSON: " + line, e);
      }
    }
    return events;
  }

  /** The audit records whose {@code event} is {@code name}, oldest first. */
  public List<JsonNode> auditEvents(String name) {
    return auditEvents().stream().filter(e -> name.equals(e.path("event").asText())).toList();
  }

  /**
   * Waits (at most {@code timeout}) for an audit record matching {@code match}; fails the test if
   * none appears.
   */
  public JsonNode awaitAudit(String event, Predicate<JsonNode> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (JsonNode e : auditEvents(event)) {
        if (match.test(e)) {
          return e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no matching "
                + event
                + " record within "
                + timeout
                + "; audit log:\n"
                + String.join("\n", auditLines()));
      }
      Poll.sleep(Duration.ofMillis(20));
    }
  }

  /**
   * {@link #awaitAudit(String, Predicate, Duration)} within 15 s (generous: CI machines are
   * shared).
   */
  public JsonNode awaitAudit(String event, Predicate<JsonNode> match) {
    return awaitAudit(event, match, Duration.ofSeconds(15));
  }

  /**
   * Proves the server still serves: a fresh connection pings, logs in as a probe user and runs
   * {@code echo}. Fails the test otherwise.
   */
  public void assertStillServes() throws IOException {
    if (!probeAdded) {
      addUser(PROBE_USER, PROBE_PASSWORD);
      probeAdded = true;
    }
    try (RcxClient c = client()) {
      Response pong = c.ping();
      if (!(pong instanceof Response.Pong)) {
        throw new AssertionError("server no longer answers ping: " + pong);
      }
      Response.AuthResponse auth = c.login(PROBE_USER, PROBE_PASSWORD.toCharArray());
      if (!(auth instanceof Response.AuthResponse.Success)) {
        throw new AssertionError("server no longer accepts a valid login: " + auth);
      }
      Response r = c.exec("echo", List.of("still-serving"));
      if (!(r instanceof Response.CommandOutput o) || !o.output().equals("still-serving\n")) {
        throw new AssertionError("server no longer runs commands: " + r);
      }
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
