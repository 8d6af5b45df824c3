package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --host} takes what ssh users type, and refuses the rest naming the forms it accepts. */
class HostSpecTest {
  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "server.example, -, server.example, -",
        "127.0.0.1:17444, -, 127.0.0.1, 17444",
        "alice@127.0.0.1, alice, 127.0.0.1, -",
        "alice@127.0.0.1:17444, alice, 127.0.0.1, 17444",
        "'[::1]:7443', -, ::1, 7443",
        "'[::1]', -, ::1, -",
        "::1, -, ::1, -",
        "fe80::1:2, -, fe80::1:2, -",
        "ops.team@server.example:22, ops.team, server.example, 22"
      })
  void parse_sshForms_splitIntoUserHostPort(String in, String user, String host, Integer port) {
    assertThat(HostSpec.parse(in)).isEqualTo(new HostSpec(user, host, port));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1:",
        "127.0.0.1:0",
        "127.0.0.1:65536",
        "host:abc",
        "@host",
        "alice@",
        "[::1",
        "[::1]x",
        "",
        "a b"
      })
  void parse_malformed_usageErrorNamingOptionAndForms(String in) {
    assertThatThrownBy(() -> HostSpec.parse(in))
        .isInstanceOfSatisfying(
            CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessageStartingWith("--host '" + in + "'")
        .hasMessageContaining("USER@HOST[:PORT]");
  }
}
