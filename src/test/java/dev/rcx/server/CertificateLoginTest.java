package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.cli.Main;
import dev.rcx.client.RcxClient;
import dev.rcx.config.ServerConfig;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import dev.rcx.tls.KeyMaterial;
import dev.rcx.tls.ServerIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS mapped to users, end to end: a client certificate issued by {@code tls.client_ca}
 * (made here with the openssl command line tool) names a user, who may then log in without a
 * password. The certificate vouches for its own user only; without one, password logins work as
 * before under {@code optional}, and {@code required} refuses the connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CertificateLoginTest {
  @TempDir static Path pki;
  @TempDir Path dir;

  private static Path caCert;
  private static Pem alice;
  private static Pem strangerAlice;

  /** A certificate and key in PEM files. */
  record Pem(Path cert, Path key) {
    KeyMaterial material() throws IOException {
      return ServerIdentity.loadPem(cert, key);
    }
  }

  @BeforeAll
  static void issueCertificates() throws Exception {
    caCert = selfSignedCa("ca");
    alice = issue("ca", "alice");
    selfSignedCa("other-ca");
    strangerAlice = issue("other-ca", "alice");
  }

  @Test
  void optional_certificateForAlice_logsInWithoutPasswordAndIsAudited() throws Exception {
    try (TestServer s = server(ServerConfig.ClientAuth.OPTIONAL);
        RcxClient c = client(s, alice)) {
      s.addUser("alice", "pw");
      assertThat(c.loginWithCertificate("alice")).isInstanceOf(Response.AuthResponse.Success.class);
      assertThat(c.exec("echo", List.of("hi")))
          .isInstanceOfSatisfying(
              Response.CommandOutput.class, o -> assertThat(o.output()).isEqualTo("hi\n"));
      assertThat(s.auditEvents("auth_succeeded"))
          .extracting(e -> e.path("user").asText() + " " + e.path("method").asText())
          .containsExactly("alice certificate");
    }
  }

  @Test
  void optional_certificateForAliceLoggingInAsBob_authFailedWithOrWithoutBobsPassword()
      throws Exception {
    try (TestServer s = server(ServerConfig.ClientAuth.OPTIONAL);
        RcxClient c = client(s, alice)) {
      s.addUser("alice", "pw").addUser("bob", "bobs-pw");
      assertThat(((Response.AuthResponse.Failure) c.loginWithCertificate("bob")).code())
          .isEqualTo(ErrorCode.AUTH_FAILED);
      assertThat(((Response.AuthResponse.Failure) c.login("bob", "bobs-pw".toCharArray())).code())
          .isEqualTo(ErrorCode.AUTH_FAILED);
      assertThat(s.auditEvents("auth_failed"))
          .extracting(e -> e.path("reason").asText())
          .allMatch(r -> r.startsWith("certificate_user_mismatch") && r.contains("alice"))
          .hasSize(2);
      assertThat(s.auditEvents("auth_succeeded")).isEmpty();
    }
  }

  @Test
  void optional_certificateAndPassword_bothMustBeRight() throws Exception {
    try (TestServer s = server(ServerConfig.ClientAuth.OPTIONAL);
        RcxClient c = client(s, alice)) {
      s.addUser("alice", "pw");
      assertThat(((Response.AuthResponse.Failure) c.login("alice", "wrong".toCharArray())).code())
          .isEqualTo(ErrorCode.AUTH_FAILED);
      assertThat(c.login("alice", "pw".toCharArray()))
          .isInstanceOf(Response.AuthResponse.Success.class);
      assertThat(s.auditEvents("auth_succeeded"))
          .extracting(e -> e.path("method").asText())
          .containsExactly("certificate+password");
    }
  }

  @Test
  void optional_certificateForUnknownUser_authFailed() throws Exception {
    try (TestServer s = server(ServerConfig.ClientAuth.OPTIONAL);
        RcxClient c = client(s, alice)) {
      s.addUser("bob", "bobs-pw");
      assertThat(((Response.AuthResponse.Failure) c.loginWithCertificate("alice")).code())
          .isEqualTo(ErrorCode.AUTH_FAILED);
    }
  }

  @Test
  void optional_noCertificate_passwordLoginWorksCertificateLoginRefused() throws Exception {
    try (TestServer s = server(ServerConfig.ClientAuth.OPTIONAL);
        RcxClient c = client(s, null)) {
      s.addUser("alice", "pw");
      assertThat(((Response.AuthResponse.Failure) c.loginWithCertificate("alice")).code())
          .isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(c.login("alice", "pw".toCharArray()))
          .isInstanceOf(Response.AuthResponse.Success.class);
      assertThat(s.auditEvents("auth_succeeded"))
          .extracting(e -> e.path("method").asText())
          .containsExactly("password");
    }
  }

  @Test
  void optional_certificateFromAnotherCa_countsAsNoCertificate() throws Exception {
    // The server names its client CAs in the handshake, so the client does not even offer a
    // certificate from another.
    try (TestServer s = server(ServerConfig.ClientAuth.OPTIONAL);
        RcxClient c = client(s, strangerAlice)) {
      s.addUser("alice", "pw");
      assertThat(((Response.AuthResponse.Failure) c.loginWithCertificate("alice")).code())
          .isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(s.auditEvents("auth_succeeded")).isEmpty();
    }
  }

  @Test
  void none_certificatePresented_isIgnoredSoCertificateLoginRefused() throws Exception {
    try (TestServer s = server(ServerConfig.ClientAuth.NONE);
        RcxClient c = client(s, alice)) {
      s.addUser("alice", "pw");
      assertThat(((Response.AuthResponse.Failure) c.loginWithCertificate("alice")).code())
          .isEqualTo(ErrorCode.INVALID_REQUEST);
    }
  }

  @Test
  void required_noCertificate_refusedOnceDataFlows() throws Exception {
    try (TestServer s = server(ServerConfig.ClientAuth.REQUIRED)) {
      s.addUser("alice", "pw");
      // TLS 1.3: the client's side of the handshake completes; the refusal arrives on the first
      // write or read.
      assertThatThrownBy(
              () -> {
                try (RcxClient c = client(s, null)) {
                  c.login("alice", "pw".toCharArray());
                }
              })
          .isInstanceOf(IOException.class);
      try (RcxClient c = client(s, alice)) {
        assertThat(c.loginWithCertificate("alice"))
            .isInstanceOf(Response.AuthResponse.Success.class);
      }
    }
  }

  @Test
  void cliExec_certAndKey_runsWithoutPassword() throws Exception {
    try (TestServer s = server(ServerConfig.ClientAuth.OPTIONAL)) {
      s.addUser("alice", "pw");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          Main.run(
              new String[] {
                "exec",
                "--port",
                Integer.toString(s.port()),
                "--fingerprint",
                s.fingerprint(),
                "--cert",
                alice.cert().toString(),
                "--key",
                alice.key().toString(),
                "-u",
                "alice",
                "echo",
                "via",
                "cli"
              },
              new PrintWriter(out, true),
              new PrintWriter(err, true));
      assertThat(code).as("exit code; stderr: %s", err).isZero();
      assertThat(out.toString()).isEqualTo("via cli\n");
    }
  }

  @Test
  void cliExec_certWithoutKey_usageError() throws Exception {
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new String[] {
              "exec", "--port", "1", "--cert", alice.cert().toString(), "-u", "alice", "id"
            },
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertThat(code).isEqualTo(254);
    assertThat(err.toString()).contains("--cert and --key");
  }

  private TestServer server(ServerConfig.ClientAuth clientAuth) {
    return TestServer.builder(dir)
        .config(
            c ->
                c.withTls(
                    new ServerConfig.Tls(
                        true,
                        false,
                        null,
                        null,
                        clientAuth,
                        clientAuth == ServerConfig.ClientAuth.NONE ? null : caCert)))
        .start();
  }

  private static RcxClient client(TestServer s, Pem identity) throws IOException {
    ClientTrust trust = new ClientTrust.PinnedFingerprint(s.fingerprint());
    return RcxClient.connect(
        new RcxClient.Endpoint(
            "127.0.0.1",
            s.port(),
            identity == null
                ? ClientTls.context(trust)
                : ClientTls.context(trust, identity.material()),
            ClientTls.parameters(trust, false),
            Duration.ofSeconds(5),
            Duration.ofSeconds(20)));
  }

  private static Path selfSignedCa(String name) throws Exception {
    Path cert = pki.resolve(name + ".crt");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        pki.resolve(name + ".key").toString(),
        "-out",
        cert.toString(),
        "-subj",
        "/CN=rcx test " + name,
        "-days",
        "2");
    return cert;
  }

  private static Pem issue(String ca, String user) throws Exception {
    Path key = pki.resolve(ca + "-" + user + ".key");
    Path csr = pki.resolve(ca + "-" + user + ".csr");
    Path cert = pki.resolve(ca + "-" + user + ".crt");
    openssl(
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        csr.toString(),
        "-subj",
        "/CN=" + user);
    openssl(
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        pki.resolve(ca + ".crt").toString(),
        "-CAkey",
        pki.resolve(ca + ".key").toString(),
        "-CAcreateserial",
        "-out",
        cert.toString(),
        "-days",
        "2");
    return new Pem(cert, key);
  }

  private static void openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + output);
    }
  }
}
