package dev.rcx.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.audit.AuditEvent.AuthFailed;
import dev.rcx.audit.AuditEvent.AuthSucceeded;
import dev.rcx.audit.AuditEvent.CancelRequested;
import dev.rcx.audit.AuditEvent.CommandAbandoned;
import dev.rcx.audit.AuditEvent.CommandDenied;
import dev.rcx.audit.AuditEvent.CommandLaunched;
import dev.rcx.audit.AuditEvent.CommandRun;
import dev.rcx.audit.AuditEvent.CommandStarted;
import dev.rcx.audit.AuditEvent.CommandsListed;
import dev.rcx.audit.AuditEvent.ConnectionClosed;
import dev.rcx.audit.AuditEvent.ConnectionOpened;
import dev.rcx.audit.AuditEvent.ConnectionRejected;
import dev.rcx.audit.AuditEvent.ExecutableChanged;
import dev.rcx.audit.AuditEvent.LogRecovered;
import dev.rcx.audit.AuditEvent.LoggedOut;
import dev.rcx.audit.AuditEvent.PolicyReloadFailed;
import dev.rcx.audit.AuditEvent.PolicyReloaded;
import dev.rcx.audit.AuditEvent.ProtocolError;
import dev.rcx.audit.AuditEvent.RateLimited;
import dev.rcx.audit.AuditEvent.Seal;
import dev.rcx.audit.AuditEvent.ServerStarted;
import dev.rcx.audit.AuditEvent.ServerStopped;
import dev.rcx.audit.AuditEvent.ServerStopping;
import dev.rcx.audit.AuditEvent.TlsHandshakeFailed;
import dev.rcx.audit.AuditEvent.TokenRejected;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Maps each event's own fields to JSON and back. The common fields (event, client, user, session)
 * are written by {@link RecordEncoder}; this class writes only the rest, in record-component order
 * with snake_case names.
 */
final class EventCodec {
  private EventCodec() {}

  static void writeFields(AuditEvent event, JsonGenerator g) throws IOException {
    switch (event) {
      case ServerStarted e -> {
        g.writeStringField("listen", e.listen());
        g.writeBooleanField("tls", e.tls());
        g.writeStringField("fingerprint", e.fingerprint());
        g.writeStringField("version", e.version());
        optionalField(g, "policy", e.policy());
      }
      case ServerStopping e -> {
        g.writeStringField("reason", e.reason());
        g.writeNumberField("open_connections", e.openConnections());
      }
      case ServerStopped e -> g.writeStringField("reason", e.reason());
      case LogRecovered e -> {
        g.writeNumberField("last_good_seq", e.lastGoodSeq());
        g.writeNumberField("dropped_bytes", e.droppedBytes());
        g.writeStringField("torn_file", e.tornFile());
      }
      case Seal e -> {
        g.writeNumberField("epoch", e.epoch());
        g.writeNumberField("records", e.records());
        g.writeStringField("key_id", e.keyId());
        g.writeStringField("reason", e.reason());
      }
      case AuditEvent.AuditGap e -> {
        g.writeStringField("began", e.began());
        g.writeStringField("ended", e.ended());
        g.writeNumberField("refused", e.refused());
        g.writeObjectFieldStart("refused_events");
        for (var entry : e.refusedEvents().entrySet()) {
          g.writeNumberField(entry.getKey(), entry.getValue().longValue());
        }
        g.writeEndObject();
        g.writeStringField("reason", e.reason());
        g.writeNumberField("cut_bytes", e.cutBytes());
      }
      case AuditEvent.AuditRotated e -> {
        g.writeStringField("previous_file", e.previousFile());
        g.writeNumberField("previous_last_seq", e.previousLastSeq());
        g.writeStringField("previous_last_hash", e.previousLastHash());
        writeNullable("epoch", e.epoch(), g);
        g.writeStringField("key_id", e.keyId());
        g.writeStringField("trigger", e.trigger());
        g.writeArrayFieldStart("open_commands");
        for (String id : e.openCommands()) {
          g.writeString(id);
        }
        g.writeEndArray();
      }
      case ConnectionOpened e -> {}
      case ConnectionRejected e -> g.writeStringField("reason", e.reason());
      case ConnectionClosed e -> {
        g.writeStringField("reason", e.reason());
        g.writeNumberField("requests", e.requests());
      }
      case TlsHandshakeFailed e -> g.writeStringField("reason", e.reason());
      case AuthSucceeded e -> g.writeStringField("method", e.method());
      case AuthFailed e -> g.writeStringField("reason", e.reason());
      case RateLimited e -> g.writeNumberField("retry_after_ms", e.retryAfterMs());
      case CommandStarted e -> {
        g.writeStringField("command_id", e.commandId());
        g.writeStringField("command", e.command());
        writeArgv(e.argv(), g);
        g.writeNumberField("timeout_ms", e.timeoutMs());
      }
      case CommandLaunched e -> {
        g.writeStringField("command_id", e.commandId());
        g.writeNumberField("pid", e.pid());
        writeNullable("process_group", e.processGroup(), g);
        writeNullable("start_time", e.startTime(), g);
      }
      case CommandAbandoned e -> {
        g.writeStringField("command_id", e.commandId());
        writeNullable("pid", e.pid(), g);
        g.writeStringField("outcome", e.outcome());
        g.writeStringField("reason", e.reason());
      }
      case CommandRun e -> writeCommandRun(e, g);
      case CommandDenied e -> {
        g.writeStringField("command", e.command());
        g.writeStringField("code", e.code());
        g.writeStringField("reason", e.reason());
        optionalField(g, "policy", e.policy());
      }
      case PolicyReloaded e -> {
        g.writeStringField("policy", e.policy());
        g.writeStringField("previous", e.previous());
        g.writeNumberField("commands", e.commands());
        g.writeStringField("source", e.source());
        g.writeStringField("trigger", e.trigger());
        g.writeArrayFieldStart("restart_needed");
        for (String key : e.restartNeeded()) {
          g.writeString(key);
        }
        g.writeEndArray();
      }
      case PolicyReloadFailed e -> {
        g.writeStringField("policy", e.policy());
        g.writeStringField("trigger", e.trigger());
        g.writeStringField("reason", e.reason());
      }
      case ExecutableChanged e -> {
        g.writeStringField("command", e.command());
        g.writeStringField("path", e.path());
        g.writeStringField("expected", e.expected());
        g.writeStringField("actual", e.actual());
        optionalField(g, "policy", e.policy());
      }
      case TokenRejected e -> g.writeStringField("code", e.code());
      case LoggedOut e -> {}
      case CommandsListed e -> g.writeNumberField("count", e.count());
      case CancelRequested e -> g.writeBooleanField("running", e.running());
      case ProtocolError e -> {
        g.writeStringField("code", e.code());
        g.writeStringField("detail", e.detail());
      }
      case AuditEvent.AuditSuppressed e -> {
        g.writeNumberField("suppressed", e.suppressed());
        g.writeNumberField("window_seconds", e.windowSeconds());
        g.writeStringField("events", e.events());
      }
      case AuditEvent.UserChanged e -> {
        g.writeStringField("change", e.change());
        g.writeArrayFieldStart("roles");
        for (String role : e.roles()) {
          g.writeString(role);
        }
        g.writeEndArray();
        g.writeStringField("by", e.by());
        g.writeNumberField("pid", e.pid());
        g.writeStringField("requested_at", e.requestedAt());
        g.writeStringField("change_id", e.changeId());
      }
    }
  }

  private static void writeArgv(List<String> argv, JsonGenerator g) throws IOException {
    g.writeArrayFieldStart("argv");
    for (String arg : argv) {
      g.writeString(arg);
    }
    g.writeEndArray();
  }

  private static void writeNullable(String field, @Nullable Long value, JsonGenerator g)
      throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeNumberField(field, value.longValue());
    }
  }

  private static void writeCommandRun(CommandRun e, JsonGenerator g) throws IOException {
    g.writeStringField("command_id", e.commandId());
    g.writeStringField("command", e.command());
    writeArgv(e.argv(), g);
    if (e.exitCode() == null) {
      g.writeNullField("exit_code");
    } else {
      g.writeNumberField("exit_code", e.exitCode().intValue());
    }
    g.writeStringField("outcome", e.outcome());
    g.writeNumberField("duration_ms", e.durationMs());
    g.writeNumberField("stdout_bytes", e.stdoutBytes());
    g.writeNumberField("stderr_bytes", e.stderrBytes());
    g.writeBooleanField("truncated", e.truncated());
    optionalField(g, "policy", e.policy());
  }

  /** Writes {@code value} only when present, so records without it keep their old shape. */
  private static void optionalField(JsonGenerator g, String name, @Nullable String value)
      throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  /**
   * Rebuilds the event of a parsed line.
   *
   * @throws IllegalArgumentException if the event name is unknown or a field is missing or has the
   *     wrong type
   */
  static AuditEvent read(JsonNode n) {
    String name = Objects.requireNonNullElse(str(n, "event"), "");
    String user = str(n, "user");
    String session = str(n, "session");
    return switch (name) {
      case "server_started" ->
          new ServerStarted(
              text(n, "listen"),
              bool(n, "tls"),
              str(n, "fingerprint"),
              text(n, "version"),
              str(n, "policy"));
      case "server_stopping" -> new ServerStopping(text(n, "reason"), num(n, "open_connections"));
      case "server_stopped" -> new ServerStopped(text(n, "reason"));
      case "log_recovered" ->
          new LogRecovered(num(n, "last_good_seq"), num(n, "dropped_bytes"), text(n, "torn_file"));
      case "seal" ->
          new Seal(num(n, "epoch"), num(n, "records"), text(n, "key_id"), text(n, "reason"));
      case "audit_gap" ->
          new AuditEvent.AuditGap(
              text(n, "began"),
              text(n, "ended"),
              num(n, "refused"),
              counts(n, "refused_events"),
              text(n, "reason"),
              num(n, "cut_bytes"));
      case "audit_rotated" ->
          new AuditEvent.AuditRotated(
              text(n, "previous_file"),
              num(n, "previous_last_seq"),
              text(n, "previous_last_hash"),
              nullableNum(n, "epoch"),
              str(n, "key_id"),
              text(n, "trigger"),
              strings(n, "open_commands"));
      case "connection_opened" -> new ConnectionOpened(text(n, "client"));
      case "connection_rejected" -> new ConnectionRejected(text(n, "client"), text(n, "reason"));
      case "connection_closed" ->
          new ConnectionClosed(
              text(n, "client"), user, session, text(n, "reason"), num(n, "requests"));
      case "tls_handshake_failed" -> new TlsHandshakeFailed(text(n, "client"), text(n, "reason"));
      // Records written before logins had methods were all password logins.
      case "auth_succeeded" -> {
        String method = str(n, "method");
        yield new AuthSucceeded(
            text(n, "client"),
            text(n, "user"),
            text(n, "session"),
            method == null ? AuthSucceeded.PASSWORD : method);
      }
      case "auth_failed" -> new AuthFailed(text(n, "client"), user, text(n, "reason"));
      case "rate_limited" -> new RateLimited(text(n, "client"), user, num(n, "retry_after_ms"));
      case "command_started" ->
          new CommandStarted(
              text(n, "client"),
              text(n, "user"),
              text(n, "session"),
              text(n, "command_id"),
              text(n, "command"),
              argv(n, "command_started"),
              num(n, "timeout_ms"));
      case "command_launched" ->
          new CommandLaunched(
              text(n, "client"),
              text(n, "user"),
              text(n, "session"),
              text(n, "command_id"),
              num(n, "pid"),
              nullableNum(n, "process_group"),
              nullableNum(n, "start_time"));
      case "command_abandoned" ->
          new CommandAbandoned(
              text(n, "command_id"), nullableNum(n, "pid"), text(n, "outcome"), text(n, "reason"));
      case "command_run" -> readCommandRun(n);
      case "command_denied" ->
          new CommandDenied(
              text(n, "client"),
              user,
              session,
              text(n, "command"),
              text(n, "code"),
              text(n, "reason"),
              str(n, "policy"));
      case "policy_reloaded" ->
          new PolicyReloaded(
              text(n, "policy"),
              text(n, "previous"),
              num(n, "commands"),
              text(n, "source"),
              text(n, "trigger"),
              strings(n, "restart_needed"));
      case "policy_reload_failed" ->
          new PolicyReloadFailed(text(n, "policy"), text(n, "trigger"), text(n, "reason"));
      case "executable_changed" ->
          new ExecutableChanged(
              text(n, "client"),
              text(n, "user"),
              text(n, "session"),
              text(n, "command"),
              text(n, "path"),
              text(n, "expected"),
              text(n, "actual"),
              str(n, "policy"));
      case "token_rejected" -> new TokenRejected(text(n, "client"), text(n, "code"), user, session);
      case "logged_out" -> new LoggedOut(text(n, "client"), text(n, "user"), text(n, "session"));
      case "commands_listed" ->
          new CommandsListed(
              text(n, "client"), text(n, "user"), text(n, "session"), num(n, "count"));
      case "cancel_requested" ->
          new CancelRequested(text(n, "client"), user, session, bool(n, "running"));
      case "protocol_error" ->
          new ProtocolError(text(n, "client"), user, session, text(n, "code"), text(n, "detail"));
      case "audit_suppressed" ->
          new AuditEvent.AuditSuppressed(
              text(n, "client"), num(n, "suppressed"), num(n, "window_seconds"), text(n, "events"));
      case "user_changed" ->
          new AuditEvent.UserChanged(
              text(n, "change"),
              text(n, "user"),
              strings(n, "roles"),
              str(n, "by"),
              num(n, "pid"),
              text(n, "requested_at"),
              text(n, "change_id"));
      default ->
          throw new IllegalArgumentException("unknown audit event '" + Text.clip(name, 64) + "'");
    };
  }

  private static List<String> argv(JsonNode n, String event) {
    JsonNode argv = n.get("argv");
    if (argv == null || !argv.isArray()) {
      throw new IllegalArgumentException(event + ".argv must be an array");
    }
    List<String> args = new ArrayList<>(argv.size());
    for (JsonNode a : argv) {
      if (!a.isTextual()) {
        throw new IllegalArgumentException(event + ".argv must hold strings");
      }
      args.add(a.textValue());
    }
    return args;
  }

  private static java.util.Map<String, Long> counts(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isObject()) {
      throw new IllegalArgumentException(field + " must be an object");
    }
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (var e : v.properties()) {
      out.put(e.getKey(), integral(e.getValue(), field + "." + e.getKey()));
    }
    return out;
  }

  private static @Nullable Long nullableNum(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : integral(v, field);
  }

  private static CommandRun readCommandRun(JsonNode n) {
    List<String> args = argv(n, "command_run");
    JsonNode exit = n.get("exit_code");
    Integer exitCode = null;
    if (exit != null && !exit.isNull()) {
      if (!exit.isIntegralNumber() || !exit.canConvertToInt()) {
        throw new IllegalArgumentException("exit_code must be a 32-bit integer or null");
      }
      exitCode = exit.intValue();
    }
    return new CommandRun(
        text(n, "client"),
        text(n, "user"),
        text(n, "session"),
        str(n, "command_id"),
        text(n, "command"),
        args,
        exitCode,
        text(n, "outcome"),
        num(n, "duration_ms"),
        num(n, "stdout_bytes"),
        num(n, "stderr_bytes"),
        bool(n, "truncated"),
        str(n, "policy"));
  }

  private static List<String> strings(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isArray()) {
      throw new IllegalArgumentException(field + " must be an array");
    }
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new IllegalArgumentException(field + " must hold strings");
      }
      out.add(item.textValue());
    }
    return out;
  }

  /** A text field that must be present. */
  private static String text(JsonNode n, String field) {
    String v = str(n, field);
    if (v == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return v;
  }

  /** A text field, or null when it is absent or null. */
  static @Nullable String str(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return v.textValue();
  }

  private static long num(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return integral(v, field);
  }

  private static long integral(JsonNode v, String field) {
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(field + " must be an integer");
    }
    return v.longValue();
  }

  private static boolean bool(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isBoolean()) {
      throw new IllegalArgumentException(field + " must be true or false");
    }
    return v.booleanValue();
  }
}
