package dev.rcx.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ServerIdentityTest {
  private static final int GENERAL_NAME_DNS = 2;
  private static final int GENERAL_NAME_IP = 7;

  @TempDir Path dir;

  @Test
  void loadOrCreate_secondCall_reusesSameIdentity() throws IOException {
    KeyMaterial first = ServerIdentity.loadOrCreate(dir);
    KeyMaterial second = ServerIdentity.loadOrCreate(dir);

    assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
    assertThat(second.key().getEncoded()).isEqualTo(first.key().getEncoded());
  }

  @Test
  void loadOrCreate_firstStart_writesOwnerOnlyKeyAndParseablePem() throws IOException {
    KeyMaterial generated = ServerIdentity.loadOrCreate(dir);

    Path key = dir.resolve("server.key");
    Path cert = dir.resolve("server.crt");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(key))
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(Files.readString(cert)).startsWith("-----BEGIN CERTIFICATE-----\n");
    KeyMaterial parsed = ServerIdentity.loadPem(cert, key);
    assertThat(parsed.fingerprint()).isEqualTo(generated.fingerprint());
    assertThat(parsed.key()).isInstanceOf(ECPrivateKey.class);
    // Only the two files: no temporary file is left behind.
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("server.key", "server.crt");
    }
  }

  @Test
  void loadOrCreate_generatedCertificate_hasTheProfile() throws Exception {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    KeyMaterial identity =
        ServerIdentity.loadOrCreate(
            dir,
            List.of("rcx.example.com", "IP:10.1.2.3", "DNS:Other.Example"),
            Clock.fixed(now, ZoneOffset.UTC),
            new SecureRandom());
    X509Certificate cert = identity.leaf();

    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=rcx");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
    cert.verify(cert.getPublicKey());
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(
            ((java.security.interfaces.ECPublicKey) cert.getPublicKey())
                .getParams()
                .getCurve()
                .getField()
                .getFieldSize())
        .isEqualTo(256);
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
    assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(cert.getKeyUsage()).containsOnlyOnce(true);
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactly(
            List.of(GENERAL_NAME_DNS, "localhost"),
            List.of(GENERAL_NAME_IP, "127.0.0.1"),
            List.of(GENERAL_NAME_DNS, "rcx.example.com"),
            List.of(GENERAL_NAME_IP, "10.1.2.3"),
            List.of(GENERAL_NAME_DNS, "other.example"));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(825)));
    assertThat(cert.getNotBefore().toInstant()).isBefore(now);
  }

  @Test
  void loadOrCreate_badSubjectAltName_throwsNamingIt() {
    assertThatThrownBy(() -> ServerIdentity.loadOrCreate(dir, "bad name!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bad name!'");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void loadOrCreate_certificateWithoutKey_refusesToOverwrite() throws IOException {
    ServerIdentity.loadOrCreate(dir);
    Files.delete(dir.resolve("server.key"));
    String before = Files.readString(dir.resolve("server.crt"));

    assertThatThrownBy(() -> ServerIdentity.loadOrCreate(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("server.key")
        .hasMessageContaining("does not");
    assertThat(Files.readString(dir.resolve("server.crt"))).isEqualTo(before);
  }

  @Test
  void loadOrCreate_keyLeftByCrashedFirstStart_generatesFreshIdentity() throws IOException {
    KeyMaterial crashed = ServerIdentity.loadOrCreate(dir);
    Files.delete(dir.resolve("server.crt"));

    KeyMaterial fresh = ServerIdentity.loadOrCreate(dir);

    assertThat(fresh.fingerprint()).isNotEqualTo(crashed.fingerprint());
    assertThat(ServerIdentity.loadOrCreate(dir).fingerprint()).isEqualTo(fresh.fingerprint());
  }

  @Test
  void atomicWrite_existingFile_isReplacedWholeWithExactMode() throws IOException {
    Path target = dir.resolve("sub/secret");
    AtomicFiles.replace(target, "one".getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);
    AtomicFiles.replace(target, "two".getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);

    assertThat(Files.readString(target)).isEqualTo("two");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-------");
    try (var files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }
}
