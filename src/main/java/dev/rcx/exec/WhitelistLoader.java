package dev.rcx.exec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a whitelist YAML file into rules; every problem becomes a {@link WhitelistException} naming
 * file and entry.
 */
final class WhitelistLoader {
  private static final YAMLMapper MAPPER =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  /** Binds one entry in the middle of the stream, so what follows it is not "trailing". */
  private static final ObjectReader ENTRY =
      MAPPER.readerFor(EntryModel.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  /** One entry as written, and the line it starts on. */
  record Located(@Nullable EntryModel entry, int line) {}

  record EntryModel(
      String name,
      String path,
      List<String> args,
      @JsonProperty("max_args") Integer maxArgs,
      @JsonProperty("arg_patterns") List<String> argPatterns,
      String timeout,
      @JsonProperty("max_output") Long maxOutput,
      List<String> users,
      List<String> roles,
      String workdir,
      @JsonProperty("allow_dotdot") Boolean allowDotDot,
      List<PositionalModel> positional,
      @JsonProperty("end_of_options") Boolean endOfOptions,
      String sha256) {}

  record PositionalModel(String pattern, Boolean path) {}

  /**
   * The rules of a file, in order, with the line each entry starts on (1-based) and the entry as
   * written (for lint, which cares what was left to defaults).
   */
  record Loaded(List<CommandRule> rules, List<Integer> lines, List<EntryModel> written) {}

  private final Path file;

  WhitelistLoader(Path file) {
    this.file = file;
  }

  Loaded load() {
    List<Located> entries = parse();
    List<CommandRule> rules = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    List<EntryModel> written = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      Located at = entries.get(i);
      EntryModel entry = at.entry();
      // Entries are numbered as a person counts them (the first is entry 1) and named when they
      // have a name.
      String where = "whitelist " + file + ":" + at.line() + ": entry " + (i + 1);
      if (entry == null) {
        throw new WhitelistException(where + ": empty entry");
      }
      where += entry.name() == null ? "" : " " + Values.show(entry.name());
      CommandRule rule = toRule(entry, where);
      if (!names.add(rule.name())) {
        throw new WhitelistException(where + ": duplicate name '" + rule.name() + "'");
      }
      rules.add(rule);
      lines.add(at.line());
      written.add(entry);
    }
    return new Loaded(rules, lines, written);
  }

  /**
   * Reads the top-level mapping by hand, so that each entry's first line is known for messages; the
   * entries themselves are bound strictly by Jackson.
   */
  private List<Located> parse() {
    try (JsonParser p = MAPPER.createParser(file.toFile())) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new WhitelistException(
            "whitelist " + file + ": document: No content; expected a top-level 'commands' list");
      }
      if (first != JsonToken.START_OBJECT) {
        throw new WhitelistException(
            "whitelist " + file + ":" + line(p) + ": expected a mapping with a 'commands' list");
      }
      List<Located> entries = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken value = p.nextToken();
        if (!key.equals("commands")) {
          throw new WhitelistException(
              String.format(
                  "whitelist %s:%d: unknown key '%s' (known keys: [commands])",
                  file, line(p), key));
        }
        if (value == JsonToken.VALUE_NULL) {
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          throw new WhitelistException(
              "whitelist " + file + ":" + line(p) + ": 'commands' must be a list");
        }
        entries = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          int line = line(p);
          EntryModel entry =
              p.currentToken() == JsonToken.VALUE_NULL ? null : readEntry(p, entries.size());
          entries.add(new Located(entry, line));
        }
      }
      if (p.nextToken() != null) {
        throw new WhitelistException(
            "whitelist " + file + ":" + line(p) + ": unexpected content after the mapping");
      }
      if (entries == null) {
        throw new WhitelistException("whitelist " + file + ": missing top-level 'commands' list");
      }
      return entries;
    } catch (UnrecognizedPropertyException e) {
      throw new WhitelistException(
          String.format(
              "whitelist %s%s: %s: unknown key '%s' (known keys: %s)",
              file,
              line(e, lines()),
              where(e),
              e.getPropertyName(),
              e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()),
          e);
    } catch (JsonProcessingException e) {
      throw new WhitelistException(
          "whitelist " + file + line(e, lines()) + ": " + where(e) + ": " + firstLine(e), e);
    } catch (IOException e) {
      throw new WhitelistException("cannot read whitelist " + file + ": " + e, e);
    }
  }

  private static EntryModel readEntry(JsonParser p, int index) throws IOException {
    try {
      return ENTRY.readValue(p);
    } catch (JsonMappingException e) {
      e.prependPath(new JsonMappingException.Reference(null, index));
      e.prependPath(new JsonMappingException.Reference(null, "commands"));
      throw e;
    }
  }

  private static int line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }

  /** The key path of a mapping error, entries counted from 1: "entry 3, max_args". */
  private static String where(JsonProcessingException e) {
    List<String> parts = new ArrayList<>();
    if (e instanceof JsonMappingException m) {
      for (JsonMappingException.Reference ref : m.getPath()) {
        if (ref.getIndex() >= 0 && parts.equals(List.of("commands"))) {
          parts.set(0, "entry " + (ref.getIndex() + 1));
        } else if (ref.getIndex() >= 0) {
          parts.add("item " + (ref.getIndex() + 1));
        } else if (ref.getFieldName() != null) {
          parts.add(ref.getFieldName());
        }
      }
    }
    return parts.isEmpty() ? "document" : String.join(", ", parts);
  }

  /** ":LINE" of the key a mapping error is about, else the parser's position, else nothing. */
  private static String line(JsonProcessingException e, Map<String, Integer> lines) {
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      StringBuilder pointer = new StringBuilder();
      for (JsonMappingException.Reference ref : m.getPath()) {
        pointer
            .append('/')
            .append(ref.getIndex() >= 0 ? String.valueOf(ref.getIndex()) : ref.getFieldName());
      }
      Integer line = lines.get(pointer.toString());
      if (line != null) {
        return ":" + line;
      }
    }
    JsonLocation at = e.getLocation();
    return at != null && at.getLineNr() > 0 ? ":" + at.getLineNr() : "";
  }

  /** Jackson's message without the parser's own position lines, so the error has one position. */
  private static String firstLine(JsonProcessingException e) {
    return String.join(
        ": ",
        e.getOriginalMessage()
            .lines()
            .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
            .map(String::strip)
            .toList());
  }

  /**
   * The line of every key and list item, by JSON pointer ("/commands/1/path"): Jackson's tree and
   * its mapping errors do not say reliably where a key is. Empty if the file cannot be read.
   */
  private Map<String, Integer> lines() {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        JsonStreamContext ctx = p.getParsingContext();
        JsonStreamContext at = t.isStructStart() ? ctx.getParent() : ctx;
        if (at != null && (t == JsonToken.FIELD_NAME || at.inArray())) {
          lines.putIfAbsent(at.pathAsPointer().toString(), p.currentTokenLocation().getLineNr());
        }
      }
    } catch (IOException e) {
      // parse() reads the same bytes and reports the problem; only line numbers are lost here.
    }
    return lines;
  }

  private static CommandRule toRule(EntryModel e, String where) {
    try {
      List<ArgSpec> positional = positional(e.positional());
      return new CommandRule(
          required(e.name(), "name"),
          executable(required(e.path(), "path")),
          strings(e.args(), "args"),
          e.maxArgs() == null ? positional.size() : e.maxArgs(),
          patterns(strings(e.argPatterns(), "arg_patterns")),
          e.timeout() == null ? DefaultCommands.TIMEOUT : duration(e.timeout()),
          maxOutput(e.maxOutput()),
          Set.copyOf(nonBlank(strings(e.users(), "users"), "users")),
          Set.copyOf(nonBlank(strings(e.roles(), "roles"), "roles")),
          directory(e.workdir() == null ? "/" : e.workdir()),
          Boolean.TRUE.equals(e.allowDotDot()),
          positional,
          Boolean.TRUE.equals(e.endOfOptions()),
          pinned(e.sha256(), e.path()));
    } catch (IllegalArgumentException ex) {
      throw new WhitelistException(where + ": " + ex.getMessage(), ex);
    }
  }

  private static String required(String value, String key) {
    if (value == null) {
      throw new IllegalArgumentException("missing required key '" + key + "'");
    }
    return value;
  }

  private static List<String> strings(List<String> values, String key) {
    if (values == null) {
      return List.of();
    }
    if (values.contains(null)) {
      throw new IllegalArgumentException(key + " must not contain an empty (null) item");
    }
    return values;
  }

  private static List<String> nonBlank(List<String> values, String key) {
    if (values.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(key + " must not contain a blank item");
    }
    return values;
  }

  private static Path executable(String value) {
    Path path = absolute(value, "path");
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("path '" + value + "' is not an existing regular file");
    }
    if (!Files.isExecutable(path)) {
      throw new IllegalArgumentException("path '" + value + "' is not executable");
    }
    return path;
  }

  /** Checks a pin against the executable as it is now, so a stale pin fails the load. */
  private static @Nullable String pinned(@Nullable String sha256, String path) {
    if (sha256 == null) {
      return null;
    }
    String want = sha256.strip();
    if (!want.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "sha256 "
              + Values.show(sha256)
              + " must be 64 lower-case hex digits (as sha256sum prints)");
    }
    String have = ExecutablePin.sha256(Path.of(path));
    if (!want.equals(have)) {
      throw new IllegalArgumentException(
          "sha256 of '"
              + path
              + "' is "
              + have
              + ", not the pinned "
              + Values.show(want)
              + "; check the binary, then update the pin");
    }
    return want;
  }

  private static Path directory(String value) {
    Path path = absolute(value, "workdir");
    if (!Files.isDirectory(path)) {
      throw new IllegalArgumentException("workdir '" + value + "' is not an existing directory");
    }
    return path;
  }

  private static Path absolute(String value, String key) {
    try {
      Path path = Path.of(value);
      if (!path.isAbsolute()) {
        throw new IllegalArgumentException(key + " '" + value + "' must be absolute");
      }
      return path;
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(key + " " + Values.show(value) + " is not a valid path");
    }
  }

  private static List<ArgSpec> positional(List<PositionalModel> specs) {
    if (specs == null) {
      return List.of();
    }
    List<ArgSpec> out = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      PositionalModel m = specs.get(i);
      if (m == null || m.pattern() == null) {
        throw new IllegalArgumentException("positional item " + (i + 1) + " needs a 'pattern'");
      }
      Pattern p = compile(m.pattern(), "positional item " + (i + 1) + ", pattern");
      out.add(new ArgSpec(p, Boolean.TRUE.equals(m.path())));
    }
    return out;
  }

  private static Pattern compile(String regex, String key) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          String.format(
              "%s %s is not a valid regex: %s", key, Values.show(regex), e.getDescription()));
    }
  }

  private static List<Pattern> patterns(List<String> regexes) {
    List<Pattern> patterns = new ArrayList<>();
    for (int i = 0; i < regexes.size(); i++) {
      try {
        patterns.add(Pattern.compile(regexes.get(i)));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            String.format(
                "arg_patterns item %d %s is not a valid regex: %s",
                i + 1, Values.show(regexes.get(i)), e.getDescription()));
      }
    }
    return patterns;
  }

  /** Parses {@code 500ms}, {@code 10s}, {@code 2m} or {@code 1h}. */
  static Duration duration(String value) {
    Matcher m = DURATION.matcher(value.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "timeout "
              + Values.show(value)
              + " must be a positive number with a unit ms, s, m or h, like 500ms, 10s or 2m");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private static int maxOutput(Long value) {
    if (value == null) {
      return DefaultCommands.MAX_OUTPUT;
    }
    if (value < 0 || value > CommandRule.MAX_OUTPUT_LIMIT) {
      throw new IllegalArgumentException(
          String.format(
              "max_output must be between 0 and %d, was %d", CommandRule.MAX_OUTPUT_LIMIT, value));
    }
    return value.intValue();
  }
}
