package dev.rcx.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The built-in whitelist: read-only commands with narrow flags, open to every user. */
final class DefaultCommands {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultCommands.class);

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final int MAX_OUTPUT = 1024 * 1024;

  // Path words may not start with '-' (and only patterns starting with '-' admit dashed words);
  // '..' is refused by the whitelist itself.
  private static final String ABSOLUTE_PATH = "/[A-Za-z0-9._/-]*";
  private static final String PATH = "[A-Za-z0-9._/][A-Za-z0-9._/-]*";
  private static final String PRINTABLE = "[\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Zs}]*";

  // A private table of literals, never compared or changed.
  @SuppressWarnings("ArrayRecordComponent")
  private record Spec(String name, int maxArgs, boolean allowDotDot, String... patterns) {}

  // Deliberately absent: flags that read files (date -f/-r), set state (date -s, hostname NAME) or
  // loop (free -s/-c).
  private static final List<Spec> SPECS =
      List.of(
          // echo is the one default that takes dashed words as text (GNU echo knows only -n -e -E).
          new Spec("echo", 16, true, PRINTABLE, "-" + PRINTABLE),
          new Spec(
              "date",
              4,
              false,
              "-u",
              "-R",
              "-I(date|hours|minutes|seconds|ns)?",
              "\\+[A-Za-z0-9%:._, /-]{0,64}"),
          new Spec("uptime", 1, false, "-[ps]"),
          new Spec("hostname", 0, false),
          new Spec("whoami", 0, false),
          new Spec("id", 4, false, "-[ugGnr]+", "[a-z_][a-z0-9_.-]{0,31}"),
          new Spec("uname", 2, false, "-[asnrvmpio]+"),
          new Spec("df", 8, false, "-[hHiTlPk]+", ABSOLUTE_PATH),
          new Spec("free", 2, false, "-[bkmghtw]+"),
          new Spec("ls", 8, false, "-[lahtrRSd1F]+", PATH));

  private DefaultCommands() {}

  /** The default rules whose executable exists in one of {@code dirs} (searched in order). */
  static List<CommandRule> rules(List<Path> dirs) {
    List<CommandRule> rules = new ArrayList<>();
    for (Spec spec : SPECS) {
      Optional<Path> exe = locate(spec.name(), dirs);
      if (exe.isEmpty()) {
        LOG.warn("default command '{}' left out: no executable in {}", spec.name(), dirs);
        continue;
      }
      rules.add(
          new CommandRule(
              spec.name(),
              exe.get(),
              List.of(),
              spec.maxArgs(),
              Stream.of(spec.patterns()).map(Pattern::compile).toList(),
              TIMEOUT,
              MAX_OUTPUT,
              Set.of(CommandRule.EVERY_USER),
              Set.of(),
              Path.of("/"),
              spec.allowDotDot()));
    }
    return rules;
  }

  private static Optional<Path> locate(String name, List<Path> dirs) {
    return dirs.stream()
        .map(dir -> dir.resolve(name))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }
}
