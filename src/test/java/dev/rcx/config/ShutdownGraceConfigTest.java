package dev.rcx.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownGraceConfigTest {
  @TempDir Path dir;

  @Test
  void load_noShutdownGrace_defaultsToTenSeconds() throws Exception {
    Path file = Files.writeString(dir.resolve("rcx.yaml"), "limits:\n  idle_timeout: 1m\n");
    assertThat(ConfigLoader.load(file).limits().shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void load_shutdownGrace_isRead() throws Exception {
    Path file = Files.writeString(dir.resolve("rcx.yaml"), "limits:\n  shutdown_grace: 1500ms\n");
    assertThat(ConfigLoader.load(file).limits().shutdownGrace()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void load_zeroShutdownGrace_meansKillAtOnce() throws Exception {
    Path file = Files.writeString(dir.resolve("rcx.yaml"), "limits:\n  shutdown_grace: 0s\n");
    assertThat(ConfigLoader.load(file).limits().shutdownGrace()).isZero();
  }

  @Test
  void limits_negativeShutdownGrace_namesTheKey() {
    assertThatThrownBy(
            () -> ServerConfig.Limits.defaults().withShutdownGrace(Duration.ofSeconds(-1)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.shutdown_grace");
  }

  @Test
  void load_badShutdownGrace_namesTheKey() throws Exception {
    Path file = Files.writeString(dir.resolve("rcx.yaml"), "limits:\n  shutdown_grace: soon\n");
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.shutdown_grace");
  }
}
