package dev.rcx.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a server needs, immutable and validated where it is built. {@link #defaults()} is
 * safe: loopback only, TLS 1.3 only, bounded connections, lines, timeouts and concurrent commands.
 *
 * @param bind address to listen on
 * @param port TCP port; 0 picks a free one
 * @param tls TLS settings
 * @param limits resource bounds
 * @param sessions session-token lifetimes
 * @param commandsFile whitelist file, or null for the built-in whitelist
 * @param audit audit-log settings
 * @param metrics Prometheus metrics endpoint settings (off by default)
 */
public record ServerConfig(
    String bind,
    int port,
    Tls tls,
    Limits limits,
    Sessions sessions,
    @Nullable Path commandsFile,
    Audit audit,
    Metrics metrics) {

  public static final int DEFAULT_PORT = 7443;

  public ServerConfig {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(sessions, "sessions");
    Objects.requireNonNull(audit, "audit");
    Objects.requireNonNull(metrics, "metrics");
    if (port < 0 || port > 65535) {
      throw new ConfigException("port: must be between 0 and 65535, but was " + port);
    }
  }

  /** A configuration with metrics off. */
  public ServerConfig(
      String bind,
      int port,
      Tls tls,
      Limits limits,
      Sessions sessions,
      @Nullable Path commandsFile,
      Audit audit) {
    this(bind, port, tls, limits, sessions, commandsFile, audit, Metrics.defaults());
  }

  public static ServerConfig defaults() {
    return new ServerConfig(
        "127.0.0.1",
        DEFAULT_PORT,
        Tls.defaults(),
        Limits.defaults(),
        Sessions.defaults(),
        null,
        Audit.defaults(),
        Metrics.defaults());
  }

  public ServerConfig withMetrics(Metrics newMetrics) {
    return new ServerConfig(bind, port, tls, limits, sessions, commandsFile, audit, newMetrics);
  }

  public ServerConfig withBind(String newBind) {
    return new ServerConfig(newBind, port, tls, limits, sessions, commandsFile, audit, metrics);
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(bind, newPort, tls, limits, sessions, commandsFile, audit, metrics);
  }

  public ServerConfig withTls(Tls newTls) {
    return new ServerConfig(bind, port, newTls, limits, sessions, commandsFile, audit, metrics);
  }

  public ServerConfig withLimits(Limits newLimits) {
    return new ServerConfig(bind, port, tls, newLimits, sessions, commandsFile, audit, metrics);
  }

  public ServerConfig withSessions(Sessions newSessions) {
    return new ServerConfig(bind, port, tls, limits, newSessions, commandsFile, audit, metrics);
  }

  public ServerConfig withCommandsFile(@Nullable Path file) {
    return new ServerConfig(bind, port, tls, limits, sessions, file, audit, metrics);
  }

  public ServerConfig withAudit(Audit newAudit) {
    return new ServerConfig(bind, port, tls, limits, sessions, commandsFile, newAudit, metrics);
  }

  /** Client-certificate policy for mutual TLS. */
  public enum ClientAuth {
    NONE,
    OPTIONAL,
    REQUIRED
  }

  /**
   * @param enabled false only for the plaintext benchmark comparison; refused on non-loopback
   *     addresses
   * @param allowTls12 also accept TLS 1.2 with ECDHE and AEAD suites
   * @param certificate PEM certificate chain, or null to generate a self-signed one in the data
   *     directory
   * @param key PEM private key matching {@code certificate}
   * @param clientAuth whether clients must present certificates
   * @param clientCa PEM file of CAs trusted for client certificates
   * @param names extra DNS names or IP addresses for the generated self-signed certificate ({@code
   *     tls.names}), beside the host's own names and the bound addresses; ignored with {@code
   *     certificate}
   */
  public record Tls(
      boolean enabled,
      boolean allowTls12,
      @Nullable Path certificate,
      @Nullable Path key,
      ClientAuth clientAuth,
      @Nullable Path clientCa,
      List<String> names) {
    public Tls {
      Objects.requireNonNull(clientAuth, "clientAuth");
      if ((certificate == null) != (key == null)) {
        throw new ConfigException("tls: 'certificate' and 'key' must be given together");
      }
      if (clientAuth != ClientAuth.NONE && clientCa == null) {
        throw new ConfigException("tls.client_auth: " + clientAuth + " needs tls.client_ca");
      }
      names = List.copyOf(names);
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i).isBlank() || names.get(i).chars().anyMatch(Character::isWhitespace)) {
          throw new ConfigException(
              "tls.names["
                  + (i + 1)
                  + "]: expected a DNS name or an IP address, but got '"
                  + names.get(i)
                  + "'");
        }
      }
    }

    /** Settings without extra certificate names. */
    public Tls(
        boolean enabled,
        boolean allowTls12,
        @Nullable Path certificate,
        @Nullable Path key,
        ClientAuth clientAuth,
        @Nullable Path clientCa) {
      this(enabled, allowTls12, certificate, key, clientAuth, clientCa, List.of());
    }

    public static Tls defaults() {
      return new Tls(true, false, null, null, ClientAuth.NONE, null, List.of());
    }

    public Tls withEnabled(boolean on) {
      return new Tls(on, allowTls12, certificate, key, clientAuth, clientCa, names);
    }

    public Tls withNames(List<String> extra) {
      return new Tls(enabled, allowTls12, certificate, key, clientAuth, clientCa, extra);
    }
  }

  /**
   * @param maxConnections connections served at once; more are answered SERVER_BUSY and closed
   * @param maxLineBytes longest request line
   * @param handshakeTimeout time allowed for the TLS handshake
   * @param idleTimeout a connection with no request and no running command for this long is closed
   * @param lineTimeout a line that starts but does not end within this time closes the connection
   * @param maxConcurrentCommands commands running at once across all clients
   * @param commandQueueWait how long a command may wait for a free slot before SERVER_BUSY
   * @param shutdownGrace on shutdown, how long running commands may go on before their process
   *     trees are killed
   * @param authTimeout a connection that has not logged in (or presented a valid token) this long
   *     after it was accepted is closed; pings do not extend it
   * @param maxConnectionsPerAddress connections one client address (an IPv6 /64) may hold at once
   * @param maxCommandsPerUser commands one user may have running at once; slots are shared
   *     round-robin between the users waiting for one
   * @param auditRecordsPerAddress audit records per minute written in full for one address while it
   *     has no session; the rest are counted and summarised once a minute
   */
  public record Limits(
      int maxConnections,
      int maxLineBytes,
      Duration handshakeTimeout,
      Duration idleTimeout,
      Duration lineTimeout,
      int maxConcurrentCommands,
      Duration commandQueueWait,
      Duration shutdownGrace,
      Duration authTimeout,
      int maxConnectionsPerAddress,
      int maxCommandsPerUser,
      int auditRecordsPerAddress) {

    /** Default for {@link #shutdownGrace}. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

    /** Default for {@link #authTimeout}. */
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(15);

    /** Default for {@link #auditRecordsPerAddress}. */
    public static final int DEFAULT_AUDIT_RECORDS_PER_ADDRESS = 30;

    /** Default for {@link #maxConnectionsPerAddress}: an eighth of the connections. */
    public static int defaultConnectionsPerAddress(int maxConnections) {
      return Math.max(1, maxConnections / 8);
    }

    /** Default for {@link #maxCommandsPerUser}: a quarter of the command slots. */
    public static int defaultCommandsPerUser(int maxConcurrentCommands) {
      return Math.max(1, maxConcurrentCommands / 4);
    }

    public Limits {
      positive("limits.max_connections", maxConnections);
      if (maxLineBytes < 1024 || maxLineBytes > 16 * 1024 * 1024) {
        throw new ConfigException(
            "limits.max_line_bytes: must be between 1024 and 16777216, but was " + maxLineBytes);
      }
      positive("limits.handshake_timeout", handshakeTimeout);
      positive("limits.idle_timeout", idleTimeout);
      positive("limits.line_timeout", lineTimeout);
      positive("limits.max_concurrent_commands", maxConcurrentCommands);
      if (commandQueueWait.isNegative()) {
        throw new ConfigException(
            "limits.command_queue_wait: must not be negative, but was " + commandQueueWait);
      }
      if (shutdownGrace.isNegative()) {
        throw new ConfigException(
            "limits.shutdown_grace: must not be negative, but was "
                + Durations.format(shutdownGrace));
      }
      positive("limits.auth_timeout", authTimeout);
      positive("limits.max_connections_per_address", maxConnectionsPerAddress);
      if (maxConnectionsPerAddress > maxConnections) {
        throw new ConfigException(
            "limits.max_connections_per_address: must be at most limits.max_connections ("
                + maxConnections
                + "), but was "
                + maxConnectionsPerAddress);
      }
      positive("limits.max_commands_per_user", maxCommandsPerUser);
      if (maxCommandsPerUser > maxConcurrentCommands) {
        throw new ConfigException(
            "limits.max_commands_per_user: must be at most limits.max_concurrent_commands ("
                + maxConcurrentCommands
                + "), but was "
                + maxCommandsPerUser);
      }
      positive("limits.audit_records_per_address", auditRecordsPerAddress);
    }

    /**
     * Limits with the default {@link #authTimeout}, per-address, per-user and audit-rate limits
     * derived from the given ones.
     */
    public Limits(
        int maxConnections,
        int maxLineBytes,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration lineTimeout,
        int maxConcurrentCommands,
        Duration commandQueueWait,
        Duration shutdownGrace) {
      this(
          maxConnections,
          maxLineBytes,
          handshakeTimeout,
          idleTimeout,
          lineTimeout,
          maxConcurrentCommands,
          commandQueueWait,
          shutdownGrace,
          DEFAULT_AUTH_TIMEOUT,
          defaultConnectionsPerAddress(maxConnections),
          defaultCommandsPerUser(maxConcurrentCommands),
          DEFAULT_AUDIT_RECORDS_PER_ADDRESS);
    }

    /** Limits with the default {@link #shutdownGrace}. */
    public Limits(
        int maxConnections,
        int maxLineBytes,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration lineTimeout,
        int maxConcurrentCommands,
        Duration commandQueueWait) {
      this(
          maxConnections,
          maxLineBytes,
          handshakeTimeout,
          idleTimeout,
          lineTimeout,
          maxConcurrentCommands,
          commandQueueWait,
          DEFAULT_SHUTDOWN_GRACE);
    }

    public Limits withShutdownGrace(Duration grace) {
      return new Limits(
          maxConnections,
          maxLineBytes,
          handshakeTimeout,
          idleTimeout,
          lineTimeout,
          maxConcurrentCommands,
          commandQueueWait,
          grace,
          authTimeout,
          maxConnectionsPerAddress,
          maxCommandsPerUser,
          auditRecordsPerAddress);
    }

    /** These limits with the per-address, per-user and pre-login limits given. */
    public Limits withFairness(
        Duration auth, int connectionsPerAddress, int commandsPerUser, int auditPerAddress) {
      return new Limits(
          maxConnections,
          maxLineBytes,
          handshakeTimeout,
          idleTimeout,
          lineTimeout,
          maxConcurrentCommands,
          commandQueueWait,
          shutdownGrace,
          auth,
          connectionsPerAddress,
          commandsPerUser,
          auditPerAddress);
    }

    public static Limits defaults() {
      return new Limits(
          1024,
          64 * 1024,
          Duration.ofSeconds(10),
          Duration.ofMinutes(5),
          Duration.ofSeconds(30),
          Math.max(8, 16 * Runtime.getRuntime().availableProcessors()),
          Duration.ofSeconds(10),
          DEFAULT_SHUTDOWN_GRACE);
    }
  }

  /**
   * @param idleTimeout a token unused for this long expires
   * @param lifetime a token expires this long after login regardless of use
   * @param bindToAddress a token is only valid from the address that logged in
   * @param maxSessions live sessions at most; a login beyond this is refused SERVER_BUSY
   * @param maxSessionsPerUser live sessions one user may hold; a login beyond this is refused
   */
  public record Sessions(
      Duration idleTimeout,
      Duration lifetime,
      boolean bindToAddress,
      int maxSessions,
      int maxSessionsPerUser) {
    public Sessions {
      positive("sessions.idle_timeout", idleTimeout);
      positive("sessions.lifetime", lifetime);
      positive("sessions.max_sessions", maxSessions);
      positive("sessions.max_sessions_per_user", maxSessionsPerUser);
      if (maxSessionsPerUser > maxSessions) {
        throw new ConfigException(
            "sessions.max_sessions_per_user: must be at most sessions.max_sessions ("
                + maxSessions
                + "), but was "
                + maxSessionsPerUser);
      }
    }

    /** Sessions with the default per-user limit for {@code maxSessions}. */
    public Sessions(
        Duration idleTimeout, Duration lifetime, boolean bindToAddress, int maxSessions) {
      this(idleTimeout, lifetime, bindToAddress, maxSessions, defaultPerUser(maxSessions));
    }

    /** Default for {@link #maxSessionsPerUser}: a hundredth of the sessions, at least 1. */
    public static int defaultPerUser(int maxSessions) {
      return Math.max(1, maxSessions / 100);
    }

    public static Sessions defaults() {
      return new Sessions(Duration.ofMinutes(15), Duration.ofHours(8), false, 10_000);
    }
  }

  /** How hard the audit log tries to survive a crash; see docs/SECURITY.md. */
  public enum Durability {
    /**
     * Each record is handed to the OS before the response: survives a crash of rcx, not a power
     * loss.
     */
    FLUSH,
    /** Each record is on disk (fsync, group commit) before the response: survives a power loss. */
    FSYNC
  }

  /**
   * @param durability flush or fsync per record
   * @param sealEpochRecords records per forward-secure sealing epoch
   * @param minFreeBytes free space the audit log's file system must keep for a new command to start
   *     (0 = no reserve); what remains holds the records of commands already running
   * @param maxFileBytes rotate the audit log before its current file passes this size (0 = never)
   * @param syslog where records are forwarded as they are written (off by default)
   */
  public record Audit(
      Durability durability,
      int sealEpochRecords,
      long minFreeBytes,
      long maxFileBytes,
      Syslog syslog) {
    /** 16 MiB: room for tens of thousands of end, login and gap records. */
    public static final long DEFAULT_MIN_FREE_BYTES = 16L << 20;

    /** The smallest {@code audit.max_file_bytes} other than 0. */
    public static final long MIN_FILE_BYTES = 4096;

    public Audit {
      Objects.requireNonNull(durability, "durability");
      Objects.requireNonNull(syslog, "syslog");
      positive("audit.seal_epoch_records", sealEpochRecords);
      if (minFreeBytes < 0) {
        throw new ConfigException(
            "audit.min_free_bytes: must be 0 (no reserve) or more, but was " + minFreeBytes);
      }
      if (maxFileBytes != 0 && maxFileBytes < MIN_FILE_BYTES) {
        throw new ConfigException(
            "audit.max_file_bytes: must be 0 (no rotation) or at least "
                + MIN_FILE_BYTES
                + " bytes, but was "
                + maxFileBytes);
      }
    }

    /** Without rotation by size. */
    public Audit(Durability durability, int sealEpochRecords, long minFreeBytes, Syslog syslog) {
      this(durability, sealEpochRecords, minFreeBytes, 0, syslog);
    }

    /** Without forwarding to syslog. */
    public Audit(
        Durability durability, int sealEpochRecords, long minFreeBytes, long maxFileBytes) {
      this(durability, sealEpochRecords, minFreeBytes, maxFileBytes, Syslog.off());
    }

    /** Without rotation by size or forwarding to syslog. */
    public Audit(Durability durability, int sealEpochRecords, long minFreeBytes) {
      this(durability, sealEpochRecords, minFreeBytes, 0, Syslog.off());
    }

    /** With the default free-space reserve, without forwarding to syslog. */
    public Audit(Durability durability, int sealEpochRecords) {
      this(durability, sealEpochRecords, DEFAULT_MIN_FREE_BYTES);
    }

    public Audit withMinFreeBytes(long value) {
      return new Audit(durability, sealEpochRecords, value, maxFileBytes, syslog);
    }

    public Audit withMaxFileBytes(long value) {
      return new Audit(durability, sealEpochRecords, minFreeBytes, value, syslog);
    }

    public Audit withSyslog(Syslog value) {
      return new Audit(durability, sealEpochRecords, minFreeBytes, maxFileBytes, value);
    }

    public static Audit defaults() {
      return new Audit(Durability.FLUSH, 1024);
    }
  }

  /**
   * @param listen {@code host:port} to serve {@code /metrics} and {@code /health} on, or null for
   *     no metrics (the default)
   * @param allowRemote whether {@code listen} may be a non-loopback address; metrics name whitelist
   *     entries and show activity, so exposing them beyond the host must be explicit
   */
  public record Metrics(@Nullable String listen, boolean allowRemote) {
    public Metrics {
      if (listen != null) {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0 || colon == listen.length() - 1) {
          throw new ConfigException(
              "metrics.listen: expected host:port like 127.0.0.1:9464, but got '" + listen + "'");
        }
        int p;
        try {
          p = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
          p = -1;
        }
        if (p < 0 || p > 65535) {
          throw new ConfigException(
              "metrics.listen: port must be between 0 and 65535, in '" + listen + "'");
        }
      }
    }

    public static Metrics defaults() {
      return new Metrics(null, false);
    }

    /** The host part of {@link #listen} (brackets of an IPv6 literal removed). */
    public String host() {
      String listen = listenOrThrow();
      String h = listen.substring(0, listen.lastIndexOf(':'));
      return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** The port part of {@link #listen}. */
    public int port() {
      String listen = listenOrThrow();
      return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    private String listenOrThrow() {
      if (listen == null) {
        throw new IllegalStateException("metrics are off: metrics.listen is not set");
      }
      return listen;
    }
  }

  /**
   * Forwarding of every audit record to a syslog collector (RFC 5424 over TCP, RFC 5425 TLS by
   * default); off unless {@code address} is set.
   *
   * @param address the collector's {@code host:port} ({@code [v6]:port} for an IPv6 literal), or
   *     null for no forwarding (the default)
   * @param tls TLS per RFC 5425 (the default); false (plaintext) is allowed only for a collector on
   *     a loopback address, which the server checks when it starts
   * @param ca PEM file of the CA certificate(s) that the collector's certificate must chain to;
   *     required with TLS
   * @param cert PEM certificate chain presented to a collector that asks for one (mutual TLS), or
   *     null
   * @param key PEM private key matching {@code cert}
   * @param maxBackoff the longest wait between reconnection attempts (the wait doubles from 250 ms
   *     up to this)
   */
  public record Syslog(
      @Nullable String address,
      boolean tls,
      @Nullable Path ca,
      @Nullable Path cert,
      @Nullable Path key,
      Duration maxBackoff) {
    /** Default for {@link #maxBackoff}. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

    public Syslog {
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      if (address != null) {
        hostAndPort(address);
        if (tls && ca == null) {
          throw new ConfigException(
              "audit.syslog.ca: TLS to the collector "
                  + address
                  + " needs the CA file that signed its certificate (a PEM file; the system"
                  + " bundle /etc/ssl/certs/ca-certificates.crt for a public CA), or"
                  + " audit.syslog.tls: false for a plaintext collector on loopback");
        }
      }
      if ((cert == null) != (key == null)) {
        throw new ConfigException("audit.syslog: 'cert' and 'key' must be given together");
      }
      if (maxBackoff.toMillis() < 10 || maxBackoff.compareTo(Duration.ofHours(1)) > 0) {
        throw new ConfigException(
            "audit.syslog.max_backoff: must be between 10ms and 1h, but was "
                + Durations.format(maxBackoff));
      }
    }

    /** No forwarding. */
    public static Syslog off() {
      return new Syslog(null, true, null, null, null, DEFAULT_MAX_BACKOFF);
    }

    /** Forwarding over TLS to {@code address}, trusting the CAs in {@code ca}. */
    public static Syslog tls(String address, Path ca) {
      return new Syslog(address, true, ca, null, null, DEFAULT_MAX_BACKOFF);
    }

    /** Plaintext forwarding to {@code address} (loopback only). */
    public static Syslog plaintext(String address) {
      return new Syslog(address, false, null, null, null, DEFAULT_MAX_BACKOFF);
    }

    public Syslog withMaxBackoff(Duration value) {
      return new Syslog(address, tls, ca, cert, key, value);
    }

    public Syslog withClientCertificate(Path certFile, Path keyFile) {
      return new Syslog(address, tls, ca, certFile, keyFile, maxBackoff);
    }

    /** Whether records are forwarded. */
    public boolean enabled() {
      return address != null;
    }

    /** The host part of {@link #address} (brackets of an IPv6 literal removed). */
    public String host() {
      return hostAndPort(Objects.requireNonNull(address, "address")).host();
    }

    /** The port part of {@link #address}. */
    public int port() {
      return hostAndPort(Objects.requireNonNull(address, "address")).port();
    }

    private record HostPort(String host, int port) {}

    private static HostPort hostAndPort(String address) {
      int colon = address.lastIndexOf(':');
      String example = "expected host:port like logs.example.org:6514 or [2001:db8::1]:6514";
      if (colon <= 0 || colon == address.length() - 1) {
        throw new ConfigException(
            "audit.syslog.address: " + example + ", but got '" + address + "'");
      }
      String host = address.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.contains(":")) {
        throw new ConfigException(
            "audit.syslog.address: an IPv6 address needs brackets ([2001:db8::1]:6514), but got '"
                + address
                + "'");
      }
      if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
        throw new ConfigException(
            "audit.syslog.address: " + example + ", but the host in '" + address + "' is not");
      }
      int port;
      try {
        port = Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new ConfigException(
            "audit.syslog.address: the port must be between 1 and 65535, in '" + address + "'");
      }
      return new HostPort(host, port);
    }
  }

  private static void positive(String key, int value) {
    if (value <= 0) {
      throw new ConfigException(key + ": must be positive, but was " + value);
    }
  }

  private static void positive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException(key + ": must be positive, but was " + Durations.format(value));
    }
  }
}
