package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.client.RcxClient;
import dev.rcx.config.ConfigException;
import dev.rcx.config.ServerConfig;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plaintext exists for the TLS-vs-plaintext benchmark only: it works on loopback and is refused
 * anywhere else.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PlaintextTest {
  @TempDir Path dir;

  @Test
  void noTls_loopback_servesAndAuditsTlsFalse() throws Exception {
    try (TestServer s = TestServer.builder(dir).plaintext().start()) {
      assertThat(s.server().tls()).isFalse();
      assertThat(s.fingerprint()).isNull();
      s.addUser("alice", "pw");
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        assertThat(c.transport()).isEqualTo("plaintext");
        assertThat(((Response.CommandOutput) c.exec("echo plain")).output()).isEqualTo("plain\n");
      }
      try (Wire w = s.wire()) {
        assertThat(w.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
      }
      assertThat(s.auditEvents("server_started").getFirst().path("tls").asBoolean()).isFalse();
    }
  }

  @Test
  void noTls_anyAddress_refusedWithConfigException() {
    ServerConfig cfg = ServerConfig.defaults().withPort(0).withBind("0.0.0.0");
    ServerConfig plain = cfg.withTls(cfg.tls().withEnabled(false));
    Path data = dir.resolve("data");
    assertThatThrownBy(() -> RcxServer.builder(plain, data).start().close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("0.0.0.0")
        .hasMessageContaining("loopback");
    assertThat(Files.exists(data.resolve("audit.log")))
        .as("refused before anything is written")
        .isFalse();
  }

  @Test
  void noTls_ipv6AnyAddress_refused() {
    ServerConfig cfg = ServerConfig.defaults().withPort(0).withBind("::");
    ServerConfig plain = cfg.withTls(cfg.tls().withEnabled(false));
    assertThatThrownBy(() -> RcxServer.builder(plain, dir).start().close())
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void noTls_refusedBindLeavesPortFree() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    ServerConfig cfg = ServerConfig.defaults().withPort(port).withBind("0.0.0.0");
    ServerConfig plain = cfg.withTls(cfg.tls().withEnabled(false));
    assertThatThrownBy(() -> RcxServer.builder(plain, dir).start().close())
        .isInstanceOf(ConfigException.class);
    try (ServerSocket again = new ServerSocket(port)) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void tlsClient_againstPlaintextServer_failsCleanly() throws Exception {
    try (TestServer plain = TestServer.builder(dir.resolve("p")).plaintext().start();
        TestServer tls = TestServer.start(dir.resolve("t"))) {
      RcxClient.Endpoint e =
          new RcxClient.Endpoint(
              "127.0.0.1",
              plain.port(),
              tls.pinnedContext(),
              null,
              java.time.Duration.ofSeconds(15),
              java.time.Duration.ofSeconds(1));
      assertThatThrownBy(() -> RcxClient.connect(e)).isInstanceOf(java.io.IOException.class);
      plain.assertStillServes();
    }
  }
}
