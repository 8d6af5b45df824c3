package dev.rcx.audit;

import static dev.rcx.audit.Text.MAX_ADDRESS;
import static dev.rcx.audit.Text.MAX_NAME;
import static dev.rcx.audit.Text.MAX_TEXT;
import static dev.rcx.audit.Text.nonNegative;
import static dev.rcx.audit.Text.oneOf;
import static dev.rcx.audit.Text.optional;
import static dev.rcx.audit.Text.required;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One thing worth auditing. Each event is a record with a stable snake_case {@link #eventName()}
 * that becomes the {@code event} field of its log line; its own components become snake_case fields
 * in declaration order.
 *
 * <p>Events carry no secrets: there is no field for a token, password or key. {@link #session()} is
 * a session ID, never a bearer token. Free text (user names, argv, reasons) may come from the
 * network, so constructors clip it (at a few KiB per value, 256 argv entries) instead of rejecting
 * it, and replace lone UTF-16 surrogates; they reject what can only be a programming error (a
 * missing required value, a negative count, an unknown outcome or code).
 */
public sealed interface AuditEvent {

  /** The stable snake_case name written as the {@code event} field. */
  String eventName();

  /**
   * The remote peer as {@code ip:port} ({@code [v6]:port} for IPv6), or null for events not tied to
   * a connection.
   */
  default @Nullable String client() {
    return null;
  }

  /** The authenticated or claimed user name, or null when unknown. */
  default @Nullable String user() {
    return null;
  }

  /** The session ID (never the token itself), or null when there is none. */
  default @Nullable String session() {
    return null;
  }

  /**
   * The server began listening. {@code fingerprint} is the SHA-256 of its TLS certificate, or null
   * without TLS; {@code policy} is the hash of the whitelist in force (null if not known).
   */
  record ServerStarted(
      String listen,
      boolean tls,
      @Nullable String fingerprint,
      String version,
      @Nullable String policy)
      implements AuditEvent {
    public ServerStarted {
      listen = required(listen, "server_started", "listen", MAX_ADDRESS);
      fingerprint = optional(fingerprint, MAX_NAME);
      version = required(version, "server_started", "version", MAX_NAME);
      policy = optional(policy, MAX_NAME);
    }

    /** A start record without a policy hash. */
    public ServerStarted(String listen, boolean tls, @Nullable String fingerprint, String version) {
      this(listen, tls, fingerprint, version, null);
    }

    @Override
    public String eventName() {
      return "server_started";
    }
  }

  /** Shutdown began: the server stopped accepting and is draining {@code openConnections}. */
  record ServerStopping(String reason, long openConnections) implements AuditEvent {
    public ServerStopping {
      reason = required(reason, "server_stopping", "reason", MAX_TEXT);
      nonNegative(openConnections, "server_stopping", "open_connections");
    }

    @Override
    public String eventName() {
      return "server_stopping";
    }
  }

  /** The server stopped; normally the last record before the log is closed. */
  record ServerStopped(String reason) implements AuditEvent {
    public ServerStopped {
      reason = required(reason, "server_stopped", "reason", MAX_TEXT);
    }

    @Override
    public String eventName() {
      return "server_stopped";
    }
  }

  /**
   * Written by {@link AuditLog#open} itself after it cut an incomplete last line: the chain
   * continues from record {@code lastGoodSeq}; the {@code droppedBytes} cut were copied to the file
   * named {@code tornFile} (a sibling of the log).
   */
  record LogRecovered(long lastGoodSeq, long droppedBytes, String tornFile) implements AuditEvent {
    public LogRecovered {
      nonNegative(lastGoodSeq, "log_recovered", "last_good_seq");
      nonNegative(droppedBytes, "log_recovered", "dropped_bytes");
      tornFile = required(tornFile, "log_recovered", "torn_file", MAX_TEXT);
    }

    @Override
    public String eventName() {
      return "log_recovered";
    }
  }

  /**
   * Written by a sealed {@link AuditLog} itself: closes key epoch {@code epoch}, which held {@code
   * records} records before this one. Its MAC is the last made with that epoch's key, which is
   * destroyed right after. {@code keyId} identifies the key chain; {@code reason} is one of {@link
   * #REASONS}.
   */
  record Seal(long epoch, long records, String keyId, String reason) implements AuditEvent {
    public static final String EPOCH_FULL = "epoch_full";
    public static final String INTERVAL = "interval";
    public static final String CLOSE = "close";
    public static final String REQUESTED = "requested";

    /** The file is closed by a rotation; the next file continues with the next epoch. */
    public static final String ROTATE = "rotate";

    /** The values {@code reason} may take. */
    public static final List<String> REASONS =
        List.of(EPOCH_FULL, INTERVAL, CLOSE, REQUESTED, ROTATE);

    public Seal {
      nonNegative(epoch, "seal", "epoch");
      nonNegative(records, "seal", "records");
      keyId = required(keyId, "seal", "key_id", MAX_NAME);
      oneOf(reason, "seal", "reason", REASONS);
    }

    @Override
    public String eventName() {
      return "seal";
    }
  }

  /**
   * Written by {@link AuditLog} itself when it can record again after a gap: from {@code began} to
   * {@code ended} (UTC timestamps) it refused {@code refused} records, counted per event name in
   * {@code refusedEvents} (for example {@code command_started}: commands that were not started).
   * {@code reason} is what went wrong: a failed write (the disk was full), or free space below the
   * reserve for new commands (then only start records were refused; other records were written).
   * {@code cutBytes} is what was cut off the end of the file after a failed write: a partial
   * record, never a whole one.
   */
  record AuditGap(
      String began,
      String ended,
      long refused,
      java.util.Map<String, Long> refusedEvents,
      String reason,
      long cutBytes)
      implements AuditEvent {
    public AuditGap {
      began = required(began, "audit_gap", "began", MAX_NAME);
      ended = required(ended, "audit_gap", "ended", MAX_NAME);
      nonNegative(refused, "audit_gap", "refused");
      refusedEvents =
          java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(refusedEvents));
      reason = required(reason, "audit_gap", "reason", MAX_TEXT);
      nonNegative(cutBytes, "audit_gap", "cut_bytes");
    }

    @Override
    public String eventName() {
      return "audit_gap";
    }
  }

  /**
   * Written by {@link AuditLog} itself as the first record of every file after the first: the file
   * before it, {@code previousFile} (a sibling's name), was closed at record {@code
   * previousLastSeq} whose line hashes to {@code previousLastHash} (also this record's {@code
   * prev}: the link that makes the files one chain). {@code epoch} and {@code keyId} are the
   * sealing epoch and key chain this file continues (null in an unsealed log): a verifier whose
   * earlier files were archived starts from them. {@code trigger} is one of {@link #TRIGGERS};
   * {@code openCommands} are the {@code command_id}s started and not yet ended at the rotation,
   * whose start records are in earlier files (so a restart reads back only as far as it must).
   */
  record AuditRotated(
      String previousFile,
      long previousLastSeq,
      String previousLastHash,
      @Nullable Long epoch,
      @Nullable String keyId,
      String trigger,
      List<String> openCommands)
      implements AuditEvent {
    /** The file reached {@code audit.max_file_bytes}. */
    public static final String SIZE = "size";

    /** An operator asked ({@code rcx audit rotate}). */
    public static final String REQUESTED = "requested";

    /** A rotation interrupted by a crash was completed when the log was opened again. */
    public static final String RESUMED = "resumed";

    /** The values {@code trigger} may take. */
    public static final List<String> TRIGGERS = List.of(SIZE, REQUESTED, RESUMED);

    public AuditRotated {
      previousFile = required(previousFile, "audit_rotated", "previous_file", MAX_NAME);
      nonNegative(previousLastSeq, "audit_rotated", "previous_last_seq");
      previousLastHash =
          required(previousLastHash, "audit_rotated", "previous_last_hash", MAX_NAME);
      if (epoch != null) {
        nonNegative(epoch, "audit_rotated", "epoch");
      }
      keyId = optional(keyId, MAX_NAME);
      oneOf(trigger, "audit_rotated", "trigger", TRIGGERS);
      openCommands = List.copyOf(openCommands);
    }

    @Override
    public String eventName() {
      return "audit_rotated";
    }
  }

  /** A TCP connection was accepted (before the TLS handshake). */
  record ConnectionOpened(String client) implements AuditEvent {
    public ConnectionOpened {
      client = required(client, "connection_opened", "client", MAX_ADDRESS);
    }

    @Override
    public String eventName() {
      return "connection_opened";
    }
  }

  /** A connection was refused before any request, e.g. because the connection limit was reached. */
  record ConnectionRejected(String client, String reason) implements AuditEvent {
    public ConnectionRejected {
      client = required(client, "connection_rejected", "client", MAX_ADDRESS);
      reason = required(reason, "connection_rejected", "reason", MAX_TEXT);
    }

    @Override
    public String eventName() {
      return "connection_rejected";
    }
  }

  /** A connection ended after serving {@code requests} requests. */
  record ConnectionClosed(
      String client, @Nullable String user, @Nullable String session, String reason, long requests)
      implements AuditEvent {
    public ConnectionClosed {
      client = required(client, "connection_closed", "client", MAX_ADDRESS);
      user = optional(user, MAX_NAME);
      session = optional(session, MAX_NAME);
      reason = required(reason, "connection_closed", "reason", MAX_TEXT);
      nonNegative(requests, "connection_closed", "requests");
    }

    @Override
    public String eventName() {
      return "connection_closed";
    }
  }

  /**
   * The TLS handshake failed (bad protocol version, no client certificate, plain text on the TLS
   * port...).
   */
  record TlsHandshakeFailed(String client, String reason) implements AuditEvent {
    public TlsHandshakeFailed {
      client = required(client, "tls_handshake_failed", "client", MAX_ADDRESS);
      reason = required(reason, "tls_handshake_failed", "reason", MAX_TEXT);
    }

    @Override
    public String eventName() {
      return "tls_handshake_failed";
    }
  }

  /**
   * A login succeeded and opened {@code session}. {@code method} says what proved the identity:
   * {@link #PASSWORD}, a client certificate alone ({@link #CERTIFICATE}) or both ({@link
   * #CERTIFICATE_AND_PASSWORD}).
   */
  record AuthSucceeded(String client, String user, String session, String method)
      implements AuditEvent {
    public static final String PASSWORD = "password";
    public static final String CERTIFICATE = "certificate";
    public static final String CERTIFICATE_AND_PASSWORD = "certificate+password";

    public AuthSucceeded {
      client = required(client, "auth_succeeded", "client", MAX_ADDRESS);
      user = required(user, "auth_succeeded", "user", MAX_NAME);
      session = required(session, "auth_succeeded", "session", MAX_NAME);
      method = required(method, "auth_succeeded", "method", MAX_NAME);
    }

    /** A password login. */
    public AuthSucceeded(String client, String user, String session) {
      this(client, user, session, PASSWORD);
    }

    @Override
    public String eventName() {
      return "auth_succeeded";
    }
  }

  /**
   * A login failed. {@code user} is the name that was tried (it may not exist), or null if none was
   * given.
   */
  record AuthFailed(String client, @Nullable String user, String reason) implements AuditEvent {
    public AuthFailed {
      client = required(client, "auth_failed", "client", MAX_ADDRESS);
      user = optional(user, MAX_NAME);
      reason = required(reason, "auth_failed", "reason", MAX_TEXT);
    }

    @Override
    public String eventName() {
      return "auth_failed";
    }
  }

  /**
   * A request was refused by a rate limit; the client was told to retry after {@code retryAfterMs}.
   */
  record RateLimited(String client, @Nullable String user, long retryAfterMs)
      implements AuditEvent {
    public RateLimited {
      client = required(client, "rate_limited", "client", MAX_ADDRESS);
      user = optional(user, MAX_NAME);
      nonNegative(retryAfterMs, "rate_limited", "retry_after_ms");
    }

    @Override
    public String eventName() {
      return "rate_limited";
    }
  }

  /**
   * A whitelisted command is about to be launched: written (and flushed or forced, per the log's
   * durability) before the process exists, so a command never runs unrecorded. {@code commandId}
   * links it to its {@link CommandLaunched}, {@link CommandRun} or {@link CommandAbandoned}. {@code
   * argv} is the exact argument vector that will be given to the OS; {@code timeoutMs} the rule's
   * timeout.
   */
  record CommandStarted(
      String client,
      String user,
      String session,
      String commandId,
      String command,
      List<String> argv,
      long timeoutMs)
      implements AuditEvent {
    public CommandStarted {
      client = required(client, "command_started", "client", MAX_ADDRESS);
      user = required(user, "command_started", "user", MAX_NAME);
      session = required(session, "command_started", "session", MAX_NAME);
      commandId = required(commandId, "command_started", "command_id", MAX_NAME);
      command = required(command, "command_started", "command", MAX_TEXT);
      argv = Text.args(argv, "command_started", "argv");
      nonNegative(timeoutMs, "command_started", "timeout_ms");
    }

    @Override
    public String eventName() {
      return "command_started";
    }
  }

  /**
   * The process of command {@code commandId} exists: {@code pid}, the {@code processGroup} it leads
   * (null when the launcher does not give it a group of its own) and its {@code startTime} in clock
   * ticks since boot (field 22 of /proc/PID/stat; null when unknown). A restarted server uses them
   * to find, and tell apart from a reused pid, a process its predecessor left running.
   */
  record CommandLaunched(
      String client,
      String user,
      String session,
      String commandId,
      long pid,
      @Nullable Long processGroup,
      @Nullable Long startTime)
      implements AuditEvent {
    public CommandLaunched {
      client = required(client, "command_launched", "client", MAX_ADDRESS);
      user = required(user, "command_launched", "user", MAX_NAME);
      session = required(session, "command_launched", "session", MAX_NAME);
      commandId = required(commandId, "command_launched", "command_id", MAX_NAME);
      nonNegative(pid, "command_launched", "pid");
    }

    @Override
    public String eventName() {
      return "command_launched";
    }
  }

  /**
   * A command recorded as started has no end record because its server died; written by the next
   * server start. {@code outcome} says what was found: {@link #KILLED} (its process group was still
   * alive and was killed now), {@link #GONE} (no process left), {@link #NOT_LAUNCHED} (no pid was
   * recorded: the server died before or during the launch) or {@link #PID_REUSED} (the pid now
   * belongs to another process, which was left alone). {@code pid} is null when none was recorded.
   */
  record CommandAbandoned(String commandId, @Nullable Long pid, String outcome, String reason)
      implements AuditEvent {
    public static final String KILLED = "killed";
    public static final String GONE = "gone";
    public static final String NOT_LAUNCHED = "not_launched";
    public static final String PID_REUSED = "pid_reused";

    /** The values {@code outcome} may take. */
    public static final List<String> OUTCOMES = List.of(KILLED, GONE, NOT_LAUNCHED, PID_REUSED);

    public CommandAbandoned {
      commandId = required(commandId, "command_abandoned", "command_id", MAX_NAME);
      oneOf(outcome, "command_abandoned", "outcome", OUTCOMES);
      reason = required(reason, "command_abandoned", "reason", MAX_TEXT);
    }

    @Override
    public String eventName() {
      return "command_abandoned";
    }
  }

  /**
   * A whitelisted command ended (or an attempt to run it ended without a process). {@code
   * commandId} names its {@link CommandStarted} record; it is null for {@code busy} (no slot, so
   * nothing was started) and in records written before start records existed. {@code argv} is the
   * exact argument vector given to the OS. {@code exitCode} is null when there was no exit status
   * ({@code launch_failed}, {@code busy}, or a kill whose status was not collected); it is required
   * when {@code outcome} is {@code completed}. {@code policy} is the hash of the whitelist that
   * allowed it (see {@code Whitelist#hash}), null in records from before policies had hashes.
   */
  record CommandRun(
      String client,
      String user,
      String session,
      @Nullable String commandId,
      String command,
      List<String> argv,
      @Nullable Integer exitCode,
      String outcome,
      long durationMs,
      long stdoutBytes,
      long stderrBytes,
      boolean truncated,
      @Nullable String policy)
      implements AuditEvent {
    public static final String COMPLETED = "completed";
    public static final String TIMED_OUT = "timed_out";
    public static final String CANCELLED = "cancelled";
    public static final String SERVER_SHUTDOWN = "server_shutdown";
    public static final String LAUNCH_FAILED = "launch_failed";
    public static final String BUSY = "busy";

    /** The values {@code outcome} may take. */
    public static final List<String> OUTCOMES =
        List.of(COMPLETED, TIMED_OUT, CANCELLED, SERVER_SHUTDOWN, LAUNCH_FAILED, BUSY);

    public CommandRun {
      client = required(client, "command_run", "client", MAX_ADDRESS);
      user = required(user, "command_run", "user", MAX_NAME);
      session = required(session, "command_run", "session", MAX_NAME);
      commandId = optional(commandId, MAX_NAME);
      command = required(command, "command_run", "command", MAX_TEXT);
      argv = Text.args(argv, "command_run", "argv");
      oneOf(outcome, "command_run", "outcome", OUTCOMES);
      if (COMPLETED.equals(outcome) && exitCode == null) {
        throw new IllegalArgumentException(
            "command_run.exit_code must not be null when outcome is completed");
      }
      nonNegative(durationMs, "command_run", "duration_ms");
      nonNegative(stdoutBytes, "command_run", "stdout_bytes");
      nonNegative(stderrBytes, "command_run", "stderr_bytes");
      policy = optional(policy, MAX_NAME);
    }

    /** A record without the policy hash. */
    public CommandRun(
        String client,
        String user,
        String session,
        @Nullable String commandId,
        String command,
        List<String> argv,
        @Nullable Integer exitCode,
        String outcome,
        long durationMs,
        long stdoutBytes,
        long stderrBytes,
        boolean truncated) {
      this(
          client,
          user,
          session,
          commandId,
          command,
          argv,
          exitCode,
          outcome,
          durationMs,
          stdoutBytes,
          stderrBytes,
          truncated,
          null);
    }

    /** A record without a start record to link to (no command id). */
    public CommandRun(
        String client,
        String user,
        String session,
        String command,
        List<String> argv,
        @Nullable Integer exitCode,
        String outcome,
        long durationMs,
        long stdoutBytes,
        long stderrBytes,
        boolean truncated,
        @Nullable String policy) {
      this(
          client,
          user,
          session,
          null,
          command,
          argv,
          exitCode,
          outcome,
          durationMs,
          stdoutBytes,
          stderrBytes,
          truncated,
          policy);
    }

    /** A record with neither a start record nor a policy hash. */
    public CommandRun(
        String client,
        String user,
        String session,
        String command,
        List<String> argv,
        @Nullable Integer exitCode,
        String outcome,
        long durationMs,
        long stdoutBytes,
        long stderrBytes,
        boolean truncated) {
      this(
          client,
          user,
          session,
          null,
          command,
          argv,
          exitCode,
          outcome,
          durationMs,
          stdoutBytes,
          stderrBytes,
          truncated,
          (String) null);
    }

    @Override
    public String eventName() {
      return "command_run";
    }
  }

  /**
   * A request to run {@code command} was refused before launch (not whitelisted, bad arguments...).
   * {@code policy} is the hash of the whitelist in force when it was refused (null if not known).
   */
  record CommandDenied(
      String client,
      @Nullable String user,
      @Nullable String session,
      String command,
      String code,
      String reason,
      @Nullable String policy)
      implements AuditEvent {
    public CommandDenied {
      client = required(client, "command_denied", "client", MAX_ADDRESS);
      user = optional(user, MAX_NAME);
      session = optional(session, MAX_NAME);
      command = required(command, "command_denied", "command", MAX_TEXT);
      code = required(code, "command_denied", "code", MAX_NAME);
      reason = required(reason, "command_denied", "reason", MAX_TEXT);
      policy = optional(policy, MAX_NAME);
    }

    /** A record without the policy hash. */
    public CommandDenied(
        String client,
        @Nullable String user,
        @Nullable String session,
        String command,
        String code,
        String reason) {
      this(client, user, session, command, code, reason, null);
    }

    @Override
    public String eventName() {
      return "command_denied";
    }
  }

  /**
   * The policy (whitelist and the reloadable settings) was re-read and swapped in: commands from
   * now on are checked against {@code policy} (its hash), which has {@code commands} entries read
   * from {@code source} (a file, or {@code built-in}). {@code trigger} says what asked for it
   * ({@code signal} or {@code control}); {@code restartNeeded} names changed settings that only a
   * restart applies (empty if none).
   */
  record PolicyReloaded(
      String policy,
      String previous,
      long commands,
      String source,
      String trigger,
      List<String> restartNeeded)
      implements AuditEvent {
    public PolicyReloaded {
      policy = required(policy, "policy_reloaded", "policy", MAX_NAME);
      previous = required(previous, "policy_reloaded", "previous", MAX_NAME);
      nonNegative(commands, "policy_reloaded", "commands");
      source = required(source, "policy_reloaded", "source", MAX_TEXT);
      trigger = required(trigger, "policy_reloaded", "trigger", MAX_NAME);
      restartNeeded = Text.args(restartNeeded, "policy_reloaded", "restart_needed");
    }

    @Override
    public String eventName() {
      return "policy_reloaded";
    }
  }

  /**
   * A reload was asked for ({@code trigger}) but the new files were rejected; {@code policy} (the
   * old one, by hash) stays in force. {@code reason} names the file, line and rule.
   */
  record PolicyReloadFailed(String policy, String trigger, String reason) implements AuditEvent {
    public PolicyReloadFailed {
      policy = required(policy, "policy_reload_failed", "policy", MAX_NAME);
      trigger = required(trigger, "policy_reload_failed", "trigger", MAX_NAME);
      reason = required(reason, "policy_reload_failed", "reason", MAX_TEXT);
    }

    @Override
    public String eventName() {
      return "policy_reload_failed";
    }
  }

  /**
   * A whitelisted command was refused because its executable no longer has the SHA-256 its entry
   * pins: someone replaced or changed the binary. {@code actual} is the hash found (or the read
   * error).
   */
  record ExecutableChanged(
      String client,
      String user,
      String session,
      String command,
      String path,
      String expected,
      String actual,
      @Nullable String policy)
      implements AuditEvent {
    public ExecutableChanged {
      client = required(client, "executable_changed", "client", MAX_ADDRESS);
      user = required(user, "executable_changed", "user", MAX_NAME);
      session = required(session, "executable_changed", "session", MAX_NAME);
      command = required(command, "executable_changed", "command", MAX_TEXT);
      path = required(path, "executable_changed", "path", MAX_TEXT);
      expected = required(expected, "executable_changed", "expected", MAX_NAME);
      actual = required(actual, "executable_changed", "actual", MAX_TEXT);
      policy = optional(policy, MAX_NAME);
    }

    @Override
    public String eventName() {
      return "executable_changed";
    }
  }

  /**
   * A request carried an expired or invalid token. {@code user} and {@code session} are set only if
   * known.
   */
  record TokenRejected(String client, String code, @Nullable String user, @Nullable String session)
      implements AuditEvent {
    public static final String TOKEN_EXPIRED = "TOKEN_EXPIRED";
    public static final String INVALID_TOKEN = "INVALID_TOKEN";

    public TokenRejected {
      client = required(client, "token_rejected", "client", MAX_ADDRESS);
      oneOf(code, "token_rejected", "code", List.of(TOKEN_EXPIRED, INVALID_TOKEN));
      user = optional(user, MAX_NAME);
      session = optional(session, MAX_NAME);
    }

    @Override
    public String eventName() {
      return "token_rejected";
    }
  }

  /**
   * The client asked to cancel its commands on this connection; written before anything is killed.
   * {@code running}: whether a command was running then (its {@code command_run} record follows,
   * with outcome {@code cancelled}).
   */
  record CancelRequested(
      String client, @Nullable String user, @Nullable String session, boolean running)
      implements AuditEvent {
    public CancelRequested {
      client = required(client, "cancel_requested", "client", MAX_ADDRESS);
      user = optional(user, MAX_NAME);
      session = optional(session, MAX_NAME);
    }

    @Override
    public String eventName() {
      return "cancel_requested";
    }
  }

  /**
   * A session asked which commands it may run ({@code list_commands}); {@code count} were listed.
   */
  record CommandsListed(String client, String user, String session, long count)
      implements AuditEvent {
    public CommandsListed {
      client = required(client, "commands_listed", "client", MAX_ADDRESS);
      user = required(user, "commands_listed", "user", MAX_NAME);
      session = required(session, "commands_listed", "session", MAX_NAME);
    }

    @Override
    public String eventName() {
      return "commands_listed";
    }
  }

  /** A session was ended by the client. */
  record LoggedOut(String client, String user, String session) implements AuditEvent {
    public LoggedOut {
      client = required(client, "logged_out", "client", MAX_ADDRESS);
      user = required(user, "logged_out", "user", MAX_NAME);
      session = required(session, "logged_out", "session", MAX_NAME);
    }

    @Override
    public String eventName() {
      return "logged_out";
    }
  }

  /** The client broke the protocol (malformed JSON, over-long line, unknown request type...). */
  record ProtocolError(
      String client, @Nullable String user, @Nullable String session, String code, String detail)
      implements AuditEvent {
    public ProtocolError {
      client = required(client, "protocol_error", "client", MAX_ADDRESS);
      user = optional(user, MAX_NAME);
      session = optional(session, MAX_NAME);
      code = required(code, "protocol_error", "code", MAX_NAME);
      detail = required(detail, "protocol_error", "detail", MAX_TEXT);
    }

    @Override
    public String eventName() {
      return "protocol_error";
    }
  }

  /**
   * Records about {@code client} (an address without port, or an IPv6 /64) while it had no session
   * were left out to bound what it can make the server write: {@code suppressed} of them in the
   * last {@code windowSeconds}, by event as {@code name:count,...} in {@code events}.
   */
  record AuditSuppressed(String client, long suppressed, long windowSeconds, String events)
      implements AuditEvent {
    public AuditSuppressed {
      client = required(client, "audit_suppressed", "client", MAX_ADDRESS);
      nonNegative(suppressed, "audit_suppressed", "suppressed");
      nonNegative(windowSeconds, "audit_suppressed", "window_seconds");
      events = required(events, "audit_suppressed", "events", MAX_TEXT);
    }

    @Override
    public String eventName() {
      return "audit_suppressed";
    }
  }

  /**
   * The users file was changed by {@code rcx user} (or the {@code UserStore} API): {@code change}
   * is {@code user_added}, {@code user_removed}, {@code password_changed}, {@code roles_changed} or
   * {@code unreadable} (a journal line that could not be parsed). The change was journaled before
   * it was made and is copied here by the server; {@code requestedAt} is when it was journaled,
   * {@code by} and {@code pid} the account and process that made it, {@code changeId} tells a
   * record repeated after a crash from a second change. No password or hash is recorded.
   */
  record UserChanged(
      String change,
      String user,
      List<String> roles,
      @Nullable String by,
      long pid,
      String requestedAt,
      String changeId)
      implements AuditEvent {
    public static final List<String> CHANGES =
        List.of("user_added", "user_removed", "password_changed", "roles_changed", "unreadable");

    public UserChanged {
      oneOf(change, "user_changed", "change", CHANGES);
      user = required(user, "user_changed", "user", MAX_NAME);
      roles = Text.args(roles, "user_changed", "roles");
      by = optional(by, MAX_NAME);
      nonNegative(pid, "user_changed", "pid");
      requestedAt = required(requestedAt, "user_changed", "requested_at", MAX_NAME);
      changeId = required(changeId, "user_changed", "change_id", MAX_NAME);
    }

    @Override
    public String eventName() {
      return "user_changed";
    }
  }
}
