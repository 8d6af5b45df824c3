package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.config.ClientConfig;
import dev.rcx.fanout.Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetTargetsTest {
  private final ClientConfig config =
      new ClientConfig(
          Map.of("web1", new ClientConfig.HostEntry("web1", "10.0.0.1", 7444, "bob", "AB")),
          Map.of());
  private final FleetTargets targets = new FleetTargets(config, 7443, "alice");

  @Test
  void parse_forms() {
    assertThat(targets.parse("h", "x")).isEqualTo(new Target("h:7443", "h", 7443, "alice", null));
    assertThat(targets.parse("h:9", "x").port()).isEqualTo(9);
    assertThat(targets.parse("[::1]:9", "x"))
        .isEqualTo(new Target("[::1]:9", "::1", 9, "alice", null));
    assertThat(targets.parse("fe80::1", "x").host()).isEqualTo("fe80::1");
    assertThat(targets.parse("web1", "x"))
        .isEqualTo(new Target("web1", "10.0.0.1", 7444, "bob", "AB"));
    assertThat(targets.parse("web1:1", "x").port()).isEqualTo(1);
  }

  @Test
  void parse_bad_usageErrorNamingOrigin() {
    for (String bad : List.of("", "a b", "h:", "h:99999", "h:x", "h;id")) {
      assertThatThrownBy(() -> targets.parse(bad, "--hosts"))
          .isInstanceOf(CliException.class)
          .hasMessageStartingWith("--hosts: ");
    }
  }

  @Test
  void resolve_duplicate_refused() {
    assertThatThrownBy(() -> targets.resolve(null, List.of("h:1", "H:1"), null))
        .hasMessageContaining("listed twice");
  }
}
