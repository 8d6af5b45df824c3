package dev.rcx.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class FingerprintsTest {
  @TempDir Path dir;

  @Test
  void sha256_certificate_matchesOpensslOutput() throws Exception {
    Path openssl = Path.of("/usr/bin/openssl");
    assumeTrue(Files.isExecutable(openssl), "openssl is not installed");
    var certificate = TestPki.ca("fingerprint test").certificate();
    Path file = TestPki.writeCertificates(dir.resolve("c.pem"), certificate);

    Process process =
        new ProcessBuilder(
                openssl.toString(),
                "x509",
                "-in",
                file.toString(),
                "-noout",
                "-fingerprint",
                "-sha256")
            .redirectErrorStream(true)
            .start();
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor(5, TimeUnit.SECONDS)).isTrue();

    // openssl prints "sha256 Fingerprint=AB:CD:..." (older versions "SHA256 Fingerprint=").
    assertThat(output.substring(output.indexOf('=') + 1))
        .isEqualTo(Fingerprints.sha256(certificate));
    assertThat(Fingerprints.normalize(output)).isEqualTo(Fingerprints.sha256(certificate));
  }

  @Test
  void sha256_certificate_isUppercaseHexWithColons() throws IOException {
    String fingerprint = Fingerprints.sha256(TestPki.ca("format").certificate());

    assertThat(fingerprint).hasSize(95).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
  }

  @Test
  void normalize_anyCaseWithOrWithoutColons_givesCanonicalForm() {
    String canonical = Fingerprints.sha256(TestPki.ca("normalize").certificate());
    String bare = canonical.replace(":", "");

    assertThat(Fingerprints.normalize(bare.toLowerCase(Locale.ROOT))).isEqualTo(canonical);
    assertThat(Fingerprints.normalize(canonical.toLowerCase(Locale.ROOT))).isEqualTo(canonical);
    assertThat(Fingerprints.normalize("  " + bare + "\n")).isEqualTo(canonical);
    assertThat(Fingerprints.normalize("SHA256:" + canonical)).isEqualTo(canonical);
    assertThat(Fingerprints.normalize("sha256 Fingerprint=" + canonical)).isEqualTo(canonical);
  }

  @Test
  void normalize_wrongLengthOrNonHex_throwsNamingTheValue() {
    assertThatThrownBy(() -> Fingerprints.normalize("AB:CD"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 hex digits")
        .hasMessageContaining("'AB:CD'");
    assertThatThrownBy(() -> Fingerprints.normalize("Z".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
    // Non-ASCII digits are digits to Character.digit but not hex to anyone reading a fingerprint.
    assertThatThrownBy(() -> Fingerprints.normalize("\u0661".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fingerprints.normalize("A".repeat(66)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
