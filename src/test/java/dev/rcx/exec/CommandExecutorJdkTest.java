package dev.rcx.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.spawn.Launcher;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CommandExecutorJdkTest extends CommandExecutorTest {
  @Override
  Launcher launcher() {
    return Launcher.jdk();
  }

  @Test
  void executor_default_namesItsLauncher() {
    assertThat(new CommandExecutor(1, Duration.ZERO).launcherName()).isIn("jdk", "native");
  }
}
