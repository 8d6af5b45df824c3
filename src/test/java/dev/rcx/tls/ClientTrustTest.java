package dev.rcx.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The four ways a client trusts a server, over real TLS connections on loopback. */
@Timeout(20)
class ClientTrustTest {
  private static KeyMaterial serverA;
  private static KeyMaterial serverB;

  @TempDir Path dir;

  /** A recording prompt: answers as told and remembers what it was asked. */
  static final class RecordingPrompt implements HostPrompt {
    final List<String> asked = new ArrayList<>();
    private final boolean answer;

    RecordingPrompt(boolean answer) {
      this.answer = answer;
    }

    @Override
    public synchronized boolean accept(String hostPort, String fingerprint) {
      asked.add(hostPort + " " + fingerprint);
      return answer;
    }
  }

  @BeforeAll
  static void identities() {
    serverA = TestPki.selfSignedServer(TestPki.ec(), "server-a", "localhost").material();
    serverB = TestPki.selfSignedServer(TestPki.ec(), "server-b", "localhost").material();
  }

  @Test
  void pinned_rightFingerprintInAnyForm_connects() throws Exception {
    String lowerNoColons = serverA.fingerprint().replace(":", "").toLowerCase(Locale.ROOT);
    try (LoopbackServer server = serve(serverA)) {
      assertThat(
              exchange(new ClientTrust.PinnedFingerprint(lowerNoColons), "localhost", server)
                  .line())
          .isEqualTo("echo:hello user=-");
    }
  }

  @Test
  void pinned_wrongFingerprint_failsNamingBoth() throws Exception {
    try (LoopbackServer server = serve(serverB)) {
      assertThatThrownBy(
              () ->
                  exchange(
                      new ClientTrust.PinnedFingerprint(serverA.fingerprint()),
                      "localhost",
                      server))
          .isInstanceOf(SSLHandshakeException.class)
          .rootCause()
          .hasMessageContaining("does not match the pinned fingerprint " + serverA.fingerprint())
          .hasMessageContaining(serverB.fingerprint());
    }
  }

  @Test
  void knownHosts_firstContactAccepted_isStoredAndNotAskedAgain() throws Exception {
    Path file = dir.resolve("config/known_hosts");
    RecordingPrompt prompt = new RecordingPrompt(true);
    try (LoopbackServer server = serve(serverA)) {
      ClientTrust trust = new ClientTrust.KnownHosts(file, "localhost:" + server.port(), prompt);

      exchange(trust, "localhost", server);
      exchange(trust, "localhost", server);

      assertThat(prompt.asked)
          .containsExactly("localhost:" + server.port() + " " + serverA.fingerprint());
      assertThat(Files.readAllLines(file))
          .containsExactly(
              KnownHostsFile.HEADER.strip(),
              "localhost:" + server.port() + " " + serverA.fingerprint());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void knownHosts_promptSaysNo_refusesAndStoresNothing() throws Exception {
    Path file = dir.resolve("known_hosts");
    RecordingPrompt prompt = new RecordingPrompt(false);
    try (LoopbackServer server = serve(serverA)) {
      ClientTrust trust = new ClientTrust.KnownHosts(file, "localhost:" + server.port(), prompt);

      assertThatThrownBy(() -> exchange(trust, "localhost", server))
          .isInstanceOf(SSLHandshakeException.class)
          .rootCause()
          .hasMessageContaining("was not accepted");
      assertThat(prompt.asked).hasSize(1);
      assertThat(file).doesNotExist();
    }
  }

  @Test
  void knownHosts_changedCertificate_isRefusedLoudly() throws Exception {
    Path file = dir.resolve("known_hosts");
    try (LoopbackServer server = serve(serverB)) {
      String hostPort = "LocalHost:" + server.port();
      Files.writeString(
          file,
          "# my servers\nother:1 "
              + serverB.fingerprint()
              + "\nlocalhost:"
              + server.port()
              + " "
              + serverA.fingerprint().replace(":", "").toLowerCase(Locale.ROOT)
              + "\n");
      RecordingPrompt prompt = new RecordingPrompt(true);

      Throwable thrown =
          org.assertj.core.api.Assertions.catchThrowable(
              () ->
                  exchange(
                      new ClientTrust.KnownHosts(file, hostPort, prompt), "localhost", server));

      assertThat(thrown).isInstanceOf(SSLHandshakeException.class);
      ServerIdentityChangedException changed =
          ServerIdentityChangedException.findIn(thrown).orElseThrow();
      assertThat(changed.expected()).isEqualTo(serverA.fingerprint());
      assertThat(changed.actual()).isEqualTo(serverB.fingerprint());
      assertThat(changed.line()).isEqualTo(3);
      assertThat(changed.file()).isEqualTo(file);
      assertThat(changed.getMessage())
          .startsWith("REMOTE SERVER IDENTIFICATION HAS CHANGED for " + hostPort)
          .contains(
              "expected SHA-256 fingerprint "
                  + serverA.fingerprint()
                  + ", got "
                  + serverB.fingerprint())
          .contains("remove line 3 from " + file);
      assertThat(prompt.asked).isEmpty();
    }
  }

  @Test
  void knownHosts_otherHostsOnly_asksAndAppendsKeepingTheFile() throws Exception {
    Path file = dir.resolve("known_hosts");
    String existing = "# keep me\nother:1 " + serverB.fingerprint(); // no final newline
    Files.writeString(file, existing);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    RecordingPrompt prompt = new RecordingPrompt(true);
    try (LoopbackServer server = serve(serverA)) {
      exchange(
          new ClientTrust.KnownHosts(file, "127.0.0.1:" + server.port(), prompt),
          "127.0.0.1",
          server);

      assertThat(prompt.asked).hasSize(1);
      assertThat(Files.readString(file))
          .isEqualTo(
              existing + "\n127.0.0.1:" + server.port() + " " + serverA.fingerprint() + "\n");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-r--r--");
    }
  }

  @Test
  void knownHosts_malformedLine_failsClosedNamingTheLine() throws Exception {
    Path file =
        Files.writeString(dir.resolve("known_hosts"), "\n\nlocalhost:1 not-a-fingerprint\n");
    RecordingPrompt prompt = new RecordingPrompt(true);
    try (LoopbackServer server = serve(serverA)) {
      assertThatThrownBy(
              () -> exchange(new ClientTrust.KnownHosts(file, "x:1", prompt), "localhost", server))
          .isInstanceOf(SSLHandshakeException.class)
          .cause()
          .hasMessageContaining("known_hosts")
          .hasMessageContaining("line 3");
      assertThat(prompt.asked).isEmpty();
    }
  }

  @Test
  void knownHosts_badHostPort_isRejectedAtConstruction() {
    assertThatThrownBy(() -> new ClientTrust.KnownHosts(dir.resolve("k"), "a b:1", (h, f) -> true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a b:1'");
  }

  @Test
  void caFile_serverCertificateWithMatchingHostname_connects() throws Exception {
    TestPki.Issued ca = TestPki.ca("Test CA");
    KeyMaterial identity =
        TestPki.server(ca, "rcx", "localhost", "127.0.0.1").material(ca.certificate());
    ClientTrust trust =
        new ClientTrust.TrustCertificates(
            TestPki.writeCertificates(dir.resolve("ca.pem"), ca.certificate()));
    try (LoopbackServer server = serve(identity)) {
      assertThat(exchange(trust, "localhost", server).line()).isEqualTo("echo:hello user=-");
      assertThat(exchange(trust, "127.0.0.1", server).line()).isEqualTo("echo:hello user=-");
    }
  }

  @Test
  void caFile_certificateFromAnotherIssuer_fails() throws Exception {
    TestPki.Issued ca = TestPki.ca("Test CA");
    ClientTrust trust =
        new ClientTrust.TrustCertificates(
            TestPki.writeCertificates(dir.resolve("ca.pem"), ca.certificate()));
    try (LoopbackServer server = serve(serverA)) {
      assertThatThrownBy(() -> exchange(trust, "localhost", server))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("PKIX path");
    }
  }

  @Test
  void caFile_hostnameNotInCertificate_fails() throws Exception {
    TestPki.Issued ca = TestPki.ca("Test CA");
    KeyMaterial identity = TestPki.server(ca, "rcx", "rcx.example.com").material();
    ClientTrust trust =
        new ClientTrust.TrustCertificates(
            TestPki.writeCertificates(dir.resolve("ca.pem"), ca.certificate()));
    try (LoopbackServer server = serve(identity)) {
      assertThatThrownBy(() -> exchange(trust, "localhost", server))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("localhost");
    }
  }

  @Test
  void caFile_socketWithoutClientParameters_failsClosed() throws Exception {
    TestPki.Issued ca = TestPki.ca("Test CA");
    KeyMaterial identity = TestPki.server(ca, "rcx", "rcx.example.com").material();
    ClientTrust trust =
        new ClientTrust.TrustCertificates(
            TestPki.writeCertificates(dir.resolve("ca.pem"), ca.certificate()));
    try (LoopbackServer server = serve(identity)) {
      var noHostnameCheck =
          ClientTls.parameters(new ClientTrust.Insecure(), /* allowTls12= */ false);

      assertThatThrownBy(
              () ->
                  LoopbackServer.exchange(
                      ClientTls.context(trust), noHostnameCheck, "localhost", server.port(), "x"))
          .isInstanceOf(SSLHandshakeException.class)
          .rootCause()
          .hasMessageContaining("hostname verification is not enabled");
    }
  }

  @Test
  void caFile_generatedServerCrt_trustsTheSelfSignedServer() throws Exception {
    KeyMaterial generated = ServerIdentity.loadOrCreate(dir.resolve("server-data"));
    ClientTrust trust = new ClientTrust.TrustCertificates(dir.resolve("server-data/server.crt"));
    try (LoopbackServer server = serve(generated)) {
      assertThat(exchange(trust, "localhost", server).protocol()).isEqualTo("TLSv1.3");
      assertThat(exchange(trust, "127.0.0.1", server).protocol()).isEqualTo("TLSv1.3");
    }
  }

  @Test
  void caFile_missing_failsWhenBuildingTheContext() {
    assertThatThrownBy(
            () -> ClientTls.context(new ClientTrust.TrustCertificates(dir.resolve("nope.pem"))))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("nope.pem");
  }

  @Test
  void insecure_anyServer_connects() throws Exception {
    try (LoopbackServer server = serve(serverB)) {
      assertThat(exchange(new ClientTrust.Insecure(), "localhost", server).line())
          .isEqualTo("echo:hello user=-");
    }
  }

  @Test
  void parameters_hostnameCheck_onlyForCertificateTrust() {
    assertThat(
            ClientTls.parameters(new ClientTrust.TrustCertificates(dir), false)
                .getEndpointIdentificationAlgorithm())
        .isEqualTo("HTTPS");
    assertThat(
            ClientTls.parameters(new ClientTrust.PinnedFingerprint(serverA.fingerprint()), false)
                .getEndpointIdentificationAlgorithm())
        .isNull();
    var parameters = ClientTls.parameters(new ClientTrust.Insecure(), /* allowTls12= */ false);
    assertThat(parameters.getProtocols()).containsExactly("TLSv1.3");
    assertThat(parameters.getCipherSuites()).containsExactlyElementsOf(Suites.TLS13_SUITES);
  }

  private static LoopbackServer serve(KeyMaterial identity) throws IOException {
    return new LoopbackServer(
        ServerTls.context(identity, List.of()), ServerTls.parameters(TlsPolicy.DEFAULT));
  }

  private static LoopbackServer.Reply exchange(
      ClientTrust trust, String host, LoopbackServer server) throws IOException {
    return LoopbackServer.exchange(
        ClientTls.context(trust),
        ClientTls.parameters(trust, /* allowTls12= */ false),
        host,
        server.port(),
        "hello");
  }
}
