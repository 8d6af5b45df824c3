package dev.rcx.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tls.names} in rcx.yaml: extra names for the generated certificate. */
class TlsNamesConfigTest {
  @TempDir Path dir;

  private ServerConfig load(String yaml) throws Exception {
    Path f = dir.resolve("rcx.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f);
  }

  @Test
  void names_list_read() throws Exception {
    assertThat(load("tls:\n  names: [rcx.example.org, 'IP:10.0.0.5']\n").tls().names())
        .containsExactly("rcx.example.org", "IP:10.0.0.5");
    assertThat(load("port: 7443\n").tls().names()).isEmpty();
  }

  @Test
  void names_notAList_errorNamesKey() {
    assertThatThrownBy(() -> load("tls:\n  names: rcx.example.org\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tls.names")
        .hasMessageContaining("list");
  }

  @Test
  void names_entryWithSpace_errorNamesEntryCountedFromOne() {
    assertThatThrownBy(() -> load("tls:\n  names: [ok.example, 'not ok']\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tls.names[2]");
  }
}
