package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {
  @Test
  void restartNeeded_onlyCommandsChanged_empty() {
    ServerConfig a = ServerConfig.defaults();
    assertThat(ConfigDiff.restartNeeded(a, a.withCommandsFile(Path.of("/etc/rcx/c.yaml"))))
        .isEmpty();
  }

  @Test
  void restartNeeded_nestedAndTopLevelKeys_namedAsInTheConfigFile() {
    ServerConfig a = ServerConfig.defaults();
    ServerConfig b =
        a.withPort(9000)
            .withSessions(
                new ServerConfig.Sessions(Duration.ofMinutes(1), Duration.ofHours(8), true, 10_000))
            .withTls(a.tls().withEnabled(false));
    assertThat(ConfigDiff.restartNeeded(a, b))
        .containsExactly(
            "port", "tls.enabled", "sessions.idle_timeout", "sessions.bind_to_address");
  }
}
