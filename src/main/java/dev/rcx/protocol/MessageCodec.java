package dev.rcx.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Encodes and decodes protocol messages, one JSON object per line. Requests are validated strictly
 * (unknown fields, wrong types and missing fields are errors with a precise message); responses are
 * decoded leniently so that a newer server may add fields. The parser is bounded (nesting depth,
 * string and number length) so a hostile line costs a small, fixed amount of memory beyond the line
 * itself. Thread-safe.
 */
public final class MessageCodec {
  /** Deepest nesting accepted; a valid request needs two levels. */
  static final int MAX_NESTING = 16;

  /** Longest number literal accepted. */
  static final int MAX_NUMBER_LENGTH = 32;

  static final int MAX_ID_LENGTH = 128;
  static final int MAX_USERNAME_LENGTH = 64;
  static final int MAX_ARGS = 1024;

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

  private final ObjectMapper mapper;

  /** A codec whose strings may be as long as a line may be. */
  public MessageCodec(int maxLineBytes) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(Math.max(maxLineBytes, 1024))
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Jackson's default keeps parse/write buffers per thread; with a virtual thread per
            // connection that is
            // tens of KiB held by every idle connection. A shared pool holds only as many as are in
            // use at once.
            .recyclerPool(JsonRecyclerPools.sharedBoundedPool())
            .build();
    this.mapper =
        JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  }

  // ---------------------------------------------------------------- requests

  /** Decodes one request line (without its newline). */
  public Request decodeRequest(byte[] line) throws ProtocolException {
    JsonNode root = parse(line);
    if (!root.isObject()) {
      throw new ProtocolException(
          ErrorCode.INVALID_REQUEST, "a message must be a JSON object", null);
    }
    String id = optionalId(root);
    JsonNode type = root.get("type");
    if (type == null || type.isNull()) {
      throw new ProtocolException(ErrorCode.INVALID_REQUEST, "missing field 'type'", id);
    }
    if (!type.isTextual()) {
      throw new ProtocolException(ErrorCode.INVALID_REQUEST, "field 'type' must be a string", id);
    }
    Fields f = new Fields(root, id);
    return switch (type.textValue()) {
      case "auth" -> {
        f.allow("type", "id", "username", "password_hash");
        String username = f.requiredString("username", MAX_USERNAME_LENGTH);
        // Absent only for a certificate login (mutual TLS); the server decides whether that is
        // enough.
        String hash = f.optionalString("password_hash", 64);
        if (hash != null && !SHA256_HEX.matcher(hash).matches()) {
          throw new ProtocolException(
              ErrorCode.INVALID_REQUEST,
              "field 'password_hash' must be the hex SHA-256 of the password (64 hex digits)",
              id);
        }
        yield new Request.Auth(username, hash == null ? null : hash.toLowerCase(Locale.ROOT), id);
      }
      case "command" -> {
        f.allow("type", "id", "session_token", "command", "args", "stream");
        yield new Request.Command(
            f.requiredString("session_token", 256),
            f.requiredString("command", Integer.MAX_VALUE),
            f.optionalStringArray("args"),
            f.optionalBoolean("stream"),
            id);
      }
      case "logout" -> {
        f.allow("type", "id", "session_token");
        yield new Request.Logout(f.requiredString("session_token", 256), id);
      }
      case "ping" -> {
        f.allow("type", "id");
        yield new Request.Ping(id);
      }
      case "list_commands" -> {
        f.allow("type", "id", "session_token");
        yield new Request.ListCommands(f.requiredString("session_token", 256), id);
      }
      case "cancel" -> {
        f.allow("type", "id");
        yield new Request.Cancel(id);
      }
      default ->
          throw new ProtocolException(
              ErrorCode.UNKNOWN_TYPE,
              "unknown message type "
                  + shownName(type.textValue())
                  + "; expected auth, command, cancel, list_commands, logout or ping",
              id);
    };
  }

  /** Encodes a request as one line including the trailing newline. */
  public byte[] encode(Request request) {
    return write(
        g -> {
          g.writeStringField("type", request.type());
          switch (request) {
            case Request.Auth a -> {
              g.writeStringField("username", a.username());
              optional(g, "password_hash", a.passwordHash());
            }
            case Request.Command c -> {
              g.writeStringField("session_token", c.sessionToken());
              g.writeStringField("command", c.command());
              if (!c.args().isEmpty()) {
                g.writeArrayFieldStart("args");
                for (String arg : c.args()) {
                  g.writeString(arg);
                }
                g.writeEndArray();
              }
              if (c.stream()) {
                g.writeBooleanField("stream", true);
              }
            }
            case Request.Logout l -> g.writeStringField("session_token", l.sessionToken());
            case Request.ListCommands l -> g.writeStringField("session_token", l.sessionToken());
            case Request.Ping p -> {}
            case Request.Cancel k -> {}
          }
          if (request.id() != null) {
            g.writeStringField("id", request.id());
          }
        });
  }

  // --------------------------------------------------------------- responses

  /** Encodes a response as one line including the trailing newline. */
  public byte[] encode(Response response) {
    return write(
        g -> {
          switch (response) {
            case Response.AuthResponse a -> encodeAuth(g, a);
            case Response.CommandOutput c -> {
              g.writeStringField("type", "command_output");
              g.writeStringField("status", c.status().wireName());
              g.writeStringField("output", c.output());
              optional(g, "output_encoding", c.outputEncoding());
              g.writeStringField("stderr", c.stderr());
              optional(g, "stderr_encoding", c.stderrEncoding());
              if (c.exitCode() == null) {
                g.writeNullField("exit_code");
              } else {
                g.writeNumberField("exit_code", c.exitCode());
              }
              g.writeNumberField("duration_ms", c.durationMs());
              g.writeBooleanField("truncated", c.truncated());
              g.writeBooleanField("timed_out", c.timedOut());
            }
            case Response.CommandChunk k -> {
              g.writeStringField("type", "command_chunk");
              g.writeStringField("stream", k.stream());
              g.writeStringField("data", k.data());
              optional(g, "data_encoding", k.dataEncoding());
              g.writeNumberField("seq", k.seq());
            }
            case Response.CancelResponse k -> {
              g.writeStringField("type", "cancel_response");
              g.writeStringField("status", k.status());
            }
            case Response.LogoutResponse l -> {
              g.writeStringField("type", "logout_response");
              g.writeStringField("status", l.status());
            }
            case Response.Pong p -> g.writeStringField("type", "pong");
            case Response.CommandList l -> {
              g.writeStringField("type", "command_list");
              g.writeArrayFieldStart("commands");
              for (Response.CommandInfo c : l.commands()) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeNumberField("max_args", c.maxArgs());
                g.writeEndObject();
              }
              g.writeEndArray();
            }
            case Response.Error e -> {
              g.writeStringField("type", "error");
              g.writeStringField("code", e.code().name());
              g.writeStringField("message", e.message());
              optional(g, "retry_after_ms", e.retryAfterMs());
            }
          }
          optional(g, "id", response.id());
        });
  }

  /** Decodes one response line; unknown fields are ignored so newer servers stay compatible. */
  public Response decodeResponse(byte[] line) throws ProtocolException {
    JsonNode root = parse(line);
    if (!root.isObject()) {
      throw new ProtocolException(
          ErrorCode.INVALID_REQUEST, "a message must be a JSON object", null);
    }
    String id = text(root, "id");
    String type = text(root, "type");
    if (type == null) {
      throw new ProtocolException(ErrorCode.INVALID_REQUEST, "response without a 'type'", id);
    }
    return switch (type) {
      case "auth_response" -> decodeAuth(root, id);
      case "command_output" -> {
        Long exit = number(root, "exit_code");
        Long duration = number(root, "duration_ms");
        String status = text(root, "status");
        Response.CommandOutput.Status known = Response.CommandOutput.Status.fromWire(status);
        if (known == null) {
          throw new ProtocolException(
              ErrorCode.INVALID_REQUEST,
              "command_output field 'status' must be success, failure, timed_out or cancelled, not "
                  + (status == null ? "missing" : "'" + clip(status) + "'"),
              id);
        }
        yield Response.CommandOutput.of(
            known,
            data(root, "output", id),
            data(root, "stderr", id),
            exit == null ? null : exit.intValue(),
            duration == null ? 0 : duration,
            root.path("truncated").asBoolean(false),
            root.path("timed_out").asBoolean(false),
            id);
      }
      case "command_chunk" -> {
        String stream = text(root, "stream");
        if (!Response.CommandChunk.STDOUT.equals(stream)
            && !Response.CommandChunk.STDERR.equals(stream)) {
          throw new ProtocolException(
              ErrorCode.INVALID_REQUEST,
              "command_chunk field 'stream' must be stdout or stderr",
              id);
        }
        Long seq = number(root, "seq");
        yield Response.CommandChunk.of(
            Response.CommandChunk.STDERR.equals(stream),
            data(root, "data", id),
            seq == null ? 0 : seq,
            id);
      }
      case "cancel_response" -> new Response.CancelResponse(orEmpty(text(root, "status")), id);
      case "logout_response" -> new Response.LogoutResponse(orEmpty(text(root, "status")), id);
      case "pong" -> new Response.Pong(id);
      case "command_list" -> {
        List<Response.CommandInfo> commands = new ArrayList<>();
        for (JsonNode c : root.path("commands")) {
          String name = text(c, "name");
          Long max = number(c, "max_args");
          if (name != null) {
            commands.add(new Response.CommandInfo(name, max == null ? 0 : max.intValue()));
          }
        }
        yield new Response.CommandList(commands, id);
      }
      case "error" -> {
        ErrorCode code = code(root);
        yield new Response.Error(
            code == null ? ErrorCode.INTERNAL : code,
            orEmpty(text(root, "message")),
            number(root, "retry_after_ms"),
            id);
      }
      default ->
          throw new ProtocolException(
              ErrorCode.UNKNOWN_TYPE, "unknown response type '" + clip(type) + "'", id);
    };
  }

  /**
   * The one wire object of both outcomes: {@code status} {@code "success"} with the token and its
   * lifetimes, or {@code "failure"} with a code, a message and perhaps {@code retry_after_ms}.
   */
  private static void encodeAuth(JsonGenerator g, Response.AuthResponse a) throws IOException {
    g.writeStringField("type", "auth_response");
    switch (a) {
      case Response.AuthResponse.Success s -> {
        g.writeStringField("status", AUTH_SUCCESS);
        g.writeStringField("session_token", s.sessionToken());
        g.writeNumberField("expires_in", s.expiresIn());
        g.writeNumberField("idle_timeout", s.idleTimeout());
      }
      case Response.AuthResponse.Failure f -> {
        g.writeStringField("status", AUTH_FAILURE);
        g.writeStringField("code", f.code().name());
        g.writeStringField("message", f.message());
        optional(g, "retry_after_ms", f.retryAfterMs());
      }
    }
  }

  /**
   * Leniently, as every response: a {@code "success"} needs its token (missing lifetimes read as
   * 0); any other status is a failure, its code {@code AUTH_FAILED} and its message "authentication
   * failed" where the server gave none.
   */
  private static Response.AuthResponse decodeAuth(JsonNode root, @Nullable String id)
      throws ProtocolException {
    if (AUTH_SUCCESS.equals(text(root, "status"))) {
      String token = text(root, "session_token");
      if (token == null) {
        throw new ProtocolException(
            ErrorCode.INVALID_REQUEST, "auth_response 'success' without a 'session_token'", id);
      }
      Long expiresIn = number(root, "expires_in");
      Long idleTimeout = number(root, "idle_timeout");
      return new Response.AuthResponse.Success(
          token, expiresIn == null ? 0 : expiresIn, idleTimeout == null ? 0 : idleTimeout, id);
    }
    ErrorCode code = code(root);
    String message = text(root, "message");
    return new Response.AuthResponse.Failure(
        code == null ? ErrorCode.AUTH_FAILED : code,
        message == null ? "authentication failed" : message,
        number(root, "retry_after_ms"),
        id);
  }

  private static final String AUTH_SUCCESS = "success";
  private static final String AUTH_FAILURE = "failure";

  // ----------------------------------------------------------------- helpers

  private JsonNode parse(byte[] line) throws ProtocolException {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(line));
    } catch (CharacterCodingException e) {
      throw new ProtocolException(ErrorCode.MALFORMED_JSON, "message is not valid UTF-8", null);
    }
    try {
      JsonNode node = mapper.readTree(line);
      if (node == null || node.isMissingNode()) {
        throw new ProtocolException(ErrorCode.MALFORMED_JSON, "empty message", null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ProtocolException(ErrorCode.MALFORMED_JSON, malformed(e), null);
    } catch (IOException e) {
      throw new ProtocolException(ErrorCode.MALFORMED_JSON, "malformed JSON", null);
    }
  }

  /**
   * What is wrong with a line and where, in words of our own. Jackson's messages quote the bytes
   * they choke on (an unquoted token, a field name), and this text goes to the client and the audit
   * log, which must never hold a secret a client sent: so only the kind of problem and its column
   * are kept.
   */
  static String malformed(JsonProcessingException e) {
    String m = String.valueOf(e.getOriginalMessage());
    String what;
    if (e instanceof StreamConstraintsException) {
      what =
          "exceeds a parser limit (nesting depth "
              + MAX_NESTING
              + ", number length "
              + MAX_NUMBER_LENGTH
              + ", string length)";
    } else if (m.startsWith("Duplicate field")) {
      what = "duplicate field";
    } else if (m.startsWith("Unexpected end-of-input")) {
      what = "unexpected end of input";
    } else if (m.startsWith("Trailing token")) {
      what = "data after the JSON value";
    } else if (m.startsWith("Unrecognized token")) {
      what = "unrecognized token (not shown; quote strings)";
    } else if (m.startsWith("Illegal unquoted character")) {
      what = "control character inside a string (escape it)";
    } else if (m.startsWith("Unrecognized character escape")) {
      what = "invalid escape sequence";
    } else if (m.startsWith("Unexpected character")) {
      what = "unexpected character";
    } else if (m.contains("numeric value") || m.contains("Numeric value")) {
      what = "invalid number";
    } else {
      what = "invalid syntax";
    }
    JsonLocation at = e.getLocation();
    return at != null && at.getColumnNr() > 0
        ? "malformed JSON at column " + at.getColumnNr() + ": " + what
        : "malformed JSON: " + what;
  }

  private static @Nullable String optionalId(JsonNode root) throws ProtocolException {
    JsonNode id = root.get("id");
    if (id == null || id.isNull()) {
      return null;
    }
    if (!id.isTextual()) {
      throw new ProtocolException(ErrorCode.INVALID_REQUEST, "field 'id' must be a string", null);
    }
    if (id.textValue().length() > MAX_ID_LENGTH) {
      throw new ProtocolException(
          ErrorCode.INVALID_REQUEST,
          "field 'id' is longer than " + MAX_ID_LENGTH + " characters",
          null);
    }
    return id.textValue();
  }

  /** Strict field access for one request object. */
  private record Fields(JsonNode root, @Nullable String id) {
    void allow(String... names) throws ProtocolException {
      Set<String> allowed = Set.of(names);
      Iterator<String> it = root.fieldNames();
      while (it.hasNext()) {
        String name = it.next();
        if (!allowed.contains(name)) {
          throw new ProtocolException(
              ErrorCode.INVALID_REQUEST,
              "unknown field "
                  + shownName(name)
                  + " in '"
                  + root.get("type").textValue()
                  + "' message",
              id);
        }
      }
    }

    String requiredString(String name, int maxLength) throws ProtocolException {
      String value = optionalString(name, maxLength);
      if (value == null) {
        throw new ProtocolException(ErrorCode.INVALID_REQUEST, "missing field '" + name + "'", id);
      }
      return value;
    }

    @Nullable String optionalString(String name, int maxLength) throws ProtocolException {
      JsonNode node = root.get(name);
      if (node == null || node.isNull()) {
        return null;
      }
      if (!node.isTextual()) {
        throw new ProtocolException(
            ErrorCode.INVALID_REQUEST,
            "field '"
                + name
                + "' must be a string, not "
                + node.getNodeType().name().toLowerCase(Locale.ROOT),
            id);
      }
      String value = node.textValue();
      if (value.length() > maxLength) {
        throw new ProtocolException(
            ErrorCode.INVALID_REQUEST,
            "field '" + name + "' is longer than " + maxLength + " characters",
            id);
      }
      return value;
    }

    boolean optionalBoolean(String name) throws ProtocolException {
      JsonNode node = root.get(name);
      if (node == null || node.isNull()) {
        return false;
      }
      if (!node.isBoolean()) {
        throw new ProtocolException(
            ErrorCode.INVALID_REQUEST, "field '" + name + "' must be true or false", id);
      }
      return node.booleanValue();
    }

    List<String> optionalStringArray(String name) throws ProtocolException {
      JsonNode node = root.get(name);
      if (node == null || node.isNull()) {
        return List.of();
      }
      if (!node.isArray()) {
        throw new ProtocolException(
            ErrorCode.INVALID_REQUEST, "field '" + name + "' must be an array of strings", id);
      }
      if (node.size() > MAX_ARGS) {
        throw new ProtocolException(
            ErrorCode.INVALID_REQUEST,
            "field '" + name + "' has more than " + MAX_ARGS + " elements",
            id);
      }
      List<String> values = new ArrayList<>(node.size());
      for (int i = 0; i < node.size(); i++) {
        JsonNode element = node.get(i);
        if (!element.isTextual()) {
          throw new ProtocolException(
              ErrorCode.INVALID_REQUEST, "field '" + name + "[" + i + "]' must be a string", id);
        }
        values.add(element.textValue());
      }
      return values;
    }
  }

  private static @Nullable String text(JsonNode root, String name) {
    JsonNode node = root.get(name);
    return node != null && node.isTextual() ? node.textValue() : null;
  }

  /**
   * The output field {@code name} and its {@code name_encoding}; a value the encoding cannot decode
   * is refused here, so {@link OutputData#bytes()} never fails on a decoded message.
   */
  private static OutputData data(JsonNode root, String name, @Nullable String id)
      throws ProtocolException {
    String encoding = text(root, name + "_encoding");
    OutputData data;
    try {
      data = new OutputData(orEmpty(text(root, name)), encoding);
      data.bytes();
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(
          ErrorCode.INVALID_REQUEST, "field '" + name + "': " + e.getMessage(), id);
    }
    return data;
  }

  private static @Nullable Long number(JsonNode root, String name) {
    JsonNode node = root.get(name);
    return node != null && node.canConvertToLong() && node.isIntegralNumber()
        ? node.longValue()
        : null;
  }

  private static @Nullable ErrorCode code(JsonNode root) {
    String code = text(root, "code");
    if (code == null) {
      return null;
    }
    try {
      return ErrorCode.valueOf(code);
    } catch (IllegalArgumentException e) {
      return ErrorCode.INTERNAL;
    }
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static final Pattern FIELD_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,31}");

  /**
   * A name the client sent (a field name, a message type), quoted, if it looks like one; anything
   * else could be a token or password hash pasted in the wrong place, and is not repeated.
   */
  static String shownName(String name) {
    return FIELD_NAME.matcher(name).matches()
        ? "'" + name + "'"
        : "(" + name.length() + " characters, not shown: not a lower_snake_case name)";
  }

  static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }

  private static void optional(JsonGenerator g, String name, @Nullable Object value)
      throws IOException {
    switch (value) {
      case null -> {}
      case String s -> g.writeStringField(name, s);
      case Long l -> g.writeNumberField(name, l);
      default -> throw new IllegalArgumentException("unsupported field type for " + name);
    }
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode message", e);
    }
    out.write('\n');
    return out.toByteArray();
  }
}
