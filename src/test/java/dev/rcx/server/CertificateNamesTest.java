package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rcx.client.RcxClient;
import dev.rcx.config.ServerConfig;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import dev.rcx.tls.ServerIdentity;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated certificate names what clients type: {@code tls.names}, the bound address and the
 * host's name, so {@code --cacert server.crt} verifies with a real host name; a reused certificate
 * that lacks a configured name is reported, and {@code --regenerate-cert} replaces it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CertificateNamesTest {
  @TempDir Path dir;

  private static RcxClient.Endpoint verifying(Path serverCrt, int port) throws Exception {
    ClientTrust trust = new ClientTrust.TrustCertificates(serverCrt);
    return RcxClient.Endpoint.tls(
        "127.0.0.1", port, ClientTls.context(trust), ClientTls.parameters(trust, false));
  }

  private static List<String> sans(Path crt) throws Exception {
    try (InputStream in = Files.newInputStream(crt)) {
      X509Certificate c =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      List<String> names = new ArrayList<>();
      for (List<?> san : c.getSubjectAlternativeNames()) {
        names.add(String.valueOf(san.get(1)));
      }
      return names;
    }
  }

  @Test
  void cacert_nameFromTlsNames_verifiesWhileOtherNamesFail() throws Exception {
    try (TestServer s =
        TestServer.start(
            dir, c -> c.withTls(c.tls().withNames(List.of("rcx.test.example", "IP:10.1.2.3"))))) {
      Path crt = s.dataDir().resolve(ServerIdentity.CERT_FILE);
      assertThat(sans(crt)).contains("localhost", "127.0.0.1", "rcx.test.example", "10.1.2.3");
      try (RcxClient c =
          RcxClient.connect(verifying(crt, s.port()).withServerName("rcx.test.example"))) {
        assertThat(c.ping()).isInstanceOf(Response.Pong.class);
      }
      assertThatThrownBy(
              () ->
                  RcxClient.connect(verifying(crt, s.port()).withServerName("other.example"))
                      .close())
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void generated_namesTheHostAndItsBoundAddress_cacertByHostNameWorks() throws Exception {
    InetAddress local = InetAddress.getLocalHost();
    String host = local.getHostName();
    assumeTrue(ServerIdentity.isValidName(host), "host name " + host + " fits a certificate");
    boolean isLocal = local.isLoopbackAddress() || NetworkInterface.getByInetAddress(local) != null;
    assumeTrue(isLocal, host + " resolves to an address of this machine");
    String address = local.getHostAddress();
    try (TestServer s = TestServer.start(dir, c -> c.withBind(address))) {
      Path crt = s.dataDir().resolve(ServerIdentity.CERT_FILE);
      assertThat(sans(crt)).contains(host.toLowerCase(java.util.Locale.ROOT), address);
      ClientTrust trust = new ClientTrust.TrustCertificates(crt);
      // Connect by the host name itself, as an operator would: no override.
      try (RcxClient c =
          RcxClient.connect(
              RcxClient.Endpoint.tls(
                  host, s.port(), ClientTls.context(trust), ClientTls.parameters(trust, false)))) {
        assertThat(c.ping()).isInstanceOf(Response.Pong.class);
      }
    }
  }

  @Test
  void reusedCertificate_lackingANewName_reportedThenRegenerated() throws Exception {
    Path data = dir.resolve("data");
    ServerConfig plain = ServerConfig.defaults().withPort(0);
    String first;
    try (RcxServer s = RcxServer.builder(plain, data).start()) {
      first = s.fingerprint();
      assertThat(s.certificateMissingNames()).isEmpty();
    }
    ServerConfig named = plain.withTls(plain.tls().withNames(List.of("added.example")));
    try (RcxServer s = RcxServer.builder(named, data).start()) {
      assertThat(s.fingerprint()).as("reused, not silently replaced").isEqualTo(first);
      assertThat(s.certificateMissingNames()).containsExactly("added.example");
    }
    try (RcxServer s = RcxServer.builder(named, data).regenerateCertificate().start()) {
      assertThat(s.fingerprint()).isNotEqualTo(first);
      assertThat(s.certificateMissingNames()).isEmpty();
      assertThat(sans(data.resolve(ServerIdentity.CERT_FILE))).contains("added.example");
    }
  }
}
