package dev.rcx.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class LoadPemTest {
  @TempDir Path dir;

  @Test
  void loadPem_pkcs8EcKey_loadsChainAndKey() throws IOException {
    TestPki.Issued ca = TestPki.ca("Operator CA");
    TestPki.Issued server = TestPki.server(ca, "rcx.example.com", "rcx.example.com");
    Path cert =
        TestPki.writeCertificates(dir.resolve("chain.pem"), server.certificate(), ca.certificate());
    Path key = TestPki.writePkcs8(dir.resolve("key.pem"), server.keys().getPrivate());
    assertThat(Files.readString(key)).contains("BEGIN PRIVATE KEY");

    KeyMaterial loaded = ServerIdentity.loadPem(cert, key);

    assertThat(loaded.chain()).containsExactly(server.certificate(), ca.certificate());
    assertThat(loaded.key().getEncoded()).isEqualTo(server.keys().getPrivate().getEncoded());
  }

  @Test
  void loadClientCas_everyCertificateInOrder_orAnErrorNamingTheSetting() throws IOException {
    TestPki.Issued one = TestPki.ca("CA one");
    TestPki.Issued two = TestPki.ca("CA two");
    Path both =
        TestPki.writeCertificates(dir.resolve("cas.pem"), one.certificate(), two.certificate());
    assertThat(ServerTls.loadClientCas(both)).containsExactly(one.certificate(), two.certificate());

    Path keyOnly = TestPki.writePkcs8(dir.resolve("key.pem"), one.keys().getPrivate());
    assertThatThrownBy(() -> ServerTls.loadClientCas(keyOnly))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tls.client_ca " + keyOnly)
        .hasMessageContaining("no PEM block '-----BEGIN CERTIFICATE-----'");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
    assertThatThrownBy(() -> ServerTls.loadClientCas(garbage))
        .hasMessageContaining("tls.client_ca " + garbage)
        .hasMessageContaining("not a PEM file");
  }

  @Test
  void loadPem_traditionalEcKey_loads() throws IOException {
    KeyPair keys = TestPki.ec();
    TestPki.Issued server = TestPki.selfSignedServer(keys, "ec", "localhost");
    Path cert = TestPki.writeCertificates(dir.resolve("c.pem"), server.certificate());
    Path key = TestPki.writeTraditionalEc(dir.resolve("k.pem"), keys);
    assertThat(Files.readString(key)).contains("BEGIN EC PRIVATE KEY");

    assertThat(ServerIdentity.loadPem(cert, key).fingerprint())
        .isEqualTo(Fingerprints.sha256(server.certificate()));
  }

  @Test
  void loadPem_traditionalRsaKey_loads() throws IOException {
    KeyPair keys = TestPki.rsa();
    TestPki.Issued server = TestPki.selfSignedServer(keys, "rsa", "localhost");
    Path cert = TestPki.writeCertificates(dir.resolve("c.pem"), server.certificate());
    Path key = TestPki.writeTraditionalRsa(dir.resolve("k.pem"), keys);
    assertThat(Files.readString(key)).contains("BEGIN RSA PRIVATE KEY");

    assertThat(ServerIdentity.loadPem(cert, key).key().getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  void loadPem_pkcs8Ed25519Key_loads() throws IOException {
    KeyPair keys = TestPki.ed25519();
    TestPki.Issued server = TestPki.selfSignedServer(keys, "ed", "localhost");
    Path cert = TestPki.writeCertificates(dir.resolve("c.pem"), server.certificate());
    Path key = TestPki.writePkcs8(dir.resolve("k.pem"), keys.getPrivate());

    assertThat(ServerIdentity.loadPem(cert, key).leaf()).isEqualTo(server.certificate());
  }

  @Test
  void loadPem_keyOfAnotherCertificate_failsNamingBothFiles() throws IOException {
    TestPki.Issued server = TestPki.selfSignedServer(TestPki.ec(), "server", "localhost");
    Path cert = TestPki.writeCertificates(dir.resolve("server.crt"), server.certificate());
    Path otherKey = TestPki.writePkcs8(dir.resolve("other.key"), TestPki.ec().getPrivate());

    assertThatThrownBy(() -> ServerIdentity.loadPem(cert, otherKey))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("other.key")
        .hasMessageContaining("does not match")
        .hasMessageContaining("server.crt");
  }

  @Test
  void loadPem_keyOfAnotherAlgorithm_failsAsMismatch() throws IOException {
    TestPki.Issued server = TestPki.selfSignedServer(TestPki.ec(), "server", "localhost");
    Path cert = TestPki.writeCertificates(dir.resolve("server.crt"), server.certificate());
    Path edKey = TestPki.writePkcs8(dir.resolve("ed.key"), TestPki.ed25519().getPrivate());

    assertThatThrownBy(() -> ServerIdentity.loadPem(cert, edKey))
        .hasMessageContaining("does not match");
  }

  @Test
  void loadPem_missingFile_saysNotFound() throws IOException {
    Path key = TestPki.writePkcs8(dir.resolve("k.pem"), TestPki.ec().getPrivate());

    assertThatThrownBy(() -> ServerIdentity.loadPem(dir.resolve("absent.crt"), key))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("absent.crt")
        .hasMessageContaining("certificate file not found");
  }

  @Test
  void loadPem_notPem_saysSo() throws Exception {
    TestPki.Issued server = TestPki.selfSignedServer(TestPki.ec(), "server", "localhost");
    Path der = Files.write(dir.resolve("server.der"), server.certificate().getEncoded());
    Path text = Files.writeString(dir.resolve("notes.txt"), "hello\n");
    Path key = TestPki.writePkcs8(dir.resolve("k.pem"), server.keys().getPrivate());

    assertThatThrownBy(() -> ServerIdentity.loadPem(der, key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("server.der")
        .hasMessageContaining("PEM");
    assertThatThrownBy(() -> ServerIdentity.loadPem(text, key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("notes.txt")
        .hasMessageContaining("not a PEM file");
  }

  @Test
  void loadPem_keyFileWithoutKey_saysNoKeyFound() throws IOException {
    TestPki.Issued server = TestPki.selfSignedServer(TestPki.ec(), "server", "localhost");
    Path cert = TestPki.writeCertificates(dir.resolve("server.crt"), server.certificate());

    assertThatThrownBy(() -> ServerIdentity.loadPem(cert, cert))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("private key")
        .hasMessageContaining("found 0");
  }

  @Test
  void loadPem_encryptedKey_explainsHowToDecrypt() throws Exception {
    TestPki.Issued server = TestPki.selfSignedServer(TestPki.ec(), "server", "localhost");
    Path cert = TestPki.writeCertificates(dir.resolve("server.crt"), server.certificate());
    Path key = dir.resolve("encrypted.key");
    var encryptor =
        new JceOpenSSLPKCS8EncryptorBuilder(org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
            .setProvider(
                new org.bouncycastle.jce.provider
                    .BouncyCastleProvider()) // an instance, not registered
            .setPassword("secret".toCharArray())
            .build();
    try (var writer = new JcaPEMWriter(Files.newBufferedWriter(key))) {
      writer.writeObject(new JcaPKCS8Generator(server.keys().getPrivate(), encryptor));
    }

    assertThatThrownBy(() -> ServerIdentity.loadPem(cert, key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("encrypted")
        .hasMessageNotContaining("secret");
  }

  @Test
  void loadPem_chainOutOfOrder_failsNamingTheRule() throws IOException {
    TestPki.Issued ca = TestPki.ca("Root");
    TestPki.Issued intermediate = TestPki.intermediate(ca, "Intermediate");
    TestPki.Issued server = TestPki.server(intermediate, "server", "localhost");
    Path cert =
        TestPki.writeCertificates(
            dir.resolve("chain.pem"),
            server.certificate(),
            ca.certificate(),
            intermediate.certificate());
    Path key = TestPki.writePkcs8(dir.resolve("k.pem"), server.keys().getPrivate());

    assertThatThrownBy(() -> ServerIdentity.loadPem(cert, key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("leaf first")
        .hasMessageContaining("CN=Intermediate");
  }

  @Test
  void loadPem_filesMadeByOpenssl_load() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
    // "ecparam -genkey" writes an EC PARAMETERS block before the traditional EC PRIVATE KEY.
    run("openssl", "ecparam", "-genkey", "-name", "prime256v1", "-out", "ec.key");
    run(
        "openssl",
        "req",
        "-new",
        "-x509",
        "-key",
        "ec.key",
        "-out",
        "ec.crt",
        "-subj",
        "/CN=operator",
        "-days",
        "1");
    // "req -newkey" writes PKCS#8 (BEGIN PRIVATE KEY).
    run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "rsa.key",
        "-out",
        "rsa.crt",
        "-subj",
        "/CN=operator-rsa",
        "-days",
        "1");

    assertThat(Files.readString(dir.resolve("ec.key")))
        .contains("BEGIN EC PARAMETERS", "BEGIN EC PRIVATE KEY");
    assertThat(
            ServerIdentity.loadPem(dir.resolve("ec.crt"), dir.resolve("ec.key"))
                .key()
                .getAlgorithm())
        .isEqualTo("EC");
    assertThat(Files.readString(dir.resolve("rsa.key"))).contains("BEGIN PRIVATE KEY");
    assertThat(
            ServerIdentity.loadPem(dir.resolve("rsa.crt"), dir.resolve("rsa.key"))
                .key()
                .getAlgorithm())
        .isEqualTo("RSA");
  }

  private void run(String... command) throws Exception {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output =
        new String(
            process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }
}
