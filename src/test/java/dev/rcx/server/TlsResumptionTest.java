package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS 1.3 session resumption over real sockets: a reconnect from the same client context resumes
 * (no certificate sent or verified again), a new context does a full handshake, and a ticket never
 * lets a client skip the identity check of a different server at the same address.
 */
@Timeout(60)
class TlsResumptionTest {
  @TempDir Path dir;

  private static RcxClient connect(int port, SSLContext context, ClientTrust trust)
      throws IOException {
    return RcxClient.connect(
        new RcxClient.Endpoint(
            "127.0.0.1",
            port,
            context,
            ClientTls.parameters(trust, false),
            Duration.ofSeconds(10),
            Duration.ofSeconds(20)));
  }

  /** Connects, exchanges one request (which delivers the server's session ticket) and closes. */
  private static boolean roundTrip(int port, SSLContext context, ClientTrust trust)
      throws IOException {
    try (RcxClient c = connect(port, context, trust)) {
      assertThat(c.ping()).isInstanceOf(Response.Pong.class);
      return c.resumed();
    }
  }

  @Test
  void reconnect_sameContext_resumesAndWorks() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      server.addUser("alice", "alice-password-1");
      ClientTrust trust = new ClientTrust.PinnedFingerprint(server.fingerprint());
      SSLContext context = ClientTls.context(trust);

      assertThat(roundTrip(server.port(), context, trust)).as("first connection").isFalse();
      assertThat(roundTrip(server.port(), context, trust)).as("second connection").isTrue();
      try (RcxClient c = connect(server.port(), context, trust)) {
        assertThat(c.resumed()).isTrue();
        assertThat(c.login("alice", "alice-password-1".toCharArray()))
            .isInstanceOf(Response.AuthResponse.Success.class);
        assertThat(c.exec("echo resumed")).isInstanceOf(Response.CommandOutput.class);
      }
    }
  }

  @Test
  void reconnect_newContext_fullHandshake() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      ClientTrust trust = new ClientTrust.PinnedFingerprint(server.fingerprint());

      assertThat(roundTrip(server.port(), ClientTls.context(trust), trust)).isFalse();
      assertThat(roundTrip(server.port(), ClientTls.context(trust), trust)).isFalse();
    }
  }

  @Test
  void reconnect_otherServerAtSameAddress_noResumptionAndItsIdentityIsChecked() throws Exception {
    int port;
    String fingerprintA;
    ClientTrust trustA;
    SSLContext context;
    try (TestServer a = TestServer.start(dir.resolve("a"))) {
      port = a.port();
      fingerprintA = a.fingerprint();
      trustA = new ClientTrust.PinnedFingerprint(fingerprintA);
      context = ClientTls.context(trustA);
      roundTrip(port, context, trustA);
      assertThat(roundTrip(port, context, trustA)).as("A resumes").isTrue();
    }
    // B has its own certificate and its own ticket keys: A's ticket cannot be used with it, so the
    // client does a full handshake and its pin to A refuses B.
    try (TestServer b = TestServer.start(dir.resolve("b"), c -> c.withPort(port))) {
      assertThat(b.fingerprint()).isNotEqualTo(fingerprintA);
      assertThatThrownBy(() -> roundTrip(port, context, trustA))
          .isInstanceOf(SSLHandshakeException.class);
      ClientTrust trustB = new ClientTrust.PinnedFingerprint(b.fingerprint());
      assertThat(roundTrip(port, ClientTls.context(trustB), trustB)).isFalse();
    }
  }
}
