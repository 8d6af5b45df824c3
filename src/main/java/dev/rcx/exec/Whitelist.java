package dev.rcx.exec;

import dev.rcx.exec.Decision.Allowed;
import dev.rcx.exec.Decision.Denied;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The set of commands rcx may run, and the check that turns a caller's words into an argv or a
 * refusal.
 *
 * <p>A whitelist file is YAML with one top-level key, {@code commands}, a list of entries (see
 * {@code dev/rcx/exec/commands.example.yaml} on the class path for a commented sample):
 *
 * <pre>{@code
 * commands:
 *   - name: ls                  # required; the first word the caller types; [a-z0-9][a-z0-9._-]{0,63}, unique
 *     path: /usr/bin/ls         # required; absolute path of an existing executable file
 *     args: ["--color=never"]   # fixed leading arguments, always passed first; default none
 *     max_args: 4               # how many extra words a caller may add; default 0
 *     arg_patterns: ["-[lah]+"] # Java regexes; each extra word must match one of them as a whole
 *     timeout: 10s              # a positive number with unit ms, s, m or h; default 10s
 *     max_output: 1048576       # bytes kept per stream (stdout, stderr), 0..67108864; default 1048576
 *     users: [alice]            # user names that may run it; "*" means every authenticated user
 *     roles: [ops]              # roles that may run it; users and roles must not both be empty
 *     workdir: /                # absolute path of an existing directory; default /
 *     allow_dotdot: false       # whether an extra word may contain a ".." path segment; default false
 *     positional:               # specs for the first caller words, by position; default none
 *       - pattern: "[a-z0-9][a-z0-9@._-]{0,62}\\.service"
 *         path: false           # true: a path; ".." refused even with allow_dotdot
 *     end_of_options: false     # true: "--" is passed between args and the caller's words
 *     sha256: 0123...cdef       # optional pin: the executable's SHA-256 (64 hex digits), checked at
 *                               # load and before every run (see ExecutablePin)
 * }</pre>
 *
 * Unknown keys, duplicate keys and duplicate names are errors. Whatever the patterns say, a caller
 * word with a control character is always refused; one with a {@code ..} in any path-like part
 * (between {@code / \ = : ,}, so {@code --directory=../x} too) is refused unless {@code
 * allow_dotdot} is set and the word is not a {@code path} position; and one that starts with {@code
 * -} is admitted only by a pattern that itself starts with {@code -}, so a pattern written for
 * names or paths never lets an option through. Caller word {@code i} is checked against {@code
 * positional[i]} if there is one, else against {@code arg_patterns}; {@code max_args} defaults to
 * the number of positional specs.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class Whitelist {
  private final Map<String, CommandRule> rules;
  private final @Nullable Path source;
  private final Map<String, Integer> lines;
  private final String hash;

  private Whitelist(
      Map<String, CommandRule> rules, @Nullable Path source, Map<String, Integer> lines) {
    this.rules = rules;
    this.source = source;
    this.lines = lines;
    this.hash = PolicyHash.of(rules.values());
  }

  /**
   * A whitelist of the given rules, in order.
   *
   * @throws IllegalArgumentException if two rules share a name
   */
  public static Whitelist of(Collection<CommandRule> rules) {
    return new Whitelist(byName(rules), null, Map.of());
  }

  private static Map<String, CommandRule> byName(Collection<CommandRule> rules) {
    Map<String, CommandRule> byName = new LinkedHashMap<>();
    for (CommandRule rule : rules) {
      if (byName.putIfAbsent(rule.name(), rule) != null) {
        throw new IllegalArgumentException("duplicate command name '" + rule.name() + "'");
      }
    }
    return byName;
  }

  /**
   * Loads and validates a whitelist file (format in the class description).
   *
   * @throws WhitelistException naming the file, the entry and the problem
   */
  public static Whitelist load(Path file) {
    WhitelistLoader.Loaded loaded = new WhitelistLoader(file).load();
    Map<String, Integer> lines = new LinkedHashMap<>();
    for (int i = 0; i < loaded.rules().size(); i++) {
      lines.put(loaded.rules().get(i).name(), loaded.lines().get(i));
    }
    return new Whitelist(byName(loaded.rules()), file, Map.copyOf(lines));
  }

  /**
   * Harmless read-only commands every user may run: echo, date, uptime, hostname, whoami, id,
   * uname, df, free and ls, each with a narrow set of flags. Commands missing from /usr/bin and
   * /bin are left out (and logged).
   */
  public static Whitelist defaults() {
    return of(DefaultCommands.rules(List.of(Path.of("/usr/bin"), Path.of("/bin"))));
  }

  /**
   * The policy's identity: {@code sha256:} and the hex SHA-256 of a canonical rendering of every
   * rule in order (name, path, fixed args, limits, patterns, users, roles, workdir, pin). Comments
   * and formatting do not change it; any change to what may run does. Audit records of commands
   * carry it, and {@code rcx policy check} prints it for a file.
   */
  public String hash() {
    return hash;
  }

  /** The file this whitelist was loaded from, if any (empty for the built-in one). */
  public Optional<Path> source() {
    return Optional.ofNullable(source);
  }

  /**
   * Where the rule {@code name} is written: {@code FILE:LINE}, or {@code built-in} for a whitelist
   * not loaded from a file.
   */
  public String location(String name) {
    Integer line = lines.get(name);
    if (source == null || line == null) {
      return "built-in";
    }
    return source + ":" + line;
  }

  /** All rules, in file order. */
  public List<CommandRule> rules() {
    return List.copyOf(rules.values());
  }

  /** The rule called {@code name}, if any. */
  public Optional<CommandRule> rule(String name) {
    return Optional.ofNullable(rules.get(name));
  }

  /**
   * Decides whether {@code user} with {@code roles} may run {@code words} (the command name, then
   * extra words).
   *
   * <p>An unknown command and a command this user may not run get the same message, so callers
   * cannot probe which commands exist.
   */
  public Decision check(String user, Set<String> roles, List<String> words) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(roles, "roles");
    if (words.isEmpty()) {
      return new Denied(DenialReason.COMMAND_NOT_ALLOWED, "empty command");
    }
    String name = words.get(0);
    CommandRule rule = rules.get(name);
    if (rule == null || !rule.permits(user, roles)) {
      return new Denied(
          DenialReason.COMMAND_NOT_ALLOWED,
          "command " + Values.show(name) + " is not allowed for user " + Values.show(user));
    }
    List<String> extra = words.subList(1, words.size());
    if (extra.size() > rule.maxArgs()) {
      return new Denied(
          DenialReason.ARGUMENT_NOT_ALLOWED,
          String.format(
              "command '%s' accepts at most %d arguments, got %d",
              name, rule.maxArgs(), extra.size()));
    }
    for (int i = 0; i < extra.size(); i++) {
      String problem = argumentProblem(rule, i, extra.get(i));
      if (problem != null) {
        return new Denied(
            DenialReason.ARGUMENT_NOT_ALLOWED,
            String.format(
                "command '%s' argument %d %s %s", name, i + 1, Values.show(extra.get(i)), problem));
      }
    }
    List<String> argv = new ArrayList<>(2 + rule.fixedArgs().size() + extra.size());
    argv.add(rule.executable().toString());
    argv.addAll(rule.fixedArgs());
    if (rule.endOfOptions()) {
      argv.add(END_OF_OPTIONS);
    }
    argv.addAll(extra);
    return new Allowed(rule, argv);
  }

  /** What {@code end_of_options} puts between the fixed arguments and the caller's words. */
  public static final String END_OF_OPTIONS = "--";

  /** Why caller word number {@code index} (from 0) may not be passed, or null if it may. */
  private static @Nullable String argumentProblem(CommandRule rule, int index, String word) {
    int control = Values.controlChar(word);
    if (control >= 0) {
      return String.format("contains control character U+%04X", (int) word.charAt(control));
    }
    boolean positional = index < rule.positional().size();
    boolean path = positional && rule.positional().get(index).path();
    if ((path || !rule.allowDotDot()) && hasDotDotPart(word)) {
      return "contains a '..' path segment";
    }
    List<Pattern> patterns =
        positional ? List.of(rule.positional().get(index).pattern()) : rule.argPatterns();
    boolean option = word.startsWith("-");
    for (Pattern pattern : patterns) {
      if ((!option || CommandRule.admitsOptions(pattern)) && pattern.matcher(word).matches()) {
        return null;
      }
    }
    if (option && patterns.stream().noneMatch(CommandRule::admitsOptions)) {
      return "starts with '-' like an option, and no pattern for this position admits options"
          + " (only a pattern that itself starts with '-' does)";
    }
    return "matches none of the allowed patterns "
        + (positional ? "[" + patterns.getFirst() + "] for argument " + (index + 1) : patterns);
  }

  /**
   * Whether any path-like part of {@code word} climbs up: a {@code ..} segment between any of
   * {@code / \ = : ,} (so {@code --directory=../x}, {@code PATH=/bin:..}, {@code a,../b} all
   * count), or a short option with {@code ..} attached ({@code -C..}).
   */
  static boolean hasDotDotPart(String word) {
    for (String part : PATH_SEPARATORS.split(word, -1)) {
      if (part.equals("..") || SHORT_OPTION_DOTDOT.matcher(part).matches()) {
        return true;
      }
    }
    return false;
  }

  private static final Pattern PATH_SEPARATORS = Pattern.compile("[/\\\\=:,]");
  private static final Pattern SHORT_OPTION_DOTDOT = Pattern.compile("-[A-Za-z0-9]+\\.\\.");

  @Override
  public String toString() {
    return "Whitelist" + rules.keySet();
  }
}
