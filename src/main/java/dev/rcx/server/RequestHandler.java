package dev.rcx.server;

import dev.rcx.audit.AuditEvent;
import dev.rcx.audit.AuditException;
import dev.rcx.auth.AuthOutcome;
import dev.rcx.auth.Authenticator;
import dev.rcx.auth.NewSession;
import dev.rcx.auth.Session;
import dev.rcx.auth.SessionLimitException;
import dev.rcx.auth.SessionManager;
import dev.rcx.auth.TokenCheck;
import dev.rcx.auth.User;
import dev.rcx.auth.UserStore;
import dev.rcx.config.ServerConfig;
import dev.rcx.exec.CommandExecutor;
import dev.rcx.exec.CommandRule;
import dev.rcx.exec.CommandSyntaxException;
import dev.rcx.exec.CommandWords;
import dev.rcx.exec.Decision;
import dev.rcx.exec.ExecResult;
import dev.rcx.exec.ExecutablePin;
import dev.rcx.exec.Execution;
import dev.rcx.exec.OutputChunk;
import dev.rcx.exec.Whitelist;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.MessageCodec;
import dev.rcx.protocol.OutputData;
import dev.rcx.protocol.ProtocolException;
import dev.rcx.protocol.Request;
import dev.rcx.protocol.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns one request line into one response, consulting authentication, sessions, the whitelist and
 * the executor, and writes the audit record of what happened before the response is returned.
 * Stateless apart from its collaborators; safe to call from many connection threads at once.
 */
final class RequestHandler {

  /**
   * @param response what to send, or null when there is nobody to send it to
   * @param protocolError whether the request could not be decoded
   * @param close a reason to close the connection after sending, or null to keep serving
   */
  record Outcome(@Nullable Response response, boolean protocolError, @Nullable String close) {
    static Outcome reply(Response r) {
      return new Outcome(r, false, null);
    }
  }

  private final MessageCodec codec;
  private final Authenticator authenticator;
  private final UserStore users;
  private final SessionManager sessions;
  private final Supplier<Whitelist> whitelist;
  private final CommandExecutor executor;
  private final ServerContext ctx;
  private final ServerConfig.Sessions sessionConfig;
  private final Supplier<String> commandIds;

  RequestHandler(
      MessageCodec codec,
      Authenticator authenticator,
      UserStore users,
      SessionManager sessions,
      Supplier<Whitelist> whitelist,
      CommandExecutor executor,
      ServerContext ctx,
      Supplier<String> commandIds) {
    this.codec = codec;
    this.authenticator = authenticator;
    this.users = users;
    this.sessions = sessions;
    this.whitelist = whitelist;
    this.executor = executor;
    this.ctx = ctx;
    this.sessionConfig = ctx.config().sessions();
    this.commandIds = commandIds;
  }

  Outcome handle(byte[] line, ConnectionState st) {
    Request request;
    try {
      request = codec.decodeRequest(line);
    } catch (ProtocolException e) {
      ctx.auditQuietly(
          new AuditEvent.ProtocolError(
              st.client(), st.user(), st.session(), e.code().name(), e.getMessage()));
      return new Outcome(e.toResponse(), true, null);
    }
    try {
      return switch (request) {
        case Request.Auth a -> auth(a, st);
        case Request.Command c -> command(c, st);
        case Request.Logout l -> Outcome.reply(logout(l, st));
        case Request.ListCommands l -> Outcome.reply(listCommands(l, st));
        case Request.Ping p -> Outcome.reply(new Response.Pong(p.id()));
        // The connection's reader acts on cancels itself (Connection#cancel); one that reaches
        // here had nothing to act on.
        case Request.Cancel k -> Outcome.reply(new Response.CancelResponse("success", k.id()));
      };
    } catch (AuditException e) {
      // Fail closed: nothing is answered as done unless its audit record was written. The
      // connection stays open: the log may come back (see AuditLog's recovery) and pings, logins
      // and later commands are still answered.
      ctx.log()
          .warn("audit log unavailable; refusing {} request: {}", request.type(), e.getMessage());
      return Outcome.reply(auditUnavailable(request.id(), "request refused"));
    }
  }

  private Outcome auth(Request.Auth a, ConnectionState st) {
    String certificateUser = st.certificateUser();
    if (a.passwordHash() == null && certificateUser == null) {
      String message =
          "missing field 'password_hash' (only a connection with a client certificate may omit it)";
      ctx.audit(
          new AuditEvent.ProtocolError(
              st.client(), st.user(), st.session(), ErrorCode.INVALID_REQUEST.name(), message));
      return new Outcome(
          new Response.Error(ErrorCode.INVALID_REQUEST, message, a.id()), true, null);
    }
    AuthOutcome outcome;
    try {
      outcome =
          certificateUser == null
              ? authenticator.authenticate(
                  a.username(),
                  // Checked above: only a connection with a client certificate may omit it.
                  Objects.requireNonNull(a.passwordHash()),
                  st.clientIp())
              : authenticator.authenticateWithCertificate(
                  a.username(), a.passwordHash(), certificateUser, st.clientIp());
    } catch (IOException e) {
      ctx.log().error("user database unreadable", e);
      ctx.metrics().login("error");
      return Outcome.reply(
          Response.AuthResponse.failure(
              ErrorCode.INTERNAL, "user database unavailable", null, a.id()));
    }
    String method =
        certificateUser == null
            ? AuditEvent.AuthSucceeded.PASSWORD
            : a.passwordHash() == null
                ? AuditEvent.AuthSucceeded.CERTIFICATE
                : AuditEvent.AuthSucceeded.CERTIFICATE_AND_PASSWORD;
    return Outcome.reply(reply(a, st, outcome, method));
  }

  private Response reply(Request.Auth a, ConnectionState st, AuthOutcome outcome, String method) {
    return switch (outcome) {
      case AuthOutcome.Success s -> {
        NewSession issued;
        try {
          issued = sessions.create(s.user(), st.clientIp());
        } catch (SessionLimitException e) {
          ctx.audit(
              new AuditEvent.AuthFailed(
                  st.client(),
                  s.user().name(),
                  e.perUser() ? "max_sessions_per_user" : "max_sessions"));
          yield Response.AuthResponse.failure(
              ErrorCode.SERVER_BUSY,
              e.perUser() ? e.getMessage() : "too many live sessions; try again later",
              null,
              a.id());
        }
        Session session = issued.session();
        try {
          ctx.audit(
              new AuditEvent.AuthSucceeded(st.client(), session.user(), session.id(), method));
        } catch (AuditException e) {
          sessions.revoke(issued.token()); // a login that is not on record gets no session
          throw e;
        }
        st.identify(session.user(), session.id());
        ctx.metrics().login("success");
        yield Response.AuthResponse.success(
            issued.token(),
            sessionConfig.lifetime().toSeconds(),
            sessionConfig.idleTimeout().toSeconds(),
            a.id());
      }
      case AuthOutcome.Failure f -> {
        String reason =
            f.auditReason().equals(AuthOutcome.Failure.CERTIFICATE_MISMATCH)
                ? f.auditReason() + " (certificate names " + st.certificateUser() + ")"
                : f.auditReason();
        boolean named = Authenticator.isValidUsername(a.username());
        ctx.audit(
            new AuditEvent.AuthFailed(
                st.client(),
                named ? a.username() : null,
                named ? reason : reason + "; " + unnamed(a.username())));
        ctx.metrics().login("failure");
        yield Response.AuthResponse.failure(
            ErrorCode.AUTH_FAILED, "invalid username or password", null, a.id());
      }
      case AuthOutcome.Throttled t -> {
        long retry = Math.max(1, t.retryAfter().toMillis());
        ctx.audit(
            new AuditEvent.RateLimited(
                st.client(),
                Authenticator.isValidUsername(a.username()) ? a.username() : null,
                retry));
        ctx.metrics().login("rate_limited");
        yield Response.AuthResponse.failure(
            ErrorCode.RATE_LIMITED,
            "too many failed logins; retry in " + retry + " ms",
            retry,
            a.id());
      }
    };
  }

  /**
   * Why a claimed user name is not in the record: a name no user can have is often the password,
   * its hash or a token typed into the wrong field, so only its length is kept.
   */
  private static String unnamed(String username) {
    return "claimed name not recorded ("
        + username.length()
        + " characters, not a valid user name)";
  }

  /** The session a token names, or the error to answer instead. */
  private sealed interface Checked {
    record Ok(Session session) implements Checked {}

    record Rejected(Response.Error error) implements Checked {}
  }

  private Checked session(String token, ConnectionState st, @Nullable String id) {
    return switch (sessions.check(token, st.clientIp())) {
      case TokenCheck.Valid v -> new Checked.Ok(v.session());
      case TokenCheck.Expired e ->
          new Checked.Rejected(
              rejectToken(
                  st,
                  TokenRejection.EXPIRED,
                  e.session(),
                  "session token expired; log in again",
                  id));
      case TokenCheck.WrongAddress w ->
          new Checked.Rejected(
              rejectToken(
                  st,
                  TokenRejection.INVALID,
                  w.session(),
                  "session token is bound to another client address",
                  id));
      case TokenCheck.Unknown u ->
          new Checked.Rejected(
              rejectToken(
                  st, TokenRejection.INVALID, null, "unknown or revoked session token", id));
    };
  }

  /**
   * Why a token was refused: the one type behind both the reply's code and the {@code
   * token_rejected} record's.
   */
  enum TokenRejection {
    EXPIRED(ErrorCode.TOKEN_EXPIRED),
    INVALID(ErrorCode.INVALID_TOKEN);

    final ErrorCode code;

    TokenRejection(ErrorCode code) {
      this.code = code;
    }
  }

  /** Audits a refused token ({@code token_rejected}) and returns the error to answer. */
  private Response.Error rejectToken(
      ConnectionState st,
      TokenRejection why,
      @Nullable Session session,
      String message,
      @Nullable String id) {
    ctx.audit(
        new AuditEvent.TokenRejected(
            st.client(),
            why.code.name(),
            session == null ? null : session.user(),
            session == null ? null : session.id()));
    return new Response.Error(why.code, message, id);
  }

  private Outcome command(Request.Command c, ConnectionState st) {
    Session session;
    switch (session(c.sessionToken(), st, c.id())) {
      case Checked.Rejected r -> {
        return Outcome.reply(r.error());
      }
      case Checked.Ok ok -> session = ok.session();
    }
    st.identify(session.user(), session.id());
    if (ctx.draining()) {
      return Outcome.reply(
          new Response.Error(
              ErrorCode.SERVER_BUSY, "server is shutting down; no new commands", c.id()));
    }
    // Removing a user cuts off their live sessions too; roles are read fresh so a change applies at
    // once.
    Optional<User> user;
    try {
      user = users.find(session.user());
    } catch (IOException e) {
      ctx.log().error("user database unreadable", e);
      return Outcome.reply(
          new Response.Error(ErrorCode.INTERNAL, "user database unavailable", c.id()));
    }
    if (user.isEmpty()) {
      sessions.revokeUser(session.user());
      return Outcome.reply(
          rejectToken(st, TokenRejection.INVALID, session, "user no longer exists", c.id()));
    }
    Set<String> roles = user.get().roles();
    // One policy for the whole request: a reload in the middle never mixes two.
    Whitelist policy = whitelist.get();
    if (containsToken(c)) {
      // Run, it would put a live credential into argv, the audit log and the process table.
      return deny(
          st,
          session,
          "(not recorded)",
          ErrorCode.ARGUMENT_NOT_ALLOWED,
          "the command contains this request's session token; refused and not recorded",
          c.id(),
          policy);
    }
    if (c.command().isBlank()) {
      return deny(
          st, session, "", ErrorCode.INVALID_REQUEST, "field 'command' is empty", c.id(), policy);
    }
    List<String> words;
    try {
      words = new ArrayList<>(CommandWords.split(c.command()));
    } catch (CommandSyntaxException e) {
      return deny(
          st,
          session,
          firstWord(c.command()),
          ErrorCode.ARGUMENT_NOT_ALLOWED,
          e.getMessage(),
          c.id(),
          policy);
    }
    words.addAll(c.args());
    return switch (policy.check(session.user(), roles, words)) {
      case Decision.Denied d ->
          deny(
              st,
              session,
              words.getFirst(),
              switch (d.reason()) {
                case COMMAND_NOT_ALLOWED -> ErrorCode.COMMAND_NOT_ALLOWED;
                case ARGUMENT_NOT_ALLOWED -> ErrorCode.ARGUMENT_NOT_ALLOWED;
              },
              d.message(),
              c.id(),
              policy);
      case Decision.Allowed a -> {
        Outcome refused = checkPin(a, st, session, c.id(), policy.hash());
        yield refused != null ? refused : run(a, st, session, c, policy.hash());
      }
    };
  }

  /** Refuses, and audits, a command whose pinned executable has changed; null when it may run. */
  private @Nullable Outcome checkPin(
      Decision.Allowed allowed,
      ConnectionState st,
      Session session,
      @Nullable String id,
      String policy) {
    CommandRule rule = allowed.rule();
    String expected = rule.sha256();
    if (expected == null) {
      return null; // nothing pinned
    }
    String actual;
    try {
      actual = ExecutablePin.mismatch(rule);
    } catch (UncheckedIOException e) {
      actual = "unreadable: " + e.getMessage();
    }
    if (actual == null) {
      return null;
    }
    ctx.audit(
        new AuditEvent.ExecutableChanged(
            st.client(),
            session.user(),
            session.id(),
            rule.name(),
            rule.executable().toString(),
            expected,
            actual,
            policy));
    ctx.metrics().command(rule.name(), "executable_changed", null);
    ctx.log()
        .error(
            "refused '{}': {} no longer has its pinned sha256 {} (now {})",
            rule.name(),
            rule.executable(),
            rule.sha256(),
            actual);
    return Outcome.reply(
        new Response.Error(
            ErrorCode.COMMAND_NOT_ALLOWED,
            "command '"
                + rule.name()
                + "' is refused: its executable changed since it was pinned; tell the"
                + " server's operator",
            id));
  }

  /**
   * The command path after the whitelist allowed it: slot, {@code command_started} (durable),
   * launch, {@code command_launched} (pid), wait, {@code command_run}, reply. A command whose start
   * record cannot be written is not launched.
   */
  private Outcome run(
      Decision.Allowed allowed,
      ConnectionState st,
      Session session,
      Request.Command c,
      String policy) {
    @Nullable String id = c.id();
    String name = allowed.rule().name();
    List<String> argv = allowed.argv();
    String commandId = commandIds.get();
    Ran ran = new Ran(st, session, commandId, name, argv, policy);
    Execution execution;
    try {
      execution =
          executor.start(
              session.user(),
              allowed.rule(),
              argv,
              () ->
                  ctx.auditStart(
                      new AuditEvent.CommandStarted(
                          st.client(),
                          session.user(),
                          session.id(),
                          commandId,
                          name,
                          argv,
                          allowed.rule().timeout().toMillis())));
    } catch (AuditException e) {
      ctx.log().warn("command {} not started: audit log unavailable: {}", name, e.getMessage());
      return Outcome.reply(auditUnavailable(id, "command '" + name + "' was not started"));
    }
    if (execution.pid().isPresent()) {
      try {
        // For a restarted server to find this process if this one dies; the start record exists.
        ctx.auditLaunched(
            new AuditEvent.CommandLaunched(
                st.client(),
                session.user(),
                session.id(),
                commandId,
                execution.pid().getAsLong(),
                boxed(execution.processGroup()),
                boxed(execution.startTime())));
      } catch (AuditException e) {
        execution.cancel();
        execution.await();
        ctx.log()
            .warn("command {} killed: audit log failed after launch: {}", name, e.getMessage());
        ctx.auditQuietly(
            ran.record(
                AuditEvent.CommandRun.CANCELLED, null, Duration.ZERO, ExecResult.Output.EMPTY));
        return Outcome.reply(
            auditUnavailable(
                id,
                "the log failed right after command '" + name + "' was launched; it was killed"));
      }
    }
    ExecResult result;
    String writeFailed = null;
    RunningCommand running = st.command();
    running.started(execution);
    try {
      if (c.stream()) {
        try {
          stream(execution, st, id);
        } catch (IOException e) {
          // The client stopped taking output (write timeout) or vanished: nobody is left to read.
          writeFailed = "write_failed: " + e.getMessage();
          execution.cancel();
        }
      }
      result = execution.await();
    } finally {
      running.ended();
    }
    ctx.metrics()
        .command(
            name,
            switch (result) {
              case ExecResult.Completed done -> AuditEvent.CommandRun.COMPLETED;
              case ExecResult.TimedOut t -> AuditEvent.CommandRun.TIMED_OUT;
              case ExecResult.Cancelled k -> AuditEvent.CommandRun.CANCELLED;
              case ExecResult.LaunchFailed f -> AuditEvent.CommandRun.LAUNCH_FAILED;
              case ExecResult.Busy b -> AuditEvent.CommandRun.BUSY;
            },
            switch (result) {
              case ExecResult.Completed done -> done.duration();
              case ExecResult.TimedOut t -> t.duration();
              case ExecResult.Cancelled k -> k.duration();
              case ExecResult.LaunchFailed f -> null;
              case ExecResult.Busy b -> null;
            });
    boolean streamed = c.stream();
    String closeReason = writeFailed;
    return switch (result) {
      case ExecResult.Completed done -> {
        // The start is on record, so the client gets the truth even if the end record fails: a
        // refusal here would invite a retry of something that already ran.
        ctx.auditQuietly(
            ran.record(
                AuditEvent.CommandRun.COMPLETED, done.exitCode(), done.duration(), done.output()));
        yield answer(
            closeReason,
            reply(
                Response.CommandOutput.Status.ofExitCode(done.exitCode()),
                done.exitCode(),
                done.duration(),
                done.output(),
                streamed,
                id));
      }
      case ExecResult.TimedOut t -> {
        ctx.auditQuietly(
            ran.record(AuditEvent.CommandRun.TIMED_OUT, null, t.duration(), t.output()));
        yield answer(
            closeReason,
            reply(
                Response.CommandOutput.Status.TIMED_OUT,
                null,
                t.duration(),
                t.output(),
                streamed,
                id));
      }
      case ExecResult.Cancelled k -> {
        if (running.shutdownKilled()) {
          ctx.auditQuietly(
              ran.record(AuditEvent.CommandRun.SERVER_SHUTDOWN, null, k.duration(), k.output()));
          yield new Outcome(
              new Response.Error(
                  ErrorCode.SERVER_SHUTDOWN,
                  "server is shutting down: command '"
                      + name
                      + "' was still running when the shutdown grace period ended and was killed",
                  id),
              false,
              "server_shutdown");
        }
        ctx.auditQuietly(
            ran.record(AuditEvent.CommandRun.CANCELLED, null, k.duration(), k.output()));
        if (closeReason == null && running.isClientGone()) {
          closeReason = "client_disconnected_mid_command";
        }
        // Otherwise a cancel request stopped it: answer, and the session goes on.
        yield answer(
            closeReason,
            reply(
                Response.CommandOutput.Status.CANCELLED,
                null,
                k.duration(),
                k.output(),
                streamed,
                id));
      }
      case ExecResult.LaunchFailed f -> {
        ctx.audit(
            ran.record(
                AuditEvent.CommandRun.LAUNCH_FAILED, null, Duration.ZERO, ExecResult.Output.EMPTY));
        ctx.log().warn("command {} could not be started: {}", name, f.reason());
        yield Outcome.reply(
            new Response.Error(ErrorCode.INTERNAL, "command could not be started", id));
      }
      case ExecResult.Busy b -> {
        // No slot, so the gate never ran: nothing was started, and there is no start to link.
        ctx.audit(
            ran.withoutStart()
                .record(AuditEvent.CommandRun.BUSY, null, Duration.ZERO, ExecResult.Output.EMPTY));
        yield Outcome.reply(
            new Response.Error(
                ErrorCode.SERVER_BUSY,
                "too many commands running (for the server, or for this user: "
                    + "limits.max_commands_per_user); try again later",
                id));
      }
    };
  }

  private static Response.Error auditUnavailable(@Nullable String id, String what) {
    return new Response.Error(
        ErrorCode.AUDIT_UNAVAILABLE,
        "audit log unavailable (disk full, failing, or below its free-space reserve); "
            + what
            + ". The server retries by itself; try again later",
        id);
  }

  private static @Nullable Long boxed(java.util.OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  /** Most bytes of output one {@code command_chunk} carries. */
  static final int CHUNK_BYTES = 32 * 1024;

  /**
   * Sends the command's output as {@code command_chunk} messages as it arrives, until it has ended
   * and all its kept output is sent. Waiting for a slow client here holds up only this command: the
   * output keeps being read (up to the cap, then counted and discarded), so the process never
   * blocks on it, and the connection's write deadline ends a client that takes nothing.
   */
  private static void stream(Execution execution, ConnectionState st, @Nullable String id)
      throws IOException {
    Utf8Carry carry = new Utf8Carry();
    long seq = 0;
    OutputChunk chunk;
    while ((chunk = execution.nextChunk(CHUNK_BYTES)) != null) {
      int s = chunk.stderr() ? 1 : 0;
      byte[] bytes = carry.next(s, chunk.bytes());
      if (bytes.length > 0) {
        st.send(Response.CommandChunk.of(chunk.stderr(), OutputData.of(bytes), seq++, id));
      }
    }
    for (int s = 0; s < 2; s++) {
      byte[] rest = carry.rest(s);
      if (rest.length > 0) {
        st.send(Response.CommandChunk.of(s == 1, OutputData.of(rest), seq++, id));
      }
    }
  }

  /** The final reply, or none if the connection must close for {@code closeReason}. */
  private static Outcome answer(@Nullable String closeReason, Response reply) {
    return closeReason == null ? Outcome.reply(reply) : new Outcome(null, false, closeReason);
  }

  /**
   * The {@code command_output} of a command that ran; its output only if no chunks carried it.
   * {@code timed_out} is true exactly for {@link Response.CommandOutput.Status#TIMED_OUT}.
   */
  private static Response.CommandOutput reply(
      Response.CommandOutput.Status status,
      @Nullable Integer exitCode,
      Duration took,
      ExecResult.Output output,
      boolean streamed,
      @Nullable String id) {
    return Response.CommandOutput.of(
        status,
        stdout(output, streamed),
        stderr(output, streamed),
        exitCode,
        took.toMillis(),
        output.truncated(),
        /* timedOut= */ status == Response.CommandOutput.Status.TIMED_OUT,
        id);
  }

  /** What the final reply carries of standard output: nothing if the chunks carried it. */
  private static OutputData stdout(ExecResult.Output output, boolean streamed) {
    return streamed ? OutputData.EMPTY : OutputData.of(output.stdoutData());
  }

  private static OutputData stderr(ExecResult.Output output, boolean streamed) {
    return streamed ? OutputData.EMPTY : OutputData.of(output.stderrData());
  }

  /** What every {@code command_run} record of one command shares. */
  private record Ran(
      ConnectionState st,
      Session session,
      @Nullable String commandId,
      String name,
      List<String> argv,
      String policy) {
    /** The same command before a slot was taken, so with no start record to link to. */
    Ran withoutStart() {
      return new Ran(st, session, null, name, argv, policy);
    }

    AuditEvent.CommandRun record(
        String outcome, @Nullable Integer exitCode, Duration took, ExecResult.Output output) {
      return new AuditEvent.CommandRun(
          st.client(),
          session.user(),
          session.id(),
          commandId,
          name,
          argv,
          exitCode,
          outcome,
          took.toMillis(),
          output.stdoutBytes(),
          output.stderrBytes(),
          output.truncated(),
          policy);
    }
  }

  private Outcome deny(
      ConnectionState st,
      Session session,
      String command,
      ErrorCode code,
      String message,
      @Nullable String id,
      Whitelist policy) {
    ctx.audit(
        new AuditEvent.CommandDenied(
            st.client(),
            session.user(),
            session.id(),
            command,
            code.name(),
            message,
            policy.hash()));
    // A label is a whitelist entry's name or "-", never a name the client made up.
    ctx.metrics().command(policy.rule(command).isPresent() ? command : "-", "denied", null);
    return Outcome.reply(new Response.Error(code, message, id));
  }

  private Response logout(Request.Logout l, ConnectionState st) {
    Session session;
    switch (session(l.sessionToken(), st, l.id())) {
      case Checked.Rejected r -> {
        return r.error();
      }
      case Checked.Ok ok -> session = ok.session();
    }
    sessions.revoke(l.sessionToken());
    ctx.audit(new AuditEvent.LoggedOut(st.client(), session.user(), session.id()));
    return new Response.LogoutResponse("success", l.id());
  }

  /** The entries this session's user may run, by name; audited like every other request. */
  private Response listCommands(Request.ListCommands l, ConnectionState st) {
    Session session;
    switch (session(l.sessionToken(), st, l.id())) {
      case Checked.Rejected r -> {
        return r.error();
      }
      case Checked.Ok ok -> session = ok.session();
    }
    st.identify(session.user(), session.id());
    Optional<User> user;
    try {
      user = users.find(session.user());
    } catch (IOException e) {
      ctx.log().error("user database unreadable", e);
      return new Response.Error(ErrorCode.INTERNAL, "user database unavailable", l.id());
    }
    if (user.isEmpty()) {
      sessions.revokeUser(session.user());
      return rejectToken(st, TokenRejection.INVALID, session, "user no longer exists", l.id());
    }
    List<Response.CommandInfo> allowed = new ArrayList<>();
    for (CommandRule rule : whitelist.get().rules()) {
      if (rule.permits(session.user(), user.get().roles())) {
        allowed.add(new Response.CommandInfo(rule.name(), rule.maxArgs()));
      }
    }
    ctx.audit(
        new AuditEvent.CommandsListed(st.client(), session.user(), session.id(), allowed.size()));
    return new Response.CommandList(allowed, l.id());
  }

  private static boolean containsToken(Request.Command c) {
    String token = c.sessionToken();
    if (c.command().contains(token)) {
      return true;
    }
    for (String arg : c.args()) { // a loop, not a stream: this runs for every command
      if (arg.contains(token)) {
        return true;
      }
    }
    return false;
  }

  private static String firstWord(String command) {
    String trimmed = command.strip();
    int space = trimmed.indexOf(' ');
    String word = space < 0 ? trimmed : trimmed.substring(0, space);
    return word.length() <= 64 ? word : word.substring(0, 64);
  }
}
