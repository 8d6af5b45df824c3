package dev.rcx.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One whitelisted command: what a caller may type, which executable runs, and the limits it runs
 * under.
 *
 * <p>Instances are normally built by {@link Whitelist#load} or {@link Whitelist#defaults}; tests
 * may build them directly. The constructor checks values that need no file system (the loader also
 * checks that the executable and the working directory exist).
 *
 * @param name what the caller types as the first word, matching {@value #NAME_PATTERN}
 * @param executable absolute path of the program that runs; never a shell lookup
 * @param fixedArgs arguments always passed first, before the caller's words
 * @param maxArgs how many extra words a caller may add
 * @param argPatterns each extra word must fully match at least one of these
 * @param timeout wall-clock limit after which the whole process tree is killed
 * @param maxOutputBytes bytes kept per stream (stdout, stderr); the rest is read and discarded
 * @param users user names allowed to run it; {@code "*"} means every authenticated user
 * @param roles roles allowed to run it; a user matching {@code users} or {@code roles} may run it
 * @param workdir absolute working directory
 * @param allowDotDot whether an extra word may contain a {@code ..} path segment
 * @param positional specs for the caller's first words, one per position; later words are checked
 *     against {@code argPatterns}
 * @param endOfOptions whether {@code --} is passed between the fixed arguments and the caller's
 *     words, so the program takes none of them as an option
 * @param sha256 lower-case hex SHA-256 the executable must have when it is run, or null for no pin
 */
public record CommandRule(
    String name,
    Path executable,
    List<String> fixedArgs,
    int maxArgs,
    List<Pattern> argPatterns,
    Duration timeout,
    int maxOutputBytes,
    Set<String> users,
    Set<String> roles,
    Path workdir,
    boolean allowDotDot,
    List<ArgSpec> positional,
    boolean endOfOptions,
    @Nullable String sha256) {

  /** Syntax of {@link #name}. */
  public static final String NAME_PATTERN = "[a-z0-9][a-z0-9._-]{0,63}";

  /** Largest {@link #maxOutputBytes}: output is held in memory, so it is bounded. */
  public static final int MAX_OUTPUT_LIMIT = 64 * 1024 * 1024;

  /** The {@link #users} entry that admits every authenticated user. */
  public static final String EVERY_USER = "*";

  private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** A rule whose executable is not pinned to a hash. */
  public CommandRule(
      String name,
      Path executable,
      List<String> fixedArgs,
      int maxArgs,
      List<Pattern> argPatterns,
      Duration timeout,
      int maxOutputBytes,
      Set<String> users,
      Set<String> roles,
      Path workdir,
      boolean allowDotDot,
      List<ArgSpec> positional,
      boolean endOfOptions) {
    this(
        name,
        executable,
        fixedArgs,
        maxArgs,
        argPatterns,
        timeout,
        maxOutputBytes,
        users,
        roles,
        workdir,
        allowDotDot,
        positional,
        endOfOptions,
        null);
  }

  /**
   * Validates and copies the arguments.
   *
   * @throws IllegalArgumentException naming the field (by its whitelist-file key) and the bad value
   */
  public CommandRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(executable, "path");
    fixedArgs = List.copyOf(fixedArgs);
    argPatterns = List.copyOf(argPatterns);
    positional = List.copyOf(positional);
    Objects.requireNonNull(timeout, "timeout");
    users = Set.copyOf(users);
    roles = Set.copyOf(roles);
    Objects.requireNonNull(workdir, "workdir");
    require(NAME.matcher(name).matches(), "name '%s' must match %s", name, NAME_PATTERN);
    require(executable.isAbsolute(), "path '%s' must be absolute", executable);
    require(workdir.isAbsolute(), "workdir '%s' must be absolute", workdir);
    require(maxArgs >= 0, "max_args must be >= 0, was %d", maxArgs);
    require(
        maxArgs <= positional.size() || !argPatterns.isEmpty(),
        "max_args is %d but arg_patterns is empty, so no argument beyond the %d positional ones could"
            + " ever be accepted",
        maxArgs,
        positional.size());
    require(
        positional.size() <= maxArgs,
        "positional lists %d words but max_args is %d",
        positional.size(),
        maxArgs);
    if (endOfOptions) {
      for (Pattern p : allPatterns(argPatterns, positional)) {
        require(
            !admitsOptions(p),
            "end_of_options puts the caller's words after '--', so the option pattern %s could"
                + " never act as an option; drop end_of_options or the pattern",
            Values.show(p.pattern()));
      }
    }
    require(timeout.isPositive(), "timeout must be positive, was %s", timeout);
    require(
        maxOutputBytes >= 0 && maxOutputBytes <= MAX_OUTPUT_LIMIT,
        "max_output must be between 0 and %d, was %d",
        MAX_OUTPUT_LIMIT,
        maxOutputBytes);
    require(
        !users.isEmpty() || !roles.isEmpty(),
        "users and roles are both empty, so nobody could run it");
    require(
        sha256 == null || SHA256.matcher(sha256).matches(),
        "sha256 %s must be 64 lower-case hex digits (as sha256sum prints)",
        sha256 == null ? "" : Values.show(sha256));
    for (String arg : fixedArgs) {
      require(
          Values.controlChar(arg) < 0,
          "args entry %s contains a control character",
          Values.show(arg));
    }
  }

  /** A rule without positional specs and without {@code --} before the caller's words. */
  public CommandRule(
      String name,
      Path executable,
      List<String> fixedArgs,
      int maxArgs,
      List<Pattern> argPatterns,
      Duration timeout,
      int maxOutputBytes,
      Set<String> users,
      Set<String> roles,
      Path workdir,
      boolean allowDotDot) {
    this(
        name,
        executable,
        fixedArgs,
        maxArgs,
        argPatterns,
        timeout,
        maxOutputBytes,
        users,
        roles,
        workdir,
        allowDotDot,
        List.of(),
        false,
        null);
  }

  /**
   * Whether {@code pattern} may admit a caller word that starts with {@code -}: only a pattern that
   * itself starts with {@code -} (after an optional {@code ^}, possibly escaped) does, so a pattern
   * written for names or paths never lets an option through.
   */
  public static boolean admitsOptions(Pattern pattern) {
    String p = pattern.pattern();
    if (p.startsWith("^")) {
      p = p.substring(1);
    }
    return p.startsWith("-") || p.startsWith("\\-");
  }

  private static List<Pattern> allPatterns(List<Pattern> argPatterns, List<ArgSpec> positional) {
    List<Pattern> all = new java.util.ArrayList<>(argPatterns);
    positional.forEach(a -> all.add(a.pattern()));
    return all;
  }

  /** Whether {@code user}, holding {@code userRoles}, may run this command. */
  public boolean permits(String user, Set<String> userRoles) {
    return users.contains(EVERY_USER)
        || users.contains(user)
        || userRoles.stream().anyMatch(roles::contains);
  }

  // Private, and every caller passes a literal format.
  @SuppressWarnings("AnnotateFormatMethod")
  private static void require(boolean ok, String format, Object... values) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(format, values));
    }
  }
}
