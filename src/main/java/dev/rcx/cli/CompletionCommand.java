package dev.rcx.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code rcx completion}: prints the bash completion script picocli generates from rcx's own
 * command model (every subcommand and option); zsh uses it through {@code bashcompinit}.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a bash/zsh completion script for rcx.",
      "  bash: source <(rcx completion)     (or save it in /etc/bash_completion.d/rcx)",
      "  zsh:  autoload -U +X compinit && compinit; autoload -U +X bashcompinit && bashcompinit;",
      "        source <(rcx completion)"
    })
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash("rcx", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
