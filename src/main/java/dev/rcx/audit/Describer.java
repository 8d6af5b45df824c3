package dev.rcx.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * One-line human rendering of a log line for {@code rcx audit tail}. Everything shown went through
 * {@link #safe}, so a user name or argv cannot smuggle terminal escape sequences or bidi overrides
 * onto an operator's screen.
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
      return "unparseable: " + safe(Text.clip(jsonLine, 200));
    }
    StringBuilder out = new StringBuilder(128);
    out.append(text(n, "ts", "?"))
        .append(" #")
        .append(n.path("seq").asText("?"))
        .append(' ')
        .append(text(n, "event", "?"))
        .append(' ')
        .append(who(n));
    String session = text(n, "session", null);
    if (session != null) {
      out.append(" s=")
          .append(
              session.length() > SESSION_SHOWN
                  ? session.substring(0, SESSION_SHOWN) + ".."
                  : session);
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

  private static String who(JsonNode n) {
    String client = text(n, "client", null);
    String user = text(n, "user", null);
    if (user != null && client != null) {
      return user + "@" + client;
    }
    return user != null ? user : client != null ? client : "-";
  }

  private static void commandId(JsonNode n, StringBuilder out) {
    String id = text(n, "command_id", null);
    if (id != null) {
      out.append(" id=").append(id);
    }
  }

  private static void argv(JsonNode n, StringBuilder out) {
    out.append(" argv=[");
    String sep = "";
    for (JsonNode arg : n.path("argv")) {
      out.append(sep).append(safe(arg.asText()));
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
    if (!"completed".equals(outcome)) {
      out.append(' ').append(outcome);
    }
    out.append(' ').append(n.path("duration_ms").asText("?")).append("ms");
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
      out.append(' ').append(safe(f.getKey())).append('=').append(quoteIfNeeded(safe(v)));
    }
  }

  private static String text(JsonNode n, String field, String fallback) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? fallback : safe(v.asText());
  }

  private static String quoteIfNeeded(String v) {
    return v.isEmpty() || v.chars().anyMatch(c -> c == ' ' || c == '"')
        ? '"' + v.replace("\"", "\\\"") + '"'
        : v;
  }

  /** Escapes control characters, bidi controls and lone surrogates as {@code \\uXXXX}. */
  static String safe(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean bad =
          Character.isISOControl(c)
              || c >= '\u202A' && c <= '\u202E'
              || c >= '\u2066' && c <= '\u2069'
              || c == '\u200E'
              || c == '\u200F'
              || c == '\u061C'
              || Character.isSurrogate(c) && !pairedAt(s, i);
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

  private static boolean pairedAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
