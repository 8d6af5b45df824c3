package dev.rcx.cli;

import dev.rcx.config.ConfigLoader;
import dev.rcx.config.ServerConfig;
import dev.rcx.exec.CommandRule;
import dev.rcx.exec.CommandSyntaxException;
import dev.rcx.exec.CommandWords;
import dev.rcx.exec.Decision;
import dev.rcx.exec.PolicyLint;
import dev.rcx.exec.Whitelist;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rcx policy}: dry-run and lint the whitelist, on the server host, without a server. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Check what a whitelist allows, and warn about risky entries.",
    subcommands = {PolicyCommand.Check.class, PolicyCommand.Lint.class})
final class PolicyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the whitelist comes from: a file, a server config naming one, or the built-in one. */
  static final class Source {
    @Option(names = "--commands", description = "Whitelist file (YAML).")
    @Nullable Path commands;

    @Option(
        names = "--config",
        description = "Server configuration file; its 'commands' whitelist is checked.")
    @Nullable Path config;
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Say whether USER may run COMMAND [ARGS...] and by which entry, without running anything.",
        "COMMAND is split into words as the server splits it (quotes honoured, never a shell);"
            + " ARGS are literal words, as with `rcx exec`.",
        "Without --commands or --config: the built-in whitelist.",
        "Exit status: 0 allowed, 251 denied, 1 the whitelist or config is invalid."
      })
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ArgGroup(exclusive = true)
    Source source = new Source();

    @Option(names = "--user", required = true, description = "The user asking.")
    @Nullable String user;

    @Option(
        names = "--roles",
        split = ",",
        description = "The user's roles, comma-separated (default: none).")
    List<String> roles = new ArrayList<>();

    @Parameters(index = "0", description = "Command name (or a whole command line to split).")
    String command;

    @Parameters(index = "1..*", description = "Extra words, passed literally.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Whitelist whitelist = load(source);
      List<String> words;
      try {
        words = new ArrayList<>(CommandWords.split(command));
      } catch (CommandSyntaxException e) {
        out.println("denied: " + e.getMessage());
        out.println("policy " + whitelist.hash());
        return ExitCodes.DENIED;
      }
      words.addAll(args);
      String asker = Objects.requireNonNull(user, "--user is required (picocli enforces it)");
      switch (whitelist.check(asker, Set.copyOf(roles), words)) {
        case Decision.Allowed a -> {
          CommandRule r = a.rule();
          out.println("allowed by entry '" + r.name() + "' (" + whitelist.location(r.name()) + ")");
          out.println(
              "  argv:    " + String.join(" ", a.argv().stream().map(Check::quote).toList()));
          out.println(
              "  limits:  timeout "
                  + r.timeout().toMillis()
                  + " ms, max_output "
                  + r.maxOutputBytes()
                  + " bytes, workdir "
                  + r.workdir()
                  + (r.sha256() == null ? "" : ", sha256 pinned"));
          out.println("policy " + whitelist.hash());
          return ExitCodes.OK;
        }
        case Decision.Denied d -> {
          out.println("denied (" + d.reason() + "): " + d.message());
          out.println("policy " + whitelist.hash());
          return ExitCodes.DENIED;
        }
      }
    }

    private static String quote(String word) {
      return word.matches("[A-Za-z0-9._/=:,@+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private static Whitelist load(Source s) {
      try {
        if (s.commands != null) {
          return Whitelist.load(s.commands.toAbsolutePath());
        }
        if (s.config != null) {
          ServerConfig c = ConfigLoader.load(s.config);
          return c.commandsFile() == null ? Whitelist.defaults() : Whitelist.load(c.commandsFile());
        }
        return Whitelist.defaults();
      } catch (RuntimeException e) {
        throw new CliException(ExitCodes.FAILED, Errors.message(e));
      }
    }
  }

  @Command(
      name = "lint",
      mixinStandardHelpOptions = true,
      description = {
        "Warn about valid but risky whitelist entries: executables (or their directories) not"
            + " owned by root or writable by others, interpreters and program runners (sh,"
            + " python, env, xargs...) as executables, scripts, patterns that admit options or"
            + " match everything, missing timeouts, allow_dotdot, '*' users with arguments.",
        "Exit status: 0 no warnings, 1 warnings (or the file is invalid)."
      })
  static final class Lint implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Whitelist file (YAML).")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<PolicyLint.Warning> warnings;
      try {
        warnings = PolicyLint.lint(file.toAbsolutePath());
      } catch (RuntimeException e) {
        throw new CliException(ExitCodes.FAILED, Errors.message(e));
      }
      for (PolicyLint.Warning w : warnings) {
        out.println(file + ":" + w.line() + ": warning: entry '" + w.entry() + "': " + w.message());
      }
      long entries = warnings.stream().map(PolicyLint.Warning::entry).distinct().count();
      out.println(
          warnings.isEmpty()
              ? file + ": no warnings"
              : file + ": " + warnings.size() + " warnings in " + entries + " entries");
      return warnings.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }
}
