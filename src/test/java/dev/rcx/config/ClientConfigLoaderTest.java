package dev.rcx.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigLoaderTest {
  @TempDir Path dir;

  private ClientConfig load(String yaml) throws Exception {
    Path f = dir.resolve("config.yaml");
    Files.writeString(f, yaml);
    return ClientConfigLoader.load(f);
  }

  @Test
  void load_hostsAndGroups_resolvedInOrderWithDefaultsForMissingKeys() throws Exception {
    ClientConfig c =
        load(
            """
            hosts:
              web1: {host: 10.0.0.1, port: 7444, user: alice, fingerprint: "AB:CD"}
              web2:
            groups:
              web: [web2, web1]
            """);
    assertThat(c.resolve("web"))
        .extracting(ClientConfig.HostEntry::name)
        .containsExactly("web2", "web1");
    ClientConfig.HostEntry web2 = c.resolve("web2").getFirst();
    assertThat(web2.host()).isEqualTo("web2");
    assertThat(web2.port()).isNull();
    assertThat(web2.user()).isNull();
    assertThat(c.host("web1").port()).isEqualTo(7444);
  }

  @Test
  void load_missingFile_isEmpty() {
    assertThat(ClientConfigLoader.load(dir.resolve("nope.yaml"))).isEqualTo(ClientConfig.EMPTY);
  }

  @Test
  void load_unknownKey_errorNamesFileAndKey() {
    assertThatThrownBy(() -> load("hosts:\n  web1: {hots: x}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("config.yaml")
        .hasMessageContaining("hosts.web1.hots: unknown setting");
  }

  @Test
  void load_groupNamingUnknownHost_refused() {
    assertThatThrownBy(() -> load("hosts:\n  a: {}\ngroups:\n  g: [a, b]\n"))
        .hasMessageContaining("groups.g: member \"b\" is not a host");
  }

  @Test
  void load_badPortAndBadName_refused() {
    assertThatThrownBy(() -> load("hosts:\n  a: {port: 70000}\n"))
        .hasMessageContaining("port must be between 1 and 65535");
    assertThatThrownBy(() -> load("hosts:\n  'a b': {}\n")).hasMessageContaining("hosts.a b:");
    assertThatThrownBy(() -> load("hosts:\n  a: {}\ngroups:\n  a: [a]\n"))
        .hasMessageContaining("ambiguous");
  }

  @Test
  void errors_giveTheLine_andDuplicateKeysAreRefused() throws Exception {
    assertThatThrownBy(() -> load("hosts:\n  web1:\n    host: a\n    hots: b\n"))
        .hasMessageContaining("config.yaml:4: hosts.web1.hots: unknown setting");
    assertThatThrownBy(() -> load("hosts:\n  web1: {}\n  web1: {}\n"))
        .hasMessageContaining("config.yaml:3: hosts.web1: duplicate key (first at line 2)");
  }
}
