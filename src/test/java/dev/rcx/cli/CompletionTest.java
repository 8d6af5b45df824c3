package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated completion script is valid bash and completes rcx's subcommands and options. */
class CompletionTest {
  @TempDir Path dir;

  private String complete(Path script, String... words) throws Exception {
    String line = String.join(" ", words);
    String driver =
        "source "
            + script
            + "\nCOMP_WORDS=("
            + line
            + ")\nCOMP_CWORD="
            + (words.length - 1)
            + "\nCOMP_LINE='"
            + line
            + "'\nCOMP_POINT=${#COMP_LINE}\n_complete_rcx\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
    Process p = new ProcessBuilder("bash", "-c", driver).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void completion_bashScript_completesSubcommandsAndOptions() throws Exception {
    Cli.Result r = Cli.run("completion");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("complete -F _complete_rcx");
    Path script = dir.resolve("rcx-completion.bash");
    Files.writeString(script, r.out());
    Process syntax = new ProcessBuilder("bash", "-n", script.toString()).start();
    assertThat(syntax.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(syntax.exitValue()).isZero();

    assertThat(complete(script, "rcx", "lo")).contains("login").contains("logout");
    assertThat(complete(script, "rcx", "exec", "--host"))
        .contains("--hosts")
        .contains("--hosts-file");
  }
}
