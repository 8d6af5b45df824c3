package dev.rcx.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Warnings about whitelist entries that are valid but risky: what {@code rcx policy lint} prints. A
 * warning is not an error; the server loads such a file. Each check says why it matters.
 */
public final class PolicyLint {
  /**
   * One finding.
   *
   * @param line the line the entry starts on
   * @param entry the entry's name
   * @param message what is risky and what to do
   */
  public record Warning(int line, String entry, String message) {}

  /** Programs that run code given in their arguments, or run other programs. */
  private static final Pattern INTERPRETER =
      Pattern.compile(
          "(sh|bash|dash|zsh|ksh|mksh|csh|tcsh|fish|ash|busybox|env|python[0-9.]*|perl[0-9.]*"
              + "|ruby[0-9.]*|node|nodejs|php[0-9.]*|lua[0-9.]*|tclsh[0-9.]*|wish[0-9.]*|awk|gawk"
              + "|mawk|nawk|xargs|sudo|su|doas|nohup|timeout|nice|setsid|script|expect|find|vim?"
              + "|ssh|docker|kubectl|systemd-run)");

  /** Words that look like options; a pattern matching one lets callers pass options. */
  private static final List<String> OPTION_PROBES =
      List.of("-", "-x", "-rf", "--x", "--help", "--output=/tmp/x", "-o/tmp/x", "-e");

  /** Words no narrow pattern should accept all of. */
  private static final List<String> ANYTHING_PROBES =
      List.of("anything", "/etc/shadow", "a b c", "x;y|z", "$(id)", "-rf", "*", "", "../../x");

  private PolicyLint() {}

  /**
   * Loads {@code file} (throwing {@link WhitelistException} if invalid) and returns its warnings,
   * in file order.
   */
  public static List<Warning> lint(Path file) {
    WhitelistLoader.Loaded loaded = new WhitelistLoader(file).load();
    List<Warning> out = new ArrayList<>();
    for (int i = 0; i < loaded.rules().size(); i++) {
      CommandRule rule = loaded.rules().get(i);
      int line = loaded.lines().get(i);
      for (String message : check(rule, loaded.written().get(i))) {
        out.add(new Warning(line, rule.name(), message));
      }
    }
    return out;
  }

  private static List<String> check(CommandRule rule, WhitelistLoader.EntryModel written) {
    List<String> w = new ArrayList<>();
    ownership(rule.executable(), w);
    interpreter(rule.executable(), w);
    for (Pattern p : rule.argPatterns()) {
      patternRisks(p, w);
    }
    for (ArgSpec a : rule.positional()) {
      patternRisks(a.pattern(), w);
    }
    if (written.timeout() == null) {
      w.add(
          "no timeout: the default "
              + DefaultCommands.TIMEOUT.toSeconds()
              + "s applies; set 'timeout' to what the command needs");
    }
    if (rule.allowDotDot()) {
      w.add("allow_dotdot: true lets arguments climb out of directories with '..'");
    }
    if (rule.users().contains(CommandRule.EVERY_USER) && rule.maxArgs() > 0) {
      w.add("every user ('*') may run it with arguments; consider roles");
    }
    return w;
  }

  /** The executable and every directory above it must be root's and not writable by others. */
  private static void ownership(Path executable, List<String> w) {
    for (Path p = executable; p != null; p = p.getParent()) {
      PosixFileAttributes a;
      try {
        a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException | UnsupportedOperationException e) {
        w.add("cannot check the owner of " + p + ": " + e.getMessage());
        return;
      }
      if (a.isSymbolicLink()) {
        continue;
      }
      String what = p.equals(executable) ? "executable " + p : "directory " + p;
      Set<PosixFilePermission> perms = a.permissions();
      if (perms.contains(PosixFilePermission.OTHERS_WRITE) && !sticky(p)) {
        w.add(what + " is writable by every user: anyone can replace what runs; chmod o-w");
      } else if (perms.contains(PosixFilePermission.GROUP_WRITE)
          && !a.group().getName().equals("root")) {
        w.add(
            what
                + " is writable by group '"
                + a.group().getName()
                + "': its members can replace what runs; chmod g-w");
      }
      if (!a.owner().getName().equals("root")) {
        w.add(
            what
                + " is owned by '"
                + a.owner().getName()
                + "', not root: that user can replace what runs; chown root");
      }
    }
  }

  private static boolean sticky(Path dir) {
    try {
      Object mode = Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return mode instanceof Integer m && (m & 01000) != 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static void interpreter(Path executable, List<String> w) {
    List<String> names = new ArrayList<>();
    names.add(executable.getFileName().toString());
    try {
      names.add(executable.toRealPath().getFileName().toString());
    } catch (IOException e) {
      // The name as written is still checked.
    }
    for (String name : names) {
      if (INTERPRETER.matcher(name).matches()) {
        w.add(
            "executable "
                + executable
                + " ("
                + name
                + ") runs code or programs named in its arguments: whitelist the script or"
                + " program itself, not its interpreter");
        return;
      }
    }
    String shebang = shebang(executable);
    if (shebang != null) {
      w.add(
          "executable is a script run by '"
              + shebang
              + "': check that it treats its arguments as data (quote \"$1\", no eval)");
    }
  }

  private static @Nullable String shebang(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(128);
      String text = new String(head, StandardCharsets.ISO_8859_1);
      if (!text.startsWith("#!")) {
        return null;
      }
      int end = text.indexOf('\n');
      return text.substring(2, end < 0 ? text.length() : end).strip();
    } catch (IOException e) {
      return null;
    }
  }

  private static void patternRisks(Pattern p, List<String> w) {
    if (ANYTHING_PROBES.stream().allMatch(s -> p.matcher(s).matches())) {
      w.add(
          "arg_pattern '"
              + p.pattern()
              + "' matches everything (any path, spaces, shell syntax, options): narrow it");
      return;
    }
    // A caller word starting with '-' is accepted only by a pattern that itself starts with '-'
    // (CommandRule#admitsOptions); such a pattern lets callers choose options.
    if (CommandRule.admitsOptions(p)) {
      String example =
          OPTION_PROBES.stream().filter(s -> p.matcher(s).matches()).findFirst().orElse(null);
      w.add(
          "arg_pattern '"
              + p.pattern()
              + "' admits options"
              + (example == null ? "" : " (like '" + example + "')")
              + ": options change what a command does; make sure every option it admits is"
              + " harmless");
    }
  }
}
