package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed, oversized and mistyped requests over a live TLS connection: deeply nested JSON, huge
 * numbers, duplicate keys, raw NUL and control characters, invalid UTF-8, and a wrong type for
 * every field of every request type. Each gets exactly its documented error code (with the field
 * named where one is at fault), is audited as a protocol error, and leaves the connection usable,
 * as docs/PROTOCOL.md promises; a run of 16 such lines closes it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MalformedRequestsTest {
  private static final String FROM = "127.0.0.6";

  @TempDir Path dir;

  /**
   * One bad line and what the server must answer: {@code code}, and a message naming {@code
   * mentions}.
   */
  static final class Bad {
    private final String what;
    private final byte[] line;
    private final String code;
    private final String mentions;

    /** A class, not a record: the line is raw bytes, which a record would compare by identity. */
    Bad(String what, byte[] line, String code, String mentions) {
      this.what = what;
      this.line = line;
      this.code = code;
      this.mentions = mentions;
    }

    String what() {
      return what;
    }

    byte[] line() {
      return line;
    }

    String code() {
      return code;
    }

    String mentions() {
      return mentions;
    }

    static Bad json(String what, String json, String code, String mentions) {
      return new Bad(what, json.getBytes(StandardCharsets.UTF_8), code, mentions);
    }

    static Bad bytes(String what, String prefix, String hex, String suffix, String code) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
      b.writeBytes(HexFormat.of().parseHex(hex));
      b.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
      return new Bad(what, b.toByteArray(), code, "");
    }
  }

  @Test
  void everyMalformedOrMistypedRequest_documentedCode_connectionStaysUsable() throws Exception {
    try (Arena arena = Arena.open(TestServer.builder(dir))) {
      TestServer s = arena.server;
      String token = Hostile.token(s, "typist", "pw");
      List<Bad> bads = new ArrayList<>();
      bads.addAll(malformed(token));
      bads.addAll(wrongTypes(token));
      try (Wire w = Hostile.wireFrom(s, FROM)) {
        String client = Hostile.clientName(w.socket());
        // Logged in (a valid token used): before that, 4 protocol errors close it (DoorTest).
        w.call(Hostile.command(token, "echo in", "in"));
        for (int i = 0; i < bads.size(); i++) {
          Bad bad = bads.get(i);
          w.write(bad.line()).write("\n");
          long start = System.nanoTime();
          JsonNode reply = w.readJson();
          assertThat(Duration.ofNanos(System.nanoTime() - start))
              .as(bad.what())
              .isLessThan(Duration.ofSeconds(2));
          assertThat(reply.path("type").asText()).as(bad.what() + ": " + reply).isEqualTo("error");
          assertThat(reply.path("code").asText())
              .as(bad.what() + ": " + reply)
              .isEqualTo(bad.code());
          assertThat(reply.path("message").asText()).as(bad.what()).contains(bad.mentions());
          // Still usable (and the ping ends the run of errors that would close the connection).
          assertThat(w.call(Hostile.ping("ok" + i)).path("id").asText())
              .as("after " + bad.what())
              .isEqualTo("ok" + i);
        }
        arena.honest.awaitProgress();
        List<String> audited =
            s.auditEvents("protocol_error").stream()
                .filter(e -> client.equals(e.path("client").asText()))
                .map(e -> e.path("code").asText())
                .toList();
        assertThat(audited).isEqualTo(bads.stream().map(Bad::code).toList());
        assertThat(Hostile.count(s, "command_run", Hostile.field("client", client)))
            .as("nothing ran but the echo that logged the connection in")
            .isEqualTo(1);
      }
      arena.finish();
    }
  }

  @Test
  void sixteenBadLinesInARow_connectionClosed() throws Exception {
    try (Arena arena = Arena.open(TestServer.builder(dir));
        Wire w = Hostile.wireFrom(arena.server, FROM)) {
      w.call(Hostile.command(Hostile.token(arena.server, "typist", "pw"), "echo in", "in"));
      for (int i = 0; i < 16; i++) {
        w.send("garbage " + i);
        assertThat(w.readJson().path("code").asText()).isEqualTo("MALFORMED_JSON");
      }
      assertThat(w.closedByPeer(Duration.ofSeconds(5))).isTrue();
      arena.server.awaitAudit(
          "connection_closed", Hostile.field("reason", "too_many_protocol_errors"));
      arena.finish();
    }
  }

  @Test
  void escapedControlCharactersInValidJson_refusedWhereTheyMatter() throws Exception {
    try (Arena arena = Arena.open(TestServer.builder(dir));
        Wire w = Hostile.wireFrom(arena.server, FROM)) {
      String token = Hostile.token(arena.server, "typist", "pw");
      for (String word : List.of("a\u0000b", "\u001b[2J", "line\nbreak", "cr\rhere", "del\u007f")) {
        JsonNode inCommand = w.call(Hostile.command(token, "echo '" + word + "'", "c"));
        assertThat(inCommand.path("code").asText())
            .as("in command: %s", word)
            .isEqualTo("ARGUMENT_NOT_ALLOWED");
        JsonNode inArgs = w.call(Hostile.command(token, "echo", List.of(word), "a"));
        assertThat(inArgs.path("code").asText())
            .as("in args: %s", word)
            .isEqualTo("ARGUMENT_NOT_ALLOWED");
      }
      // A NUL in a user name is just a name nobody has.
      JsonNode auth = w.call(Hostile.auth("root\u0000", "0".repeat(64)));
      assertThat(auth.path("code").asText()).isEqualTo("AUTH_FAILED");
      // In an id it is echoed back, escaped.
      assertThat(w.call("{\"type\":\"ping\",\"id\":\"a\\u0000b\"}").path("id").asText())
          .isEqualTo("a\u0000b");
      assertThat(w.call("{\"type\":\"ping\",\"id\":\"\\ud800\"}").path("type").asText())
          .isIn("pong", "error");
      assertThat(w.call(Hostile.ping("still")).path("id").asText()).isEqualTo("still");
      arena.finish();
    }
  }

  private static List<Bad> malformed(String token) {
    String malformed = "MALFORMED_JSON";
    List<Bad> b = new ArrayList<>();
    b.add(Bad.json("not JSON", "hello", malformed, ""));
    b.add(Bad.json("unterminated", "{\"type\":\"ping\"", malformed, ""));
    b.add(Bad.json("trailing data", "{\"type\":\"ping\"} {\"type\":\"ping\"}", malformed, ""));
    b.add(
        Bad.json(
            "nesting 20",
            "{\"type\":\"ping\",\"x\":" + "[".repeat(19) + "]".repeat(19) + "}",
            malformed,
            ""));
    b.add(Bad.json("nesting 30000", "[".repeat(30_000), malformed, ""));
    b.add(
        Bad.json(
            "nested objects", "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000), malformed, ""));
    b.add(
        Bad.json(
            "60000-digit integer",
            "{\"type\":\"ping\",\"id\":" + "9".repeat(60_000) + "}",
            malformed,
            ""));
    b.add(
        Bad.json(
            "40-digit fraction",
            "{\"type\":\"ping\",\"id\":1." + "3".repeat(40) + "}",
            malformed,
            ""));
    b.add(Bad.json("duplicate type", "{\"type\":\"ping\",\"type\":\"ping\"}", malformed, ""));
    b.add(
        Bad.json(
            "duplicate command",
            "{\"type\":\"command\",\"session_token\":\""
                + token
                + "\",\"command\":\"echo a\",\"command\":\"nap\"}",
            malformed,
            ""));
    b.add(
        Bad.json(
            "duplicate nested key", "{\"type\":\"ping\",\"x\":{\"y\":1,\"y\":2}}", malformed, ""));
    b.add(Bad.bytes("raw NUL in string", "{\"type\":\"ping\",\"id\":\"a", "00", "b\"}", malformed));
    b.add(Bad.bytes("raw NUL after object", "{\"type\":\"ping\"}", "00", "", malformed));
    b.add(Bad.bytes("raw control char", "{\"type\":\"ping\",\"id\":\"", "01", "\"}", malformed));
    b.add(Bad.bytes("raw ESC", "{\"type\":\"ping\",\"id\":\"", "1b5b324a", "\"}", malformed));
    for (Map.Entry<String, String> utf8 :
        Map.of(
                "invalid continuation", "c328",
                "overlong slash", "c0af",
                "UTF-16 surrogate", "eda080",
                "5-byte form", "f888808080",
                "0xFF", "ff",
                "lone continuation", "80",
                "truncated 3-byte", "e282")
            .entrySet()) {
      b.add(
          Bad.bytes(
              "invalid UTF-8: " + utf8.getKey(),
              "{\"type\":\"ping\",\"id\":\"",
              utf8.getValue(),
              "\"}",
              malformed));
    }
    return b;
  }

  private static List<Bad> wrongTypes(String token) {
    String invalid = "INVALID_REQUEST";
    String t = "\"session_token\":\"" + token + "\"";
    List<Bad> b = new ArrayList<>();
    for (String top : List.of("[]", "\"ping\"", "42", "null", "true")) {
      b.add(Bad.json("top level " + top, top, invalid, "object"));
    }
    b.add(Bad.json("empty object", "{}", invalid, "type"));
    for (String v : List.of("1", "null", "[]", "{}", "true")) {
      b.add(Bad.json("type " + v, "{\"type\":" + v + "}", invalid, "type"));
    }
    for (String v : List.of("\"PING\"", "\"\"", "\"ping \"", "\"exec\"", "\"auth\\u0000\"")) {
      b.add(Bad.json("type " + v, "{\"type\":" + v + "}", "UNKNOWN_TYPE", ""));
    }
    List<String> notString = List.of("1", "1.5", "true", "{}", "[]", "[\"x\"]");
    // Every field of every request type, one wrong value at a time; the rest of the request is
    // valid.
    Map<String, String> templates = new java.util.LinkedHashMap<>();
    templates.put("ping.id", "{\"type\":\"ping\",\"id\":%s}");
    templates.put(
        "auth.username",
        "{\"type\":\"auth\",\"username\":%s,\"password_hash\":\"" + "a".repeat(64) + "\"}");
    templates.put(
        "auth.password_hash", "{\"type\":\"auth\",\"username\":\"typist\",\"password_hash\":%s}");
    templates.put(
        "auth.id",
        "{\"type\":\"auth\",\"username\":\"typist\",\"password_hash\":\""
            + "a".repeat(64)
            + "\",\"id\":%s}");
    templates.put(
        "command.session_token",
        "{\"type\":\"command\",\"session_token\":%s,\"command\":\"echo x\"}");
    templates.put("command.command", "{\"type\":\"command\"," + t + ",\"command\":%s}");
    templates.put(
        "command.id", "{\"type\":\"command\"," + t + ",\"command\":\"echo x\",\"id\":%s}");
    templates.put("logout.session_token", "{\"type\":\"logout\",\"session_token\":%s}");
    templates.put("logout.id", "{\"type\":\"logout\"," + t + ",\"id\":%s}");
    for (Map.Entry<String, String> e : templates.entrySet()) {
      String field = e.getKey().substring(e.getKey().indexOf('.') + 1);
      for (String v : notString) {
        b.add(
            Bad.json(
                e.getKey() + " = " + v, e.getValue().formatted(v), invalid, "'" + field + "'"));
      }
      if (!field.equals("id")) {
        b.add(
            Bad.json(
                e.getKey() + " = null",
                e.getValue().formatted("null"),
                invalid,
                "'" + field + "'"));
        b.add(
            Bad.json(
                e.getKey() + " missing",
                e.getValue()
                    .replaceAll(",?\"" + field + "\":%s,?", ",")
                    .replace("{,", "{")
                    .replace(",}", "}"),
                invalid,
                "'" + field + "'"));
      }
    }
    String args = "{\"type\":\"command\"," + t + ",\"command\":\"echo\",\"args\":%s}";
    for (String v : List.of("\"x\"", "1", "true", "{}")) {
      b.add(Bad.json("command.args = " + v, args.formatted(v), invalid, "'args'"));
    }
    b.add(Bad.json("command.args[0] = 1", args.formatted("[1]"), invalid, "'args[0]'"));
    b.add(Bad.json("command.args[1] = null", args.formatted("[\"a\",null]"), invalid, "'args[1]'"));
    b.add(Bad.json("command.args[1] = []", args.formatted("[\"a\",[]]"), invalid, "'args[1]'"));
    b.add(
        Bad.json("command.args[2] = {}", args.formatted("[\"a\",\"b\",{}]"), invalid, "'args[2]'"));
    b.add(
        Bad.json(
            "command.args 1025 elements",
            args.formatted(
                "[" + String.join(",", java.util.Collections.nCopies(1025, "\"a\"")) + "]"),
            invalid,
            "'args'"));
    // Out of range.
    b.add(
        Bad.json(
            "id of 129 characters",
            "{\"type\":\"ping\",\"id\":\"" + "i".repeat(129) + "\"}",
            invalid,
            "'id'"));
    b.add(
        Bad.json(
            "username of 65 characters",
            templates.get("auth.username").formatted("\"" + "u".repeat(65) + "\""),
            invalid,
            "'username'"));
    for (String hash :
        List.of(
            "\"xyz\"",
            "\"" + "a".repeat(63) + "\"",
            "\"" + "a".repeat(65) + "\"",
            "\"" + "g".repeat(64) + "\"")) {
      b.add(
          Bad.json(
              "password_hash " + hash.length(),
              templates.get("auth.password_hash").formatted(hash),
              invalid,
              "'password_hash'"));
    }
    b.add(
        Bad.json(
            "token of 257 characters",
            templates.get("command.session_token").formatted("\"" + "t".repeat(257) + "\""),
            invalid,
            "'session_token'"));
    // Unknown fields in each type.
    b.add(Bad.json("ping + extra", "{\"type\":\"ping\",\"extra\":1}", invalid, "'extra'"));
    b.add(Bad.json("ping + args", "{\"type\":\"ping\",\"args\":[]}", invalid, "'args'"));
    b.add(
        Bad.json(
            "auth + extra",
            templates.get("auth.id").formatted("\"i\"").replace("}", ",\"extra\":1}"),
            invalid,
            "'extra'"));
    b.add(
        Bad.json(
            "command + user",
            "{\"type\":\"command\"," + t + ",\"command\":\"echo x\",\"user\":\"root\"}",
            invalid,
            "'user'"));
    b.add(
        Bad.json(
            "command + shell",
            "{\"type\":\"command\"," + t + ",\"command\":\"echo x\",\"shell\":true}",
            invalid,
            "'shell'"));
    b.add(
        Bad.json(
            "logout + extra",
            "{\"type\":\"logout\"," + t + ",\"extra\":null}",
            invalid,
            "'extra'"));
    return b;
  }
}
