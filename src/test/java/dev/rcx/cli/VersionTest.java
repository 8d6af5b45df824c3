package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code rcx --version} names the version and the git commit captured by the build. */
class VersionTest {
  @Test
  void version_showsVersionAndCommit() {
    Cli.Result r = Cli.run("--version");
    assertThat(r.code()).isEqualTo(0);
    assertThat(r.out()).matches("(?s)rcx \\S+ \\(commit \\S+, Java .*\\)\\s*");
    // Built from a git checkout (a clone or a worktree), the commit is a real abbreviated hash.
    if (Files.exists(Path.of(".git"))) {
      assertThat(r.out()).containsPattern("\\(commit (\\S+-g)?[0-9a-f]{12}(-dirty)?, Java ");
    }
  }
}
