package dev.rcx.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] filled(int length, int value) {
    byte[] b = new byte[length];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void argon2id_rfc9106Vector_matchesTag() {
    // RFC 9106 section 5.3: Argon2id, m=32 KiB, t=3, p=4, 32-byte tag, with secret and associated
    // data.
    byte[] tag =
        PasswordHasher.argon2id(
            filled(32, 1),
            filled(16, 2),
            new PasswordHasher.Params(32, 3, 4),
            32,
            filled(8, 3),
            filled(12, 4));

    assertThat(HEX.formatHex(tag))
        .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  }

  @Test
  void phc_referenceImplementationString_parsesDerivesAndFormatsIdentically() {
    // From the phc-winner-argon2 reference tests: password "password", salt "somesalt".
    String reference =
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
    Phc parsed = Phc.parse(reference);

    byte[] derived =
        PasswordHasher.argon2id(
            "password".getBytes(StandardCharsets.US_ASCII),
            parsed.salt(),
            parsed.params(),
            parsed.hashLength(),
            new byte[0],
            new byte[0]);

    assertThat(new Phc(parsed.params(), parsed.salt(), derived).format()).isEqualTo(reference);
  }

  @Test
  void hash_owaspDefaults_encodesParametersAndVerifiesOnlyTheRightProof() {
    var hasher = new PasswordHasher();
    String phc = hasher.hash(Fixtures.proof("correct horse"));

    assertThat(phc).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    String[] parts = phc.split("\\$", -1);
    assertThat(Base64.getDecoder().decode(parts[4])).hasSize(16);
    assertThat(Base64.getDecoder().decode(parts[5])).hasSize(32);
    assertThat(parts[4] + parts[5]).doesNotContain("=");
    assertThat(hasher.verify(Fixtures.proof("correct horse"), phc)).isTrue();
    assertThat(hasher.verify(Fixtures.proof("correct horsf"), phc)).isFalse();
  }

  @Test
  void hash_sameProofTwice_usesDifferentSalts() {
    var hasher = Fixtures.cheapHasher();
    String proof = Fixtures.proof("pw");

    assertThat(hasher.hash(proof)).isNotEqualTo(hasher.hash(proof));
  }

  @Test
  void verify_storedWithOtherParameters_usesTheStoredOnes() {
    String phc =
        new PasswordHasher(new PasswordHasher.Params(128, 2, 2), 1).hash(Fixtures.proof("pw"));
    var current = Fixtures.cheapHasher();

    assertThat(phc).contains("$m=128,t=2,p=2$");
    assertThat(current.verify(Fixtures.proof("pw"), phc)).isTrue();
    assertThat(current.needsRehash(phc)).isTrue();
    assertThat(current.needsRehash(current.hash(Fixtures.proof("pw")))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$t=1,m=64,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=064,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=4,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=9999999999,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=64,t=0,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=64,t=1,p=0$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ=$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIP",
        "$argon2id$v=19$m=64,t=1,p=1$c29t_XNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4$",
        "$argon2id$v=19$m=64,t=1,p=1,k=2$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
      })
  void parse_malformedPhc_rejectedWithoutEchoingIt(String phc) {
    assertThatThrownBy(() -> Phc.parse(phc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("password hash is not a valid Argon2id PHC string: ")
        .hasMessageNotContaining("c29t")
        .hasMessageNotContaining("nf65");
  }

  @Test
  void verify_malformedStoredHash_throwsNamingTheRule() {
    assertThatThrownBy(
            () -> Fixtures.cheapHasher().verify(Fixtures.proof("pw"), "$argon2id$v=19$m=64"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "expected $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<base64 salt>$<base64 hash>");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "password",
        "5E884898DA28047151D0E56F8DC6292773603D0D6AABBDD62A11EF721D1542D8",
        "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d",
        "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8a",
        "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542dg",
      })
  void hash_proofNotLowercaseSha256Hex_rejectedWithoutEchoingIt(String proof) {
    assertThat(PasswordHasher.isSha256Hex(proof)).isFalse();
    assertThatThrownBy(() -> Fixtures.cheapHasher().hash(proof))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 lowercase hex characters")
        .hasMessageNotContaining("5e88")
        .hasMessageNotContaining("5E88");
  }

  @Test
  void sha256Hex_knownInputs_matchReferenceDigests() throws Exception {
    assertThat(PasswordHasher.sha256Hex("password".toCharArray()))
        .isEqualTo("5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8");
    assertThat(PasswordHasher.sha256Hex(new char[0]))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    String unicode = "pässwörd-\uD83D\uDD11-密码";
    String expected =
        HEX.formatHex(
            MessageDigest.getInstance("SHA-256").digest(unicode.getBytes(StandardCharsets.UTF_8)));
    assertThat(PasswordHasher.sha256Hex(unicode.toCharArray())).isEqualTo(expected);
  }

  @Test
  void sha256Hex_unpairedSurrogate_rejected() {
    assertThatThrownBy(() -> PasswordHasher.sha256Hex(new char[] {'a', '\uD83D', 'b'}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unpaired UTF-16 surrogate");
  }

  @Test
  void params_outOfRange_rejectedNamingTheValue() {
    assertThatThrownBy(() -> new PasswordHasher.Params(7, 1, 1)).hasMessageContaining("but was 7");
    assertThatThrownBy(() -> new PasswordHasher.Params(64, 0, 1))
        .hasMessageContaining("t must be 1 to 64");
    assertThatThrownBy(() -> new PasswordHasher.Params(64, 1, 17))
        .hasMessageContaining("p must be 1 to 16");
    assertThatThrownBy(() -> new PasswordHasher(PasswordHasher.Params.OWASP, 0))
        .hasMessageContaining("maxConcurrentHashes must be at least 1 but was 0");
  }

  @Test
  @Timeout(20)
  void verify_allSlotsBusy_waitsForASlot() throws Exception {
    var hasher = new PasswordHasher(Fixtures.CHEAP, 1);
    String phc = hasher.hash(Fixtures.proof("pw"));
    hasher.slots().acquire();
    Fixtures.Running<Boolean> waiting;
    try {
      waiting = Fixtures.start(() -> hasher.verify(Fixtures.proof("pw"), phc));
      Fixtures.awaitParked(waiting.thread());
      assertThat(waiting.result()).isNotDone();
    } finally {
      hasher.slots().release();
    }
    assertThat(waiting.join()).isTrue();
  }

  @Test
  @Timeout(20)
  void verify_interruptedWhileWaiting_throwsAndKeepsInterruptFlag() throws Exception {
    var hasher = new PasswordHasher(Fixtures.CHEAP, 1);
    String phc = hasher.hash(Fixtures.proof("pw"));
    hasher.slots().acquire();
    try {
      var waiting =
          Fixtures.start(
              () -> {
                try {
                  return hasher.verify(Fixtures.proof("pw"), phc);
                } finally {
                  assertThat(Thread.currentThread().isInterrupted()).isTrue();
                }
              });
      Fixtures.awaitParked(waiting.thread());
      waiting.thread().interrupt();

      assertThatThrownBy(waiting::join)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("interrupted while waiting for a password-hashing slot");
    } finally {
      hasher.slots().release();
    }
  }
}
