package dev.rcx.server;

import dev.rcx.audit.AuditEvent;
import dev.rcx.audit.AuditLog;
import dev.rcx.audit.Durability;
import dev.rcx.auth.Authenticator;
import dev.rcx.auth.LoginThrottle;
import dev.rcx.auth.PasswordHasher;
import dev.rcx.auth.SessionManager;
import dev.rcx.auth.UserStore;
import dev.rcx.config.ConfigException;
import dev.rcx.config.ServerConfig;
import dev.rcx.exec.CommandExecutor;
import dev.rcx.exec.OrphanGuard;
import dev.rcx.exec.Whitelist;
import dev.rcx.metrics.ServerMetrics;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.MessageCodec;
import dev.rcx.protocol.Response;
import dev.rcx.syslog.SyslogForwarder;
import dev.rcx.tls.ClientAuth;
import dev.rcx.tls.KeyMaterial;
import dev.rcx.tls.ServerIdentity;
import dev.rcx.tls.ServerTls;
import dev.rcx.tls.TlsPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * The rcx server: accepts TCP (TLS by default) connections on one platform thread and serves each
 * on its own virtual thread. See docs/ARCHITECTURE.md for the concurrency model.
 *
 * <p>Start one with {@link #builder(ServerConfig, Path)}; {@link #close()} stops accepting, lets
 * running commands finish within the grace period, kills what remains and audits the shutdown.
 */
public final class RcxServer implements AutoCloseable {
  /**
   * Connections beyond the maximum that may be holding a TLS handshake just to be told SERVER_BUSY.
   */
  private static final int REJECT_SLOTS = 64;

  /** System property: {@code false} starts servers without the orphan guard watcher process. */
  public static final String ORPHAN_GUARD_PROPERTY = "rcx.exec.orphan_guard";

  private final ServerConfig config;
  private final ServerSocket listener;
  private final @Nullable SSLSocketFactory tlsLayer;
  private final @Nullable SSLParameters tlsParameters;
  private final @Nullable String fingerprint;
  private final List<String> certificateMissingNames;
  private final AuditLog audit;
  private @Nullable String auditKey;
  private final Watchdog watchdog;
  private final ServerContext ctx;
  private final RequestHandler handler;
  private final CommandExecutor executor;
  private final SessionManager sessions;
  private final Duration shutdownGrace;
  private final @Nullable OrphanGuard guard;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicLong connectionIds = new AtomicLong();
  private final Semaphore rejectSlots = new Semaphore(REJECT_SLOTS);

  /** Connections per address key; updated only inside {@code compute}, so counts never race. */
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

  private final AcceptBackoff acceptBackoff = new AcceptBackoff();
  private final Thread acceptor;
  private final AtomicReference<Whitelist> policy;
  private final PolicySource policySource;
  private final @Nullable ControlSocket control;
  private final ServerMetrics metrics;
  private final @Nullable SyslogForwarder syslog;
  private volatile boolean closing;

  /**
   * Order matters: everything that can fail (data dir, configuration, TLS identity, whitelist,
   * users file, binding the port) happens before the audit log is opened, because opening a new log
   * creates its verification key, which is shown only once. A start that fails leaves no log behind
   * whose key nobody saw.
   */
  private RcxServer(Builder b) throws IOException {
    this.config = b.config;
    this.shutdownGrace =
        b.shutdownGrace != null ? b.shutdownGrace : config.limits().shutdownGrace();
    createPrivateDirectory(b.dataDir);
    boolean tls = config.tls().enabled();
    InetAddress bindAddress = InetAddress.getByName(config.bind());
    if (!tls && !bindAddress.isLoopbackAddress()) {
      throw new ConfigException(
          "plaintext (--no-tls) is refused on non-loopback address "
              + config.bind()
              + "; it exists for benchmarks only");
    }
    SyslogForwarder.check(config.audit().syslog());
    KeyMaterial identity = null;
    SSLContext sslContext = null;
    List<String> missing = List.of();
    if (tls) {
      Path certificate = config.tls().certificate();
      Path key = config.tls().key();
      if (certificate != null && key != null) { // given together (ServerConfig.Tls)
        identity = ServerIdentity.loadPem(certificate, key);
      } else {
        List<String> required = CertificateNames.required(config, bindAddress);
        boolean generate =
            b.regenerateCertificate || !Files.exists(b.dataDir.resolve(ServerIdentity.CERT_FILE));
        identity =
            ServerIdentity.loadOrCreate(
                b.dataDir,
                generate ? CertificateNames.forNewCertificate(config, bindAddress) : required,
                b.regenerateCertificate);
        missing = ServerIdentity.missingNames(identity.leaf(), required);
      }
      sslContext = ServerTls.context(identity, clientCas(config.tls()));
    }
    this.certificateMissingNames = missing;
    this.fingerprint = identity == null ? null : identity.fingerprint();
    this.policySource = b.policySource != null ? b.policySource : () -> config;
    this.policy = new AtomicReference<>(whitelist(config));
    UserStore users = UserStore.open(b.dataDir.resolve("users.json"));

    // TLS is layered over plain accepted sockets so that a deadline can always close the TCP
    // socket: closing an SSLSocket from another thread mid-handshake can block on its read lock
    // (see Connection#abort).
    this.listener = new ServerSocket();
    this.tlsLayer = sslContext == null ? null : sslContext.getSocketFactory();
    this.tlsParameters =
        tls
            ? ServerTls.parameters(
                new TlsPolicy(config.tls().allowTls12(), clientAuth(config.tls())))
            : null;
    try {
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(bindAddress, config.port()), 1024);
    } catch (BindException e) {
      closeQuietly(listener);
      BindException described =
          new BindException(
              "cannot listen on " + config.bind() + ":" + config.port() + ": " + e.getMessage());
      described.initCause(e);
      throw described;
    } catch (IOException | RuntimeException e) {
      closeQuietly(listener);
      throw e;
    }
    // The metrics endpoint binds a port too, so it can fail: before the audit log as well.
    try {
      this.metrics = metrics(config.metrics());
    } catch (IOException | RuntimeException e) {
      closeQuietly(listener);
      throw e;
    }

    try {
      this.audit =
          AuditLog.open(b.dataDir.resolve("audit.log"), b.clock, auditOptions(config.audit()));
    } catch (RuntimeException e) {
      closeQuietly(listener);
      metrics.close();
      throw e;
    }
    this.auditKey = audit.takeVerificationKey().orElse(null);
    this.sessions =
        new SessionManager(
            b.clock,
            b.random,
            new SessionManager.Options(
                config.sessions().idleTimeout(),
                config.sessions().lifetime(),
                // Expired tokens are remembered as long as they could have lived, to answer
                // TOKEN_EXPIRED.
                config.sessions().lifetime(),
                config.sessions().maxSessions(),
                config.sessions().bindToAddress(),
                config.sessions().maxSessionsPerUser()));
    Authenticator authenticator =
        new Authenticator(users, new PasswordHasher(), new LoginThrottle(b.clock));
    this.executor =
        new CommandExecutor(
            config.limits().maxConcurrentCommands(),
            config.limits().maxCommandsPerUser(),
            config.limits().commandQueueWait());
    MessageCodec codec = new MessageCodec(config.limits().maxLineBytes());
    metrics.sessionsLive(sessions::active);
    this.ctx = new ServerContext(config, codec, audit, this::connectionEnded, metrics);
    this.handler =
        new RequestHandler(
            codec,
            authenticator,
            users,
            sessions,
            policy::get,
            executor,
            ctx,
            commandIds(b.random));
    UserChangeAuditor userChanges = new UserChangeAuditor(users, ctx);
    this.watchdog =
        new Watchdog(Duration.ofMillis(200), new Housekeeping(sessions, userChanges, ctx)::run);
    OrphanGuard startedGuard = null;
    try {
      // Before anything is accepted: end, on record, every command a dead predecessor left behind.
      Reconciler.run(audit.file(), audit);
      startedGuard = b.orphanGuard ? startGuard() : null;
      if (startedGuard != null) {
        executor.guard(startedGuard);
      }
      audit.append(
          new AuditEvent.ServerStarted(
              listenAddress(), tls, fingerprint, version(), currentPolicy().hash()));
    } catch (RuntimeException e) {
      watchdog.close();
      if (startedGuard != null) {
        startedGuard.close();
      }
      closeQuietly(listener);
      metrics.close();
      closeQuietly(audit);
      throw e;
    }
    this.guard = startedGuard;
    // Forwarding reads the log file from its cursor on, so starting it once the start can no longer
    // fail loses nothing: server_started and everything before it are sent first.
    this.syslog =
        config.audit().syslog().enabled()
            ? SyslogForwarder.start(config.audit().syslog(), b.dataDir, audit::lastSeq)
            : null;
    if (syslog != null) {
      metrics.syslogBacklog(syslog::backlog);
    }
    userChanges.drain(); // changes made while no server ran
    this.control = b.controlSocket ? ControlSocket.open(b.dataDir, this::control, ctx.log()) : null;
    this.acceptor = Thread.ofPlatform().name("rcx-accept").daemon(false).start(this::acceptLoop);
  }

  /** Creates the data dir owner-only (0700) if missing; an existing one is left as it is. */
  private static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  public static Builder builder(ServerConfig config, Path dataDir) {
    return new Builder(config, dataDir);
  }

  /** Metrics as configured: none unless {@code metrics.listen} is set; loopback unless allowed. */
  private ServerMetrics metrics(ServerConfig.Metrics m) throws IOException {
    if (m.listen() == null) {
      return ServerMetrics.none();
    }
    InetAddress address = InetAddress.getByName(m.host());
    if (!address.isLoopbackAddress() && !m.allowRemote()) {
      throw new ConfigException(
          "metrics.listen: "
              + m.listen()
              + " is not a loopback address; metrics show whitelist entries and activity, so"
              + " serving them beyond this host needs metrics.allow_remote: true (or put a"
              + " proxy with authentication in front)");
    }
    return ServerMetrics.prometheus(new InetSocketAddress(address, m.port()), this::healthProblem);
  }

  /** Why the server is unhealthy, or empty: for the metrics endpoint's {@code /health}. */
  private Optional<String> healthProblem() {
    if (closing) {
      return Optional.of("shutting down");
    }
    if (acceptor == null || !acceptor.isAlive()) {
      return Optional.of("not accepting connections");
    }
    return Optional.empty();
  }

  /** Where metrics are served, if they are on. */
  public Optional<InetSocketAddress> metricsAddress() {
    return metrics.address();
  }

  private static Whitelist whitelist(ServerConfig c) {
    return c.commandsFile() == null ? Whitelist.defaults() : Whitelist.load(c.commandsFile());
  }

  /** The hash of the policy (whitelist) in force; see {@link Whitelist#hash()}. */
  public String policyHash() {
    return currentPolicy().hash();
  }

  /** Set in the constructor and only ever replaced by another policy, never cleared. */
  private Whitelist currentPolicy() {
    return Objects.requireNonNull(policy.get());
  }

  /**
   * Re-reads the policy: the configuration through the {@link Builder#policySource policy source}
   * and the whitelist file it names. A valid new policy is audited ({@code policy_reloaded}) and
   * then swapped in atomically: a command is checked against the old policy or the new one, never a
   * mix, and sessions and running commands are untouched. An invalid file, or a record that cannot
   * be written, leaves the old policy in force and is audited ({@code policy_reload_failed}) when
   * possible. Settings other than {@code commands} only apply at the next start; the result lists
   * those that changed.
   *
   * @param trigger what asked for the reload, for the audit record ({@code signal}, {@code
   *     control})
   */
  public synchronized ReloadResult reload(String trigger) {
    Whitelist old = currentPolicy();
    Whitelist fresh;
    List<String> restartNeeded;
    try {
      ServerConfig loaded = policySource.load();
      fresh = whitelist(loaded);
      restartNeeded = ConfigDiff.restartNeeded(config, loaded);
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      ctx.auditQuietly(new AuditEvent.PolicyReloadFailed(old.hash(), trigger, reason));
      metrics.policyReload("rejected");
      return new ReloadResult.Rejected(old.hash(), reason);
    }
    String source = fresh.source().map(Path::toString).orElse("built-in");
    try {
      ctx.audit(
          new AuditEvent.PolicyReloaded(
              fresh.hash(), old.hash(), fresh.rules().size(), source, trigger, restartNeeded));
    } catch (RuntimeException e) {
      metrics.policyReload("rejected");
      return new ReloadResult.Rejected(
          old.hash(), "the audit log could not record the reload, so it was not applied: " + e);
    }
    policy.set(fresh);
    metrics.policyReload("reloaded");
    return new ReloadResult.Reloaded(
        fresh.hash(), old.hash(), fresh.rules().size(), source, restartNeeded);
  }

  /**
   * Closes the current audit file now and starts the next (see {@link AuditLog#rotate}), for an
   * external scheduler ({@code rcx audit rotate}).
   *
   * @throws dev.rcx.audit.AuditException if it could not be done; the log then completes the
   *     rotation when it can write again, and refuses records meanwhile
   */
  public AuditLog.Rotation rotateAudit() {
    return audit.rotate();
  }

  private String control(String verb) {
    if (verb.equals(ControlSocket.ROTATE)) {
      try {
        AuditLog.Rotation r = rotateAudit();
        return "OK closed "
            + r.closedFile()
            + " (last record seq "
            + r.lastSeq()
            + ", hash "
            + r.lastHash()
            + "); "
            + audit.file()
            + " continues the chain at seq "
            + (r.lastSeq() + 1);
      } catch (RuntimeException e) {
        return "FAILED cannot rotate the audit log: " + e.getMessage();
      }
    }
    if (!verb.equals(ControlSocket.RELOAD)) {
      return "ERROR unknown request '"
          + verb.replaceAll("[^a-z_-]", "?")
          + "'; known: reload, rotate";
    }
    ReloadResult r = reload("control");
    String status =
        switch (r) {
          case ReloadResult.Reloaded ok -> "OK ";
          case ReloadResult.Rejected no -> "FAILED ";
        };
    return status + r.describe();
  }

  /** The port actually bound (useful when the configuration asked for port 0). */
  public int port() {
    return listener.getLocalPort();
  }

  /** "host:port" the server listens on. */
  public String listenAddress() {
    return config.bind() + ":" + port();
  }

  /** SHA-256 fingerprint of the server certificate, or null in plaintext mode. */
  public @Nullable String fingerprint() {
    return fingerprint;
  }

  /**
   * The audit log's verification key if this start created the log, once: the operator must keep it
   * off this machine (it proves later that sealed records were not altered). Returns empty on every
   * later call and start.
   */
  public synchronized Optional<String> takeAuditVerificationKey() {
    String key = auditKey;
    auditKey = null;
    return Optional.ofNullable(key);
  }

  /**
   * Names that {@code tls.names} or the bound address ask for but the reused generated certificate
   * lacks (it was made for other names); empty when it has them all or is the operator's own.
   * Regenerate with {@link Builder#regenerateCertificate()} ({@code rcx server --regenerate-cert}).
   */
  public List<String> certificateMissingNames() {
    return certificateMissingNames;
  }

  /** The audit log file. */
  public Path auditLog() {
    return audit.file();
  }

  public boolean tls() {
    return fingerprint != null;
  }

  /** Connections being served right now. */
  public int activeConnections() {
    return active.get();
  }

  /** Commands running right now. */
  public int runningCommands() {
    return executor.running();
  }

  private void acceptLoop() {
    while (!closing) {
      Socket tcp;
      try {
        tcp = listener.accept();
        acceptBackoff.succeeded();
      } catch (IOException e) {
        if (closing) {
          return;
        }
        // Out of file descriptors (EMFILE) and the like: retrying at once would spin a core.
        Duration pause = acceptBackoff.failed();
        if (acceptBackoff.shouldLog()) {
          ctx.log()
              .warn(
                  "accept failed ({} failures so far): {}; pausing {} ms before accepting again",
                  acceptBackoff.failures(),
                  e.getMessage(),
                  pause.toMillis());
        }
        sleep(pause.toMillis());
        continue;
      }
      Socket socket;
      try {
        tcp.setTcpNoDelay(true);
        socket = secure(tcp);
      } catch (IOException e) {
        // Nothing read yet: a client that vanished right after connecting.
        ctx.log().debug("cannot set up a connection from {}: {}", tcp.getRemoteSocketAddress(), e);
        closeQuietly(tcp);
        continue;
      }
      if (active.incrementAndGet() > config.limits().maxConnections()) {
        active.decrementAndGet();
        metrics.connectionRefused("max_connections");
        reject(socket, "max_connections (" + config.limits().maxConnections() + ")");
        continue;
      }
      String address = Addresses.key(tcp.getInetAddress());
      int fromAddress = perAddress.merge(address, 1, Integer::sum);
      if (fromAddress > config.limits().maxConnectionsPerAddress()) {
        release(address);
        active.decrementAndGet();
        metrics.connectionRefused("max_connections_per_address");
        reject(
            socket,
            "max_connections_per_address ("
                + config.limits().maxConnectionsPerAddress()
                + ") for "
                + address);
        continue;
      }
      Connection c = new Connection(socket, tcp, ctx, handler, connectionIds.incrementAndGet());
      watchdog.watch(c);
      metrics.connectionOpened();
      try {
        Thread.ofVirtual().name("rcx-conn-" + connectionIds.get()).start(c);
      } catch (RuntimeException | OutOfMemoryError e) {
        // No thread for it (out of memory for stacks): refuse this one, keep serving the others.
        ctx.log().warn("cannot start a thread for a connection from {}; closed it", address, e);
        watchdog.forget(c);
        release(address);
        active.decrementAndGet();
        metrics.connectionClosed();
        closeQuietly(socket);
      }
    }
  }

  /**
   * The server side of TLS over {@code tcp} (no I/O yet), or {@code tcp} itself in plaintext mode.
   */
  private Socket secure(Socket tcp) throws IOException {
    if (tlsLayer == null) {
      return tcp;
    }
    SSLSocket tls = (SSLSocket) tlsLayer.createSocket(tcp, null, /* autoClose= */ true);
    tls.setSSLParameters(tlsParameters);
    return tls;
  }

  /**
   * Tells a connection beyond the maximum that the server is busy, if that is cheap enough; then
   * closes it.
   */
  private void reject(Socket socket, String reason) {
    InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
    ctx.auditQuietly(new AuditEvent.ConnectionRejected(Connection.clientAddress(remote), reason));
    if (!rejectSlots.tryAcquire()) {
      closeQuietly(socket);
      return;
    }
    Thread.ofVirtual()
        .name("rcx-reject")
        .start(
            () -> {
              try (socket) {
                socket.setSoTimeout((int) config.limits().handshakeTimeout().toMillis());
                if (socket instanceof SSLSocket s) {
                  s.startHandshake();
                }
                OutputStream out = socket.getOutputStream();
                out.write(
                    ctx.codec()
                        .encode(
                            new Response.Error(
                                ErrorCode.SERVER_BUSY,
                                "too many connections: " + reason + "; try again later",
                                null)));
                out.flush();
              } catch (IOException e) {
                // The client went away first; nothing to tell it.
              } finally {
                rejectSlots.release();
              }
            });
  }

  private void connectionEnded(Connection c) {
    watchdog.forget(c);
    release(c.addressKey());
    active.decrementAndGet();
    metrics.connectionClosed();
  }

  /** One connection from {@code address} ended; an address with none left is forgotten. */
  private void release(String address) {
    perAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
  }

  /**
   * Stops the server: no new connections, running commands get the grace period to finish, then
   * every connection is closed (killing any command still running), the shutdown is audited and the
   * audit log closed. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closing) {
      return;
    }
    closing = true;
    if (control != null) {
      control.close();
    }
    ctx.drain();
    ctx.auditQuietly(new AuditEvent.ServerStopping("shutdown", active.get()));
    closeQuietly(listener);
    long deadline = System.nanoTime() + shutdownGrace.toNanos();
    while (executor.running() > 0 && System.nanoTime() < deadline) {
      sleep(20);
    }
    List<Connection> open = List.copyOf(watchdog.connections());
    // Commands that outlived the grace are killed first, so that their clients are told
    // SERVER_SHUTDOWN and the log says server_shutdown, not that the client went away.
    List<Connection> killed = new ArrayList<>();
    for (Connection c : open) {
      if (c.killForShutdown()) {
        killed.add(c);
      }
    }
    // Each killed command's connection answers SERVER_SHUTDOWN and then ends by itself; a reply
    // being written (a command that just finished) is let out before the connection is closed.
    long repliedBy = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while ((killed.stream().anyMatch(c -> !c.finished())
            || open.stream().anyMatch(Connection::answering))
        && System.nanoTime() < repliedBy) {
      sleep(10);
    }
    for (Connection c : open) {
      c.abort("server_shutdown");
    }
    long waitUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (active.get() > 0 && System.nanoTime() < waitUntil) {
      sleep(10);
    }
    try {
      acceptor.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    watchdog.close();
    ctx.flushSuppressed(/* all= */ true);
    if (guard != null) {
      guard.close();
    }
    ctx.auditQuietly(new AuditEvent.ServerStopped("shutdown"));
    metrics.close();
    try {
      audit.close();
    } catch (Exception e) {
      ctx.log().error("closing the audit log failed", e);
    }
    if (syslog != null) {
      syslog.close(); // sends what is left (the stop and the final seal) for a few seconds
    }
  }

  /** The syslog forwarder, when {@code audit.syslog.address} is set. */
  public Optional<SyslogForwarder> syslog() {
    return Optional.ofNullable(syslog);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // Closing on a path that is already failing; the original problem is what matters.
    }
  }

  private static List<X509Certificate> clientCas(ServerConfig.Tls tls) {
    Path file = tls.clientCa();
    if (file == null) {
      return List.of();
    }
    try {
      return ServerTls.loadClientCas(file);
    } catch (IOException e) {
      throw new ConfigException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
    }
  }

  private static ClientAuth clientAuth(ServerConfig.Tls tls) {
    return switch (tls.clientAuth()) {
      case NONE -> ClientAuth.NONE;
      case OPTIONAL -> ClientAuth.OPTIONAL;
      case REQUIRED -> ClientAuth.REQUIRED;
    };
  }

  private static AuditLog.Options auditOptions(ServerConfig.Audit a) {
    Durability durability =
        switch (a.durability()) {
          case FLUSH -> Durability.FLUSH;
          case FSYNC -> Durability.FSYNC;
        };
    return AuditLog.Options.defaults()
        .withDurability(durability)
        .withEpochRecords(a.sealEpochRecords())
        .withMinFreeBytes(a.minFreeBytes())
        .withMaxFileBytes(a.maxFileBytes());
  }

  /** The watcher that kills commands if this server dies; null (logged) if it cannot start. */
  private @Nullable OrphanGuard startGuard() {
    try {
      return OrphanGuard.start();
    } catch (IOException e) {
      ctx.log()
          .warn(
              "cannot start the orphan guard ({}): commands may outlive a crash of this server"
                  + " until it restarts",
              e.getMessage());
      return null;
    }
  }

  /** The orphan guard's watcher pid, or -1 without one; for tests. */
  public long orphanGuardPid() {
    return guard == null ? -1 : guard.watcherPid();
  }

  /** Random 64-bit command ids: unique across restarts, so a start record names one command. */
  private static java.util.function.Supplier<String> commandIds(SecureRandom random) {
    return () -> {
      byte[] id = new byte[8];
      random.nextBytes(id);
      return java.util.HexFormat.of().formatHex(id);
    };
  }

  /** This build's version and commit, as written in {@code server_started} records. */
  static String version() {
    return BuildInfo.current().toString();
  }

  /** Periodic clean-up that must not run on every watchdog tick. */
  private static final class Housekeeping {
    private final SessionManager sessions;
    private final UserChangeAuditor userChanges;
    private final ServerContext ctx;
    private final Optional<IdleHeapTrim> heapTrim = IdleHeapTrim.forThisJvm(Duration.ofSeconds(10));
    private int ticks;

    Housekeeping(SessionManager sessions, UserChangeAuditor userChanges, ServerContext ctx) {
      this.sessions = sessions;
      this.userChanges = userChanges;
      this.ctx = ctx;
    }

    void run() {
      ++ticks;
      if (ticks % 5 == 0) {
        userChanges.drain(); // about once a second
        ctx.flushSuppressed(/* all= */ false);
        heapTrim.ifPresent(IdleHeapTrim::tick);
      }
      if (ticks % 50 == 0) {
        sessions.purge();
      }
    }
  }

  /** Builds a server; time and randomness are injectable for tests. */
  public static final class Builder {
    private final ServerConfig config;
    private final Path dataDir;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();
    private @Nullable Duration shutdownGrace;
    private boolean orphanGuard =
        Boolean.parseBoolean(System.getProperty(ORPHAN_GUARD_PROPERTY, "true"));
    private boolean regenerateCertificate;
    private @Nullable PolicySource policySource;
    private boolean controlSocket = true;

    private Builder(ServerConfig config, Path dataDir) {
      this.config = config;
      this.dataDir = dataDir;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Builder random(SecureRandom r) {
      this.random = r;
      return this;
    }

    /** Overrides the configuration's {@code limits.shutdown_grace}. */
    public Builder shutdownGrace(Duration d) {
      this.shutdownGrace = d;
      return this;
    }

    /**
     * Whether to start the {@link OrphanGuard} watcher process that kills running commands if this
     * server dies (default: the system property {@value #ORPHAN_GUARD_PROPERTY}, else true).
     */
    public Builder orphanGuard(boolean on) {
      this.orphanGuard = on;
      return this;
    }

    /**
     * Replaces the generated certificate and key in the data directory by new ones for today's
     * names (the fingerprint changes); no effect with the operator's own {@code tls.certificate}.
     */
    public Builder regenerateCertificate() {
      this.regenerateCertificate = true;
      return this;
    }

    /**
     * Where {@link RcxServer#reload} reads the configuration from (typically the config file with
     * the command line's overrides applied again); by default the starting configuration, so a
     * reload re-reads only the whitelist file.
     */
    public Builder policySource(PolicySource source) {
      this.policySource = source;
      return this;
    }

    /** Whether to listen on {@code control.sock} in the data directory (default true). */
    public Builder controlSocket(boolean on) {
      this.controlSocket = on;
      return this;
    }

    /** Binds and starts serving; throws if the port, files or configuration are not usable. */
    public RcxServer start() {
      try {
        return new RcxServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start server: " + e.getMessage(), e);
      }
    }
  }
}
