package dev.rcx.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line of every key in a YAML document, by dotted key path ({@code limits.idle_timeout}), so an
 * error about a key can name its line: Jackson's tree keeps no positions. Reading it also refuses
 * duplicate keys and reports a syntax error at one position, {@code FILE:LINE:COLUMN}.
 */
final class YamlLines {
  private static final YAMLFactory FACTORY =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final Pattern MARK = Pattern.compile("line (\\d+), column (\\d+)");

  private final Map<String, Integer> lines;

  private YamlLines(Map<String, Integer> lines) {
    this.lines = lines;
  }

  static YamlLines read(byte[] yaml, Path file) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = FACTORY.createParser(yaml)) {
      String path = "";
      try {
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
          if (t == JsonToken.FIELD_NAME) {
            path = dotted(p.getParsingContext().pathAsPointer().toString());
            lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
          }
        }
      } catch (JsonParseException e) {
        if (e.getOriginalMessage().startsWith("Duplicate field")) {
          String key = dotted(p.getParsingContext().pathAsPointer().toString());
          throw new ConfigException(
              at(file, e.getLocation(), false)
                  + key
                  + ": duplicate key (first at line "
                  + lines.getOrDefault(key, 0)
                  + "); each setting may appear once");
        }
        throw syntax(file, e);
      }
    } catch (JsonProcessingException e) {
      throw syntax(file, e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    return new YamlLines(lines);
  }

  /**
   * The line of {@code key} (dotted path), or of its closest enclosing key that has one ({@code
   * tls} for a {@code tls.key} that is absent, e.g. a value check on a whole section); 0 if none.
   */
  int line(String key) {
    for (String k = key; !k.isEmpty(); ) {
      Integer line = lines.get(k);
      if (line != null) {
        return line;
      }
      int dot = k.lastIndexOf('.');
      k = dot < 0 ? "" : k.substring(0, dot);
    }
    return 0;
  }

  /**
   * "FILE:LINE: key: what is wrong": every message of this package starts with the key's dotted
   * path, whose line the file tells.
   */
  String located(Path file, String message) {
    int colon = message.indexOf(": ");
    String key = colon > 0 ? message.substring(0, colon) : "";
    int line = key.matches("[A-Za-z0-9_.-]+") ? line(key) : 0;
    return file + (line > 0 ? ":" + line : "") + ": " + message;
  }

  private static ConfigException syntax(Path file, JsonProcessingException e) {
    // SnakeYAML's text repeats positions and quotes the line with a caret on indented lines; keep
    // only its words, so the message carries one position.
    String why =
        String.join(
            ": ",
            e.getOriginalMessage()
                .lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .map(String::strip)
                .toList());
    // The parser's own first mark (the construct being read) beats Jackson's location, which can
    // trail behind to the previous token.
    Matcher mark = MARK.matcher(e.getOriginalMessage());
    String where =
        mark.find()
            ? file + ":" + mark.group(1) + ":" + mark.group(2) + ": "
            : at(file, e.getLocation(), true);
    return new ConfigException(where + "not valid YAML: " + why, e);
  }

  private static String at(Path file, JsonLocation loc, boolean column) {
    if (loc == null || loc.getLineNr() <= 0) {
      return file + ": ";
    }
    return file + ":" + loc.getLineNr() + (column ? ":" + loc.getColumnNr() : "") + ": ";
  }

  /** "/limits/idle_timeout" to "limits.idle_timeout". */
  private static String dotted(String pointer) {
    return pointer.startsWith("/") ? pointer.substring(1).replace('/', '.') : pointer;
  }
}
