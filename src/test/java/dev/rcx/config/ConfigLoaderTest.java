package dev.rcx.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("rcx.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private ServerConfig load(String yaml) throws Exception {
    return ConfigLoader.load(write(yaml));
  }

  @Test
  void emptyFile_defaults() throws Exception {
    assertThat(load("")).isEqualTo(ServerConfig.defaults());
    assertThat(load("# only a comment\n")).isEqualTo(ServerConfig.defaults());
    assertThat(load("{}")).isEqualTo(ServerConfig.defaults());
  }

  @Test
  void defaults_areSafe() {
    ServerConfig d = ServerConfig.defaults();
    assertThat(d.bind()).isEqualTo("127.0.0.1");
    assertThat(d.port()).isEqualTo(7443);
    assertThat(d.tls().enabled()).isTrue();
    assertThat(d.tls().allowTls12()).isFalse();
    assertThat(d.tls().clientAuth()).isEqualTo(ServerConfig.ClientAuth.NONE);
    assertThat(d.limits().maxLineBytes()).isEqualTo(64 * 1024);
    assertThat(d.limits().maxConnections()).isEqualTo(1024);
    assertThat(d.limits().handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.limits().lineTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.limits().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.sessions().idleTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(d.sessions().lifetime()).isEqualTo(Duration.ofHours(8));
    assertThat(d.sessions().bindToAddress()).isFalse();
    assertThat(d.commandsFile()).isNull();
    assertThat(d.audit().durability()).isEqualTo(ServerConfig.Durability.FLUSH);
  }

  @Test
  void everyKey_set_bound() throws Exception {
    Files.writeString(dir.resolve("ca.pem"), "");
    ServerConfig c =
        load(
            """
            bind: 0.0.0.0
            port: 9443
            tls:
              enabled: true
              allow_tls12: true
              certificate: certs/server.crt
              key: certs/server.key
              client_auth: Required
              client_ca: ca.pem
            limits:
              max_connections: 50
              max_line_bytes: 2048
              handshake_timeout: 3s
              idle_timeout: 2m
              line_timeout: 500ms
              max_concurrent_commands: 4
              command_queue_wait: 0s
            sessions:
              idle_timeout: 10m
              lifetime: 1d
              bind_to_address: true
              max_sessions: 12
            commands: commands.yaml
            audit:
              durability: fsync
              seal_epoch_records: 128
            """);
    assertThat(c.bind()).isEqualTo("0.0.0.0");
    assertThat(c.port()).isEqualTo(9443);
    Path base = dir.toAbsolutePath();
    assertThat(c.tls())
        .isEqualTo(
            new ServerConfig.Tls(
                true,
                true,
                base.resolve("certs/server.crt"),
                base.resolve("certs/server.key"),
                ServerConfig.ClientAuth.REQUIRED,
                base.resolve("ca.pem")));
    assertThat(c.limits())
        .isEqualTo(
            new ServerConfig.Limits(
                50,
                2048,
                Duration.ofSeconds(3),
                Duration.ofMinutes(2),
                Duration.ofMillis(500),
                4,
                Duration.ZERO));
    assertThat(c.sessions())
        .isEqualTo(new ServerConfig.Sessions(Duration.ofMinutes(10), Duration.ofDays(1), true, 12));
    assertThat(c.commandsFile()).isEqualTo(base.resolve("commands.yaml"));
    assertThat(c.audit()).isEqualTo(new ServerConfig.Audit(ServerConfig.Durability.FSYNC, 128));
  }

  @Test
  void partialSection_otherKeysKeepDefaults() throws Exception {
    ServerConfig c = load("limits:\n  line_timeout: 5s\n");
    assertThat(c.limits().lineTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.limits().maxLineBytes())
        .isEqualTo(ServerConfig.defaults().limits().maxLineBytes());
    assertThat(c.sessions()).isEqualTo(ServerConfig.defaults().sessions());
  }

  @Test
  void relativePaths_resolvedAgainstTheFilesDirectory() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("etc").resolve("rcx"));
    Path f = sub.resolve("server.yaml");
    Files.writeString(f, "commands: ../shared/./commands.yaml\n");
    ServerConfig c = ConfigLoader.load(f);
    assertThat(c.commandsFile())
        .isEqualTo(dir.toAbsolutePath().resolve("etc/shared/commands.yaml"));
    assertThat(c.commandsFile()).isAbsolute();
  }

  @Test
  void absolutePath_keptAsIs() throws Exception {
    assertThat(load("commands: /opt/rcx/commands.yaml\n").commandsFile())
        .isEqualTo(Path.of("/opt/rcx/commands.yaml"));
  }

  @Test
  void unknownKey_errorNamesKeyAndFile() throws Exception {
    Path f = write("prot: 1\n");
    assertThatThrownBy(() -> ConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("prot")
        .hasMessageContaining("unknown");
  }

  @Test
  void unknownNestedKey_errorNamesFullKey() {
    assertThatThrownBy(() -> load("limits:\n  max_conections: 3\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.max_conections");
    assertThatThrownBy(() -> load("tls:\n  cert: x\n")).hasMessageContaining("tls.cert");
  }

  @Test
  void badDuration_errorNamesKeyAndValue() {
    assertThatThrownBy(() -> load("limits:\n  line_timeout: 30 seconds\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.line_timeout")
        .hasMessageContaining("30 seconds");
    assertThatThrownBy(() -> load("sessions:\n  lifetime: 5\n"))
        .hasMessageContaining("sessions.lifetime");
    assertThatThrownBy(() -> load("sessions:\n  lifetime: -5m\n"))
        .hasMessageContaining("sessions.lifetime");
  }

  @Test
  void auditMaxFileBytes_loaded_zeroIsOff_belowTheMinimumRefused() throws Exception {
    assertThat(ServerConfig.defaults().audit().maxFileBytes()).isZero();
    assertThat(load("audit:\n  max_file_bytes: 10485760\n").audit().maxFileBytes())
        .isEqualTo(10_485_760L);
    assertThat(load("audit:\n  max_file_bytes: 0\n").audit().maxFileBytes()).isZero();
    assertThatThrownBy(() -> load("audit:\n  max_file_bytes: 100\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("audit.max_file_bytes")
        .hasMessageContaining("4096")
        .hasMessageContaining("100");
  }

  @Test
  void zeroDuration_refusedWhereItMustBePositive() {
    assertThatThrownBy(() -> load("limits:\n  idle_timeout: 0s\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.idle_timeout");
  }

  @Test
  void wrongTypes_errorsNameKeyAndValue() {
    assertThatThrownBy(() -> load("port: seven\n"))
        .hasMessageContaining("port")
        .hasMessageContaining("seven");
    assertThatThrownBy(() -> load("port: 70000\n"))
        .hasMessageContaining("port")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> load("tls:\n  enabled: yes please\n"))
        .hasMessageContaining("tls.enabled");
    assertThatThrownBy(() -> load("limits: 5\n")).hasMessageContaining("limits");
    assertThatThrownBy(() -> load("bind: [a, b]\n")).hasMessageContaining("bind");
    assertThatThrownBy(() -> load("limits:\n  max_line_bytes: 10\n"))
        .hasMessageContaining("limits.max_line_bytes")
        .hasMessageContaining("10");
    assertThatThrownBy(() -> load("tls:\n  client_auth: sometimes\n"))
        .hasMessageContaining("tls.client_auth")
        .hasMessageContaining("sometimes");
    assertThatThrownBy(() -> load("audit:\n  durability: never\n"))
        .hasMessageContaining("audit.durability");
  }

  @Test
  void inconsistentTls_refused() {
    assertThatThrownBy(() -> load("tls:\n  certificate: a.crt\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("key");
    assertThatThrownBy(() -> load("tls:\n  client_auth: required\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("client_ca");
  }

  @Test
  void missingFile_errorNamesIt() {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void notYaml_errorNamesFile() throws Exception {
    Path f = write("bind: [unclosed\n");
    assertThatThrownBy(() -> ConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(f.toString());
  }

  @Test
  void unknownKey_errorGivesFileLineAndKeyPath() throws Exception {
    Path f = write("port: 7443\nlimits:\n  idle_timeout: 5m\n  idle_timout: 3m\n");
    assertThatThrownBy(() -> ConfigLoader.load(f))
        .hasMessageStartingWith(f + ":4: limits.idle_timout: unknown setting");
  }

  @Test
  void badValue_errorGivesTheLineOfItsKey() throws Exception {
    Path f = write("# rcx\nsessions:\n\n  lifetime: forever\n");
    assertThatThrownBy(() -> ConfigLoader.load(f))
        .hasMessageStartingWith(f + ":4: sessions.lifetime: expected a duration");
    Path g = write("port: 70000\n");
    assertThatThrownBy(() -> ConfigLoader.load(g)).hasMessageStartingWith(g + ":1: port: ");
  }

  @Test
  void duplicateKey_refusedLikeInTheWhitelist() throws Exception {
    Path f = write("port: 1\nbind: 127.0.0.1\nport: 2\n");
    assertThatThrownBy(() -> ConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessage(f + ":3: port: duplicate key (first at line 1); each setting may appear once");
    Path g = write("limits:\n  idle_timeout: 1m\n  idle_timeout: 2m\n");
    assertThatThrownBy(() -> ConfigLoader.load(g))
        .hasMessageStartingWith(g + ":3: limits.idle_timeout: duplicate key (first at line 2)");
  }

  @Test
  void syntaxError_onePositionOnly() throws Exception {
    Path f = write("port: 7443\nlimits:\n  idle_timeout: [5m\n");
    assertThatThrownBy(() -> ConfigLoader.load(f))
        .hasMessage(
            f
                + ":3:17: not valid YAML: while parsing a flow sequence: expected ',' or ']', but"
                + " got <stream end>");
    Path g = write("port: 7443\n\tlimits: x\n");
    assertThatThrownBy(() -> ConfigLoader.load(g))
        .hasMessageStartingWith(g + ":2:1: not valid YAML: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("line", "column"));
  }

  @Test
  void relativeCommands_meansNextToTheConfigFile_notTheWorkingDirectory() throws Exception {
    Path etc = Files.createDirectories(dir.resolve("etc/rcx"));
    Path f = Files.writeString(etc.resolve("rcx.yaml"), "commands: commands.yaml\n");
    assertThat(ConfigLoader.load(f).commandsFile())
        .isEqualTo(etc.toAbsolutePath().resolve("commands.yaml"));
    assertThat(Path.of("").toAbsolutePath()).isNotEqualTo(etc.toAbsolutePath());
  }

  @Test
  void everyKey_isDocumentedInConfigurationMd_andNothingElse() throws Exception {
    String doc = Files.readString(Path.of("docs/CONFIGURATION.md"));
    java.util.Set<String> documented = new java.util.TreeSet<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^\\| `([a-z0-9_.]+)`(?: / `([a-z0-9_.]+)`)? \\|")
            .matcher(doc);
    while (m.find()) {
      documented.add(m.group(1));
      if (m.group(2) != null) {
        documented.add(m.group(2));
      }
    }
    assertThat(documented).containsExactlyInAnyOrderElementsOf(ConfigLoader.knownKeys());
  }

  @Test
  void durations_parseAndFormatRoundTrip() {
    for (String d : new String[] {"500ms", "30s", "15m", "8h", "1d", "0s"}) {
      assertThat(Durations.format(Durations.parse("k", d))).isEqualTo(d);
    }
    assertThat(Durations.parse("k", "90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThatThrownBy(() -> Durations.parse("k", "1w"))
        .hasMessageContaining("k")
        .hasMessageContaining("1w");
  }

  @Test
  void auditSyslog_keysRead_pathsRelativeToTheFile() throws Exception {
    ServerConfig c =
        load(
            """
            audit:
              syslog:
                address: logs.example.org:6514
                ca: tls/ca.pem
                cert: tls/rcx.pem
                key: tls/rcx.key
                max_backoff: 10s
            """);
    ServerConfig.Syslog s = c.audit().syslog();
    assertThat(s.enabled()).isTrue();
    assertThat(s.tls()).isTrue();
    assertThat(s.host()).isEqualTo("logs.example.org");
    assertThat(s.port()).isEqualTo(6514);
    assertThat(s.ca()).isEqualTo(dir.resolve("tls/ca.pem"));
    assertThat(s.cert()).isEqualTo(dir.resolve("tls/rcx.pem"));
    assertThat(s.key()).isEqualTo(dir.resolve("tls/rcx.key"));
    assertThat(s.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
    assertThat(
            load("audit:\n  syslog:\n    address: \"[::1]:514\"\n    tls: false\n")
                .audit()
                .syslog()
                .host())
        .isEqualTo("::1");
    assertThat(ServerConfig.defaults().audit().syslog().enabled()).isFalse();
  }

  @Test
  void auditSyslog_badValues_namedWithTheKey() {
    assertThatThrownBy(
            () -> load("audit:\n  syslog:\n    address: logs.example.org\n    ca: ca.pem\n"))
        .hasMessageContaining("rcx.yaml:3: audit.syslog.address: expected host:port");
    assertThatThrownBy(() -> load("audit:\n  syslog:\n    address: h:99999\n    ca: ca.pem\n"))
        .hasMessageContaining("audit.syslog.address: the port must be between 1 and 65535");
    assertThatThrownBy(() -> load("audit:\n  syslog:\n    address: 2001:db8::1:514\n    ca: c\n"))
        .hasMessageContaining("needs brackets");
    assertThatThrownBy(() -> load("audit:\n  syslog:\n    address: h:6514\n"))
        .hasMessageContaining("audit.syslog.ca: TLS to the collector h:6514 needs the CA file");
    assertThatThrownBy(() -> load("audit:\n  syslog:\n    adress: h:6514\n"))
        .hasMessageContaining("audit.syslog.adress: unknown setting");
    assertThatThrownBy(
            () -> load("audit:\n  syslog:\n    address: h:1\n    ca: c\n    cert: c.pem\n"))
        .hasMessageContaining("audit.syslog: 'cert' and 'key' must be given together");
  }
}
