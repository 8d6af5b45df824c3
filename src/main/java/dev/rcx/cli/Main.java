package dev.rcx.cli;

import dev.rcx.server.BuildInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
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
        "Secure remote command execution: TLS, whitelisted commands, tamper-evident audit log.",
    subcommands = {
      ServerCommand.class,
      DemoCommand.class,
      ExecCommand.class,
      ShellCommand.class,
      LoginCommand.class,
      LogoutCommand.class,
      StatusCommand.class,
      CompletionCommand.class,
      UserCommand.class,
      AuditCommand.class,
      PolicyCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  @CommandLine.Spec CommandSpec spec;

  public static void main(String[] args) {
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
    cl.getSubcommands().get("exec").setStopAtPositional(true);
    cl.getSubcommands().get("policy").getSubcommands().get("check").setStopAtPositional(true);
    return cl.execute(args);
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
