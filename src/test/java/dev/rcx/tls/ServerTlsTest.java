package dev.rcx.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Protocol and cipher policy, checked over real TLS connections on loopback. */
@Timeout(20)
class ServerTlsTest {
  private static KeyMaterial ecIdentity;

  @TempDir Path dir;

  @BeforeAll
  static void identity() {
    ecIdentity = TestPki.selfSignedServer(TestPki.ec(), "rcx", "localhost", "127.0.0.1").material();
  }

  @Test
  void parameters_default_areTls13ModernOnly() {
    SSLParameters parameters = ServerTls.parameters(TlsPolicy.DEFAULT);

    assertThat(parameters.getProtocols()).containsExactly("TLSv1.3");
    assertThat(parameters.getCipherSuites())
        .containsExactly(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    assertThat(parameters.getNamedGroups()).containsExactly("x25519", "secp256r1", "secp384r1");
    assertThat(parameters.getUseCipherSuitesOrder()).isTrue();
    assertThat(parameters.getNeedClientAuth()).isFalse();
    assertThat(parameters.getWantClientAuth()).isFalse();
  }

  @Test
  void parameters_allowTls12_addsOnlyEcdheAead() {
    SSLParameters parameters = ServerTls.parameters(new TlsPolicy(true, ClientAuth.NONE));

    assertThat(parameters.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(parameters.getCipherSuites())
        .filteredOn(suite -> !suite.startsWith("TLS_AES_") && !suite.startsWith("TLS_CHACHA20"))
        .isNotEmpty()
        .allMatch(
            suite ->
                suite.startsWith("TLS_ECDHE_ECDSA_WITH_")
                    || suite.startsWith("TLS_ECDHE_RSA_WITH_"))
        .allMatch(suite -> suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_"));
  }

  @Test
  void parameters_clientAuth_mapsToNeedOrWant() {
    assertThat(ServerTls.parameters(new TlsPolicy(false, ClientAuth.REQUIRED)).getNeedClientAuth())
        .isTrue();
    SSLParameters optional = ServerTls.parameters(new TlsPolicy(false, ClientAuth.OPTIONAL));
    assertThat(optional.getWantClientAuth()).isTrue();
    assertThat(optional.getNeedClientAuth()).isFalse();
  }

  @Test
  void connect_defaultPolicies_negotiateTls13() throws Exception {
    try (LoopbackServer server = server(ecIdentity, TlsPolicy.DEFAULT)) {
      LoopbackServer.Reply reply = pinnedExchange(server, defaultClient());

      assertThat(reply.line()).isEqualTo("echo:hello user=-");
      assertThat(reply.protocol()).isEqualTo("TLSv1.3");
      assertThat(reply.cipherSuite()).isIn(Suites.TLS13_SUITES);
    }
  }

  @Test
  void connect_operatorKeysOfEachAlgorithm_negotiateTls13() throws Exception {
    for (KeyMaterial identity :
        List.of(
            TestPki.selfSignedServer(TestPki.ed25519(), "ed", "localhost").material(),
            TestPki.selfSignedServer(TestPki.rsa(), "rsa", "localhost").material())) {
      ClientTrust trust = new ClientTrust.PinnedFingerprint(identity.fingerprint());
      try (LoopbackServer server = server(identity, TlsPolicy.DEFAULT)) {
        LoopbackServer.Reply reply =
            LoopbackServer.exchange(
                ClientTls.context(trust),
                ClientTls.parameters(trust, false),
                "localhost",
                server.port(),
                "hi");

        assertThat(reply.protocol()).as(identity.key().getAlgorithm()).isEqualTo("TLSv1.3");
      }
    }
  }

  @Test
  void rcxServerParameters_tls13_offerOnlyX25519_whichAnRcxServerAccepts() throws Exception {
    SSLParameters tls13 = ClientTls.rcxServerParameters(pinned(), /* allowTls12= */ false);
    SSLParameters tls12 = ClientTls.rcxServerParameters(pinned(), /* allowTls12= */ true);
    tls12.setProtocols(new String[] {"TLSv1.2"});

    assertThat(tls13.getNamedGroups()).containsExactly("x25519");
    // TLS 1.2 needs the NIST curves listed for the server's ECDSA certificate.
    assertThat(tls12.getNamedGroups()).containsExactly("x25519", "secp256r1", "secp384r1");
    assertThat(tls13.getProtocols()).containsExactly("TLSv1.3");
    assertThat(tls13.getCipherSuites()).containsExactlyElementsOf(Suites.TLS13_SUITES);
    try (LoopbackServer server = server(ecIdentity, TlsPolicy.DEFAULT)) {
      assertThat(pinnedExchange(server, tls13).protocol()).isEqualTo("TLSv1.3");
    }
    try (LoopbackServer server = server(ecIdentity, new TlsPolicy(true, ClientAuth.NONE))) {
      assertThat(pinnedExchange(server, tls12).protocol()).isEqualTo("TLSv1.2");
    }
  }

  @Test
  void connect_tls12OnlyClient_isRefusedByDefault() throws Exception {
    try (LoopbackServer server = server(ecIdentity, TlsPolicy.DEFAULT)) {
      assertThatThrownBy(
              () -> pinnedExchange(server, tls12Client("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("protocol_version");
    }
  }

  @Test
  void connect_tls12OnlyClient_isAcceptedWhenAllowedWithEcdheAead() throws Exception {
    try (LoopbackServer server = server(ecIdentity, new TlsPolicy(true, ClientAuth.NONE))) {
      SSLParameters tls12Only = ClientTls.parameters(pinned(), /* allowTls12= */ true);
      tls12Only.setProtocols(new String[] {"TLSv1.2"});

      LoopbackServer.Reply reply = pinnedExchange(server, tls12Only);

      assertThat(reply.protocol()).isEqualTo("TLSv1.2");
      assertThat(reply.cipherSuite()).isIn(Suites.TLS12_SUITES).startsWith("TLS_ECDHE_ECDSA_WITH_");
    }
  }

  @Test
  void connect_clientOfferingOnlyCbc_isRefusedEvenWithTls12() throws Exception {
    SSLParameters cbcOnly = tls12Client("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
    // Control: the JDK's defaults accept this client, so only the policy can refuse it below.
    try (LoopbackServer permissive =
        new LoopbackServer(ServerTls.context(ecIdentity, List.of()), null)) {
      assertThat(pinnedExchange(permissive, cbcOnly).cipherSuite())
          .isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
    }

    try (LoopbackServer server = server(ecIdentity, new TlsPolicy(true, ClientAuth.NONE))) {
      assertThatThrownBy(() -> pinnedExchange(server, cbcOnly))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("handshake_failure");
    }
  }

  @Test
  void connect_clientOfferingOnlyNonEcdhe_isRefusedEvenWithTls12() throws Exception {
    KeyMaterial rsaIdentity =
        TestPki.selfSignedServer(TestPki.rsa(), "rcx-rsa", "localhost").material();
    SSLParameters dheOnly = tls12Client("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
    // The client's own default groups, which include the ffdhe ones DHE needs.
    dheOnly.setNamedGroups(null);
    SSLContext client =
        ClientTls.context(new ClientTrust.PinnedFingerprint(rsaIdentity.fingerprint()));
    try (LoopbackServer permissive =
        new LoopbackServer(ServerTls.context(rsaIdentity, List.of()), null)) {
      assertThat(
              LoopbackServer.exchange(client, dheOnly, "localhost", permissive.port(), "hi")
                  .cipherSuite())
          .isEqualTo("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
    }

    try (LoopbackServer server = server(rsaIdentity, new TlsPolicy(true, ClientAuth.NONE))) {
      assertThatThrownBy(
              () -> LoopbackServer.exchange(client, dheOnly, "localhost", server.port(), "hi"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("handshake_failure");
      // The same server does talk TLS 1.2 to a client offering ECDHE-RSA with AES-GCM.
      assertThat(
              LoopbackServer.exchange(
                      client,
                      tls12Client("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
                      "localhost",
                      server.port(),
                      "hi")
                  .cipherSuite())
          .isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    }
  }

  private static LoopbackServer server(KeyMaterial identity, TlsPolicy policy) throws IOException {
    return new LoopbackServer(ServerTls.context(identity, List.of()), ServerTls.parameters(policy));
  }

  private static ClientTrust pinned() {
    return new ClientTrust.PinnedFingerprint(ecIdentity.fingerprint());
  }

  private static SSLParameters defaultClient() {
    return ClientTls.parameters(pinned(), /* allowTls12= */ false);
  }

  private static SSLParameters tls12Client(String suite) {
    SSLParameters parameters = ClientTls.parameters(pinned(), /* allowTls12= */ true);
    parameters.setProtocols(new String[] {"TLSv1.2"});
    parameters.setCipherSuites(new String[] {suite});
    return parameters;
  }

  private static LoopbackServer.Reply pinnedExchange(
      LoopbackServer server, SSLParameters parameters) throws IOException {
    return LoopbackServer.exchange(
        ClientTls.context(pinned()), parameters, "localhost", server.port(), "hello");
  }
}
