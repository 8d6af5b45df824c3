package dev.rcx.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutual TLS over real loopback connections. With TLS 1.3 a client the server refuses still
 * completes its side of the handshake; the refusal surfaces on its first read, so every test sends
 * a line and reads the reply.
 */
@Timeout(20)
class MutualTlsTest {
  private static TestPki.Issued clientCa;
  private static KeyMaterial serverIdentity;
  private static ClientTrust trustServer;

  @BeforeAll
  static void pki() {
    clientCa = TestPki.ca("Client CA");
    serverIdentity = TestPki.selfSignedServer(TestPki.ec(), "rcx", "localhost").material();
    trustServer = new ClientTrust.PinnedFingerprint(serverIdentity.fingerprint());
  }

  @Test
  void required_clientWithoutCertificate_failsOnceDataFlows() throws Exception {
    try (LoopbackServer server = serve(ClientAuth.REQUIRED, List.of(clientCa.certificate()))) {
      // The client's handshake usually "succeeds"; the server's certificate_required alert then
      // surfaces on the read, or as a broken pipe on the write if the server closed first.
      assertThatThrownBy(() -> exchange(ClientTls.context(trustServer), server))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void required_clientCertificateFromTrustedCa_connectsAsItsCommonName() throws Exception {
    KeyMaterial alice = TestPki.client(clientCa, "alice").material();
    try (LoopbackServer server = serve(ClientAuth.REQUIRED, List.of(clientCa.certificate()))) {
      assertThat(exchange(ClientTls.context(trustServer, alice), server))
          .isEqualTo("echo:hello user=alice");
    }
  }

  @Test
  void required_clientCertificateFromUntrustedCa_fails() throws Exception {
    KeyMaterial mallory = TestPki.client(TestPki.ca("Other CA"), "mallory").material();
    try (LoopbackServer server = serve(ClientAuth.REQUIRED, List.of(clientCa.certificate()))) {
      assertThatThrownBy(() -> exchange(ClientTls.context(trustServer, mallory), server))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void required_noClientCasConfigured_refusesEvenCertifiedClients() throws Exception {
    KeyMaterial alice = TestPki.client(clientCa, "alice").material();
    try (LoopbackServer server = serve(ClientAuth.REQUIRED, List.of())) {
      assertThatThrownBy(() -> exchange(ClientTls.context(trustServer, alice), server))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void optional_clientWithoutCertificate_connectsWithoutUsername() throws Exception {
    try (LoopbackServer server = serve(ClientAuth.OPTIONAL, List.of(clientCa.certificate()))) {
      assertThat(exchange(ClientTls.context(trustServer), server)).isEqualTo("echo:hello user=-");
    }
  }

  @Test
  void optional_clientWithCertificate_connectsWithUsername() throws Exception {
    KeyMaterial bob = TestPki.client(clientCa, "bob").material();
    try (LoopbackServer server = serve(ClientAuth.OPTIONAL, List.of(clientCa.certificate()))) {
      assertThat(exchange(ClientTls.context(trustServer, bob), server))
          .isEqualTo("echo:hello user=bob");
    }
  }

  @Test
  void none_clientWithCertificate_isNotAskedForIt() throws Exception {
    KeyMaterial bob = TestPki.client(clientCa, "bob").material();
    try (LoopbackServer server = serve(ClientAuth.NONE, List.of(clientCa.certificate()))) {
      assertThat(exchange(ClientTls.context(trustServer, bob), server))
          .isEqualTo("echo:hello user=-");
    }
  }

  @Test
  void username_commonName_isTheName() {
    assertThat(
            ClientCertificates.username(
                TestPki.withSubject("CN=Alice Smith,O=Example,C=DE", "a@example.com")))
        .contains("Alice Smith");
  }

  @Test
  void username_noCommonName_isTheFirstEmail() {
    assertThat(
            ClientCertificates.username(
                TestPki.withSubject("O=Example", "carol@example.com", "c2@example.com")))
        .contains("carol@example.com");
  }

  @Test
  void username_ambiguousOrUnusable_isEmpty() {
    assertThat(ClientCertificates.username(TestPki.withSubject("CN=a,CN=b"))).isEmpty();
    assertThat(ClientCertificates.username(TestPki.withSubject("O=Example"))).isEmpty();
    assertThat(ClientCertificates.username(TestPki.withSubject("CN=evil\u0007name"))).isEmpty();
    assertThat(
            ClientCertificates.username(
                TestPki.withSubject("O=Example", "x".repeat(251) + "@e.com")))
        .isEmpty();
  }

  private static LoopbackServer serve(
      ClientAuth clientAuth, List<java.security.cert.X509Certificate> clientCas)
      throws IOException {
    return new LoopbackServer(
        ServerTls.context(serverIdentity, clientCas),
        ServerTls.parameters(new TlsPolicy(false, clientAuth)));
  }

  private static String exchange(SSLContext client, LoopbackServer server) throws IOException {
    return LoopbackServer.exchange(
            client,
            ClientTls.parameters(trustServer, /* allowTls12= */ false),
            "localhost",
            server.port(),
            "hello")
        .line();
  }
}
