package dev.rcx.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One-line human rendering of a log line for {@code rcx audit tail}. The line's layout never
 * depends on what a client sent: every value is shown bare only when it consists of characters that
 * cannot look like structure ({@link #bare}), and otherwise in double quotes with {@code \}, {@code
 * "} and every invisible or line-breaking character (controls, format characters such as bidi
 * overrides and zero-width spaces, line and paragraph separators, spaces other than U+0020, lone
 * surrogates) escaped as {@code \\uXXXX}. So a user name like {@code admin@10.0.0.1:1
 * reason=bad_password x} is shown as one quoted value, and no value can end the line, move the
 * cursor or reorder what follows it on the operator's screen.
 */
final class Describer {
  private static final Set<String> FRAME =
      Set.of("seq", "ts", "event", "client", "user", "session", "prev", "mac");
  private static final int SESSION_SHOWN = 8;

  private Describer() {}

  static String describe(String jsonLine) {
    byte[] bytes = jsonLine.getBytes(StandardCharsets.UTF_8);
    JsonNode n;
    try {
      n = Json.object(bytes, bytes.length);
    } catch (IllegalArgumentException e) {
      return "unparseable: " + show(Text.clip(jsonLine, 200));
    }
    StringBuilder out = new StringBuilder(128);
    out.append(text(n, "ts", "?"))
        .append(" #")
        .append(show(n.path("seq").asText("?")))
        .append(' ')
        .append(text(n, "event", "?"))
        .append(' ')
        .append(who(n));
    JsonNode session = n.get("session");
    if (session != null && !session.isNull()) {
      String id = session.asText();
      // Cut before quoting, so a long value cannot lose its closing quote.
      out.append(" s=")
          .append(show(id.length() > SESSION_SHOWN ? id.substring(0, SESSION_SHOWN) : id))
          .append(id.length() > SESSION_SHOWN ? ".." : "");
    }
    String event = n.path("event").asText();
    if ("command_run".equals(event)) {
      commandRun(n, out);
    } else if ("command_started".equals(event)) {
      commandId(n, out);
      argv(n, out);
      out.append(" timeout=").append(n.path("timeout_ms").asText("?")).append("ms");
    } else {
      fields(n, out);
    }
    return out.toString();
  }

  /** {@code user@client}; each part is quoted whenever it holds more than name characters. */
  private static String who(JsonNode n) {
    String client = optionalText(n, "client");
    String user = optionalText(n, "user");
    if (user != null && client != null) {
      return user + "@" + client;
    }
    return user != null ? user : client != null ? client : "-";
  }

  private static void commandId(JsonNode n, StringBuilder out) {
    String id = optionalText(n, "command_id");
    if (id != null) {
      out.append(" id=").append(id);
    }
  }

  private static void argv(JsonNode n, StringBuilder out) {
    out.append(" argv=[");
    String sep = "";
    for (JsonNode arg : n.path("argv")) {
      out.append(sep).append(show(arg.asText()));
      sep = ", ";
    }
    out.append(']');
  }

  private static void commandRun(JsonNode n, StringBuilder out) {
    commandId(n, out);
    argv(n, out);
    JsonNode exit = n.path("exit_code");
    out.append(" exit=").append(exit.isNumber() ? exit.asText() : "-");
    String outcome = text(n, "outcome", "?");
    if (!"completed".equals(n.path("outcome").asText())) {
      out.append(' ').append(outcome);
    }
    out.append(' ').append(show(n.path("duration_ms").asText("?"))).append("ms");
    if (n.path("truncated").asBoolean(false)) {
      out.append(" truncated");
    }
  }

  private static void fields(JsonNode n, StringBuilder out) {
    for (Map.Entry<String, JsonNode> f : n.properties()) {
      if (FRAME.contains(f.getKey()) || f.getValue().isNull()) {
        continue;
      }
      String v = f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString();
      out.append(' ').append(show(f.getKey())).append('=').append(show(v));
    }
  }

  private static String text(JsonNode n, String field, String fallback) {
    String v = optionalText(n, field);
    return v == null ? fallback : v;
  }

  private static @Nullable String optionalText(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : show(v.asText());
  }

  /**
   * Characters a value may consist of to be shown without quotes: none of them is a space, quote,
   * backslash, {@code @}, {@code =}, comma or bracket, so a bare value can never look like a
   * separator or a second field.
   */
  static boolean bare(String v) {
    if (v.isEmpty()) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-'
              || c == ':'
              || c == '/'
              || c == '+'
              || c == '%';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** {@code v} as it is shown: bare if {@link #bare}, otherwise quoted with escapes. */
  static String show(String v) {
    if (bare(v)) {
      return v;
    }
    StringBuilder out = new StringBuilder(v.length() + 8).append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (invisible(v, i)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /**
   * Escapes every invisible or line-breaking character as {@code \\uXXXX} (see the class comment);
   * kept for callers that quote on their own.
   */
  static String safe(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean bad = invisible(s, i);
      if (bad && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (out != null) {
        if (bad) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? s : out.toString();
  }

  /**
   * Whether the char at {@code i} must not reach a terminal as itself: controls (C0, DEL, C1),
   * format characters (bidi embeddings, overrides and isolates, zero-width spaces and joiners, the
   * BOM, soft hyphen...), line and paragraph separators, any space but U+0020, private-use and
   * unassigned code points, and lone surrogates.
   */
  private static boolean invisible(String s, int i) {
    char c = s.charAt(i);
    if (Character.isSurrogate(c)) {
      if (!pairedAt(s, i)) {
        return true;
      }
      int cp = s.codePointAt(Character.isHighSurrogate(c) ? i : i - 1);
      return hidden(Character.getType(cp));
    }
    if (c == ' ') {
      return false;
    }
    return hidden(Character.getType(c));
  }

  private static boolean hidden(int type) {
    return switch (type) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SPACE_SEPARATOR,
          Character.PRIVATE_USE,
          Character.UNASSIGNED ->
          true;
      default -> false;
    };
  }

  private static boolean pairedAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
