package dev.rcx.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The line each key of a YAML mapping tree is written on ({@code limits.idle_timeout} → 7), so that
 * an error about a value can name its line. Jackson's tree model keeps no locations, hence this
 * second, streaming pass over the same bytes.
 */
final class YamlLines {
  private static final YAMLFactory YAML = new YAMLFactory();

  private final Map<String, Integer> lines;

  private YamlLines(Map<String, Integer> lines) {
    this.lines = lines;
  }

  /** Lines of every key in nested mappings; empty if the bytes do not parse (errors say so). */
  static YamlLines of(byte[] yaml) {
    Map<String, Integer> lines = new HashMap<>();
    Deque<String> path = new ArrayDeque<>();
    try (JsonParser p = YAML.createParser(yaml)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        switch (t) {
          case FIELD_NAME -> {
            String prefix = path.isEmpty() ? "" : path.peek() + ".";
            lines.putIfAbsent(prefix + p.currentName(), p.currentTokenLocation().getLineNr());
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT) {
              path.push(prefix + p.currentName());
            } else if (v == JsonToken.START_ARRAY) {
              p.skipChildren();
            }
          }
          case END_OBJECT -> {
            if (!path.isEmpty()) {
              path.pop();
            }
          }
          default -> {}
        }
      }
    } catch (IOException e) {
      // The tree parse reports the syntax error with its own location.
    }
    return new YamlLines(lines);
  }

  /**
   * The line of {@code key}, or of its closest enclosing key that has one ({@code tls} for {@code
   * tls.key}); null if none.
   */
  @Nullable Integer line(String key) {
    for (String k = key; !k.isEmpty(); ) {
      Integer line = lines.get(k);
      if (line != null) {
        return line;
      }
      int dot = k.lastIndexOf('.');
      k = dot < 0 ? "" : k.substring(0, dot);
    }
    return null;
  }

  /**
   * The line of the key a message starts with ({@code "limits.idle_timeout: must be positive"}), or
   * null.
   */
  @Nullable Integer lineOfMessage(String message) {
    int colon = message.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String key = message.substring(0, colon);
    return key.matches("[a-z0-9_.]+") ? line(key) : null;
  }
}
