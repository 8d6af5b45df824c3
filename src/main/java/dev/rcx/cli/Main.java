package dev.rcx.cli;

import dev.rcx.server.BuildInfo;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Entry point of the rcx command line: {@code run(args, out, err)} returns the exit code; see
 * {@link ExitCodes}.
 */
@Command(
    name = "rcx",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Secure remote command execution: TLS, whitelisted commands, tamper-evident audit log.")
public final class Main implements Callable<Integer> {
  /**
   * The subcommands in the order the help lists them. Picocli reads a command's annotations by
   * reflection when it is added, which cost more than half of a one-shot {@code rcx exec}'s CPU for
   * the whole tree; so only the one named by the first argument is added when that is all the run
   * needs (see {@link #subcommandsFor}).
   */
  static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  @CommandLine.Spec CommandSpec spec;

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> m = new LinkedHashMap<>();
    m.put("server", ServerCommand::new);
    m.put("demo", DemoCommand::new);
    m.put("exec", ExecCommand::new);
    m.put("shell", ShellCommand::new);
    m.put("login", LoginCommand::new);
    m.put("logout", LogoutCommand::new);
    m.put("status", StatusCommand::new);
    m.put("completion", CompletionCommand::new);
    m.put("user", UserCommand::new);
    m.put("audit", AuditCommand::new);
    m.put("policy", PolicyCommand::new);
    m.put("bench", BenchCommand::new);
    m.put("help", CommandLine.HelpCommand::new);
    return Collections.unmodifiableMap(m);
  }

  public static void main(String[] args) {
    ClientPrewarm.startFor(args);
    // Byte-capable writers: a remote command's output is passed through exactly, not re-encoded.
    int code =
        run(
            args,
            new BytePrintWriter(System.out, System.out.charset()),
            new BytePrintWriter(System.err, System.err.charset()));
    System.exit(code);
  }

  /** Runs rcx with {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    for (String name : subcommandsFor(args)) {
      cl.addSubcommand(name, Objects.requireNonNull(SUBCOMMANDS.get(name), name).get());
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(e -> ExitCodes.FAILED);
    // A usage error is one line and a hint, not the whole help (as GNU tools and git do).
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          err.println("Error: " + primaryName(ex));
          err.println(hint(ex.getCommandLine()));
          return ExitCodes.USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          err.println("Error: " + Errors.describe(ex));
          int code = ex instanceof CliException c ? c.exitCode() : ExitCodes.FAILED;
          if (code == ExitCodes.USAGE) {
            err.println(hint(commandLine));
          }
          return code;
        });
    // Everything after the remote command name belongs to the remote command, options included.
    // (Only when this run has them: see subcommandsFor.)
    if (cl.getSubcommands().containsKey("exec")) {
      subcommand(cl, "exec").setStopAtPositional(true);
    }
    if (cl.getSubcommands().containsKey("policy")) {
      subcommand(subcommand(cl, "policy"), "check").setStopAtPositional(true);
    }
    return cl.execute(args);
  }

  /**
   * The subcommands a run of {@code args} needs: none for the version alone, only the one named
   * first, or all of them when none is named first (rcx's own options, a usage error, a typo for
   * which picocli suggests the nearest names) or the one named reads the whole tree ({@code help},
   * {@code completion}). Parsing, help and errors are the same either way: a subcommand never sees
   * its siblings.
   */
  static List<String> subcommandsFor(String[] args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return List.of();
    }
    if (args.length > 0
        && SUBCOMMANDS.containsKey(args[0])
        && !args[0].equals("help")
        && !args[0].equals("completion")) {
      return List.of(args[0]);
    }
    return List.copyOf(SUBCOMMANDS.keySet());
  }

  @Override
  public Integer call() {
    return missingSubcommand(spec);
  }

  /**
   * The exception's message with an option called by its first name (the one the help shows, e.g.
   * --timeout) rather than picocli's choice of the longest alias (--command-timeout).
   */
  private static String primaryName(CommandLine.ParameterException ex) {
    String message = String.valueOf(ex.getMessage());
    if (ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o && o.names().length > 1) {
      return message.replace("'" + o.longestName() + "'", "'" + o.names()[0] + "'");
    }
    return message;
  }

  /** A subcommand registered above. */
  private static CommandLine subcommand(CommandLine parent, String name) {
    CommandLine sub = parent.getSubcommands().get(name);
    if (sub == null) {
      throw new IllegalStateException(
          "no subcommand '" + name + "' under " + parent.getCommandName());
    }
    return sub;
  }

  /** "Try 'rcx exec --help' for more." */
  static String hint(CommandLine cl) {
    return "Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more.";
  }

  /**
   * A command that needs a subcommand and got none: the usage line and the choices on stderr, exit
   * 254 (a usage error, so a script that forgot the command fails).
   */
  static int missingSubcommand(CommandSpec spec) {
    CommandLine cl = spec.commandLine();
    PrintWriter err = cl.getErr();
    err.print("Usage: " + cl.getHelp().synopsis(0));
    err.println(
        "Error: missing command; one of: "
            + String.join(", ", cl.getSubcommands().keySet())
            + ". "
            + hint(cl));
    return ExitCodes.USAGE;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      BuildInfo b = BuildInfo.current();
      return new String[] {
        "rcx " + b.version() + " (commit " + b.commit() + ", Java " + Runtime.version() + ")"
      };
    }
  }
}
