package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * rcx builds only the subcommand a run names (picocli's reflection over the whole tree was most of
 * a one-shot exec's start), and nothing a user sees changes for it: names, help, the order of the
 * command list, typos, usage errors.
 */
class SubcommandTreeTest {
  @Test
  void subcommands_areNamedAsTheirOwnCommandAnnotations() {
    Main.SUBCOMMANDS.forEach(
        (name, command) ->
            assertThat(new CommandLine(command.get()).getCommandName()).isEqualTo(name));
  }

  @Test
  void subcommandsFor_namedOneAlone_wholeTreeOtherwise() {
    List<String> all = new ArrayList<>(Main.SUBCOMMANDS.keySet());

    assertThat(Main.subcommandsFor(new String[] {"exec", "--host", "h", "uptime"}))
        .containsExactly("exec");
    assertThat(Main.subcommandsFor(new String[] {"user", "add", "alice"})).containsExactly("user");
    assertThat(Main.subcommandsFor(new String[] {"--version"})).isEmpty();
    assertThat(Main.subcommandsFor(new String[] {})).isEqualTo(all);
    assertThat(Main.subcommandsFor(new String[] {"--help"})).isEqualTo(all);
    assertThat(Main.subcommandsFor(new String[] {"exce", "uptime"})).isEqualTo(all);
    assertThat(Main.subcommandsFor(new String[] {"help", "exec"})).isEqualTo(all);
    assertThat(Main.subcommandsFor(new String[] {"completion"})).isEqualTo(all);
  }

  @Test
  void everyHelpText_formatsWithoutAPicocliWarning() {
    // picocli formats descriptions with String.format: a bare '%' makes it print the raw text and a
    // warning on System.err.
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Main.SUBCOMMANDS.forEach((name, command) -> usageOfTree(new CommandLine(command.get())));
    } finally {
      System.setErr(saved);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
  }

  private static void usageOfTree(CommandLine cl) {
    assertThat(cl.getUsageMessage()).isNotBlank();
    cl.getSubcommands().values().forEach(SubcommandTreeTest::usageOfTree);
  }

  @Test
  void help_listsEverySubcommandInTheirOrder() {
    Cli.Result r = Cli.run("--help");

    assertThat(r.code()).isZero();
    List<String> listed =
        r.out()
            .lines()
            .dropWhile(l -> !l.startsWith("Commands:"))
            .map(String::strip)
            .map(l -> l.split("\\s+", -1)[0])
            .filter(Main.SUBCOMMANDS::containsKey)
            .toList();
    assertThat(listed).containsExactlyElementsOf(Main.SUBCOMMANDS.keySet());
  }

  @Test
  void subcommandHelp_alone_isWhatTheWholeTreeShows() {
    for (String name : List.of("exec", "login", "server", "user", "audit", "policy", "bench")) {
      Cli.Result alone = Cli.run(name, "--help");
      Cli.Result viaHelp = Cli.run("help", name);

      assertThat(alone.code()).as(name).isZero();
      assertThat(alone.out()).as(name).isEqualTo(viaHelp.out()).contains("Usage: rcx " + name);
    }
  }

  @Test
  void typoOfASubcommand_isAUsageErrorPointingAtRcxHelp() {
    Cli.Result r = Cli.run("exce", "uptime");

    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().lines())
        .containsExactly(
            "Error: Unmatched arguments from index 0: 'exce', 'uptime'",
            "Try 'rcx --help' for more.");
  }

  @Test
  void nestedSubcommand_usageError_namesItsQualifiedName() {
    Cli.Result r = Cli.run("user", "add", "--bogus", "alice");

    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().lines())
        .containsExactly("Error: Unknown option: '--bogus'", "Try 'rcx user add --help' for more.");
  }
}
