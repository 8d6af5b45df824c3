package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.audit.KeyedVerifyResult.Authentic;
import dev.rcx.audit.KeyedVerifyResult.KeyFileState;
import dev.rcx.audit.KeyedVerifyResult.Tampered;
import dev.rcx.audit.KeyedVerifyResult.Truncated;
import dev.rcx.audit.KeyedVerifyResult.WrongKey;
import dev.rcx.testing.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Keyed verification against an attacker with root: what is caught, and the documented limit. */
@Timeout(30)
class KeyedVerifyTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("audit.log");
  }

  private List<String> lines() throws IOException {
    return new ArrayList<>(Files.readAllLines(file(), StandardCharsets.US_ASCII));
  }

  private void write(List<String> lines) throws IOException {
    Files.writeString(file(), String.join("\n", lines) + "\n", StandardCharsets.US_ASCII);
  }

  /** 10 records, closed: seals at lines 5, 10 and 13; the key file ends at epoch 3. */
  private String closedLog() {
    return SealedLogTest.createSealed(file(), 10, true);
  }

  /**
   * What an attacker who has only the log can do: fix every prev from {@code from} on, leaving the
   * MACs.
   */
  private static void rechain(List<String> lines, int from, EpochKeys attackerKey) {
    for (int i = from; i < lines.size(); i++) {
      String line = lines.get(i);
      int prevAt = line.indexOf("\"prev\":\"");
      String prev = i == 0 ? "0".repeat(64) : sha(lines.get(i - 1));
      String unsigned = line.substring(0, prevAt) + "\"prev\":\"" + prev + "\"}";
      if (attackerKey == null) {
        line =
            unsigned.substring(0, unsigned.length() - 1)
                + line.substring(line.indexOf(",\"mac\":"));
      } else {
        byte[] u = unsigned.getBytes(StandardCharsets.US_ASCII);
        line =
            new String(
                RecordEncoder.signed(u, attackerKey.mac(u, u.length)), StandardCharsets.US_ASCII);
      }
      lines.set(i, line);
    }
  }

  private static String sha(String line) {
    byte[] b = line.getBytes(StandardCharsets.US_ASCII);
    return Hashes.hex(Hashes.sha256(b, b.length));
  }

  /** The attacker reads the current key state from the key file. */
  private EpochKeys stealKeyFile() throws IOException {
    KeyFile.State s = KeyFile.read(dir.resolve("audit.log.key"));
    return new EpochKeys(s.key(), s.epoch());
  }

  @Test
  void verify_editWithTheWholeHashChainRecomputed_passesUnkeyedButIsCaughtByTheKey()
      throws IOException {
    String key = closedLog();
    List<String> lines = lines();
    lines.set(1, lines.get(1).replace("\"alice\"", "\"admin\""));
    rechain(lines, 1, null);
    write(lines);
    assertThat(AuditLog.verify(file())).isEqualTo(new VerifyResult.Intact(13));
    KeyedVerifyResult r = AuditLog.verify(file(), key);
    assertThat(r)
        .isInstanceOfSatisfying(
            Tampered.class,
            t -> {
              assertThat(t.lineNumber()).isEqualTo(2);
              assertThat(t.seq()).isEqualTo(2);
              assertThat(t.reason()).contains("fails its MAC");
            });
  }

  @Test
  void verify_attackerHoldingTheCurrentKeyFile_cannotAlterAnEarlierEpoch() throws IOException {
    String key = closedLog();
    List<String> lines = lines();
    lines.set(6, lines.get(6).replace("\"alice\"", "\"admin\"")); // line 7, epoch 1
    try (EpochKeys stolen = stealKeyFile()) {
      assertThat(stolen.epoch()).isEqualTo(3);
      rechain(lines, 6, stolen);
    }
    write(lines);
    KeyedVerifyResult r = AuditLog.verify(file(), key);
    assertThat(r)
        .isInstanceOfSatisfying(Tampered.class, t -> assertThat(t.lineNumber()).isEqualTo(7));
  }

  @Test
  void verify_attackerHoldingTheCurrentKey_canForgeOnlyTheUnprovenUnsealedTail()
      throws IOException {
    // Seal writes in the appending thread, so the key file is current when it is stolen.
    AuditLog log = AuditLog.open(file(), TestClock.ticking(), Samples.SEALED, Runnable::run);
    String key = log.takeVerificationKey().orElseThrow();
    for (int i = 1; i <= 6; i++) {
      log.append(Samples.command("alice", i)); // lines 1-4, seal at 5, lines 6-7 in epoch 1
    }
    List<String> lines = lines();
    lines.set(6, lines.get(6).replace("\"alice\"", "\"admin\""));
    try (EpochKeys stolen = stealKeyFile()) {
      rechain(lines, 6, stolen);
    }
    write(lines);
    // The documented limit: the forgery verifies, but only as part of the unsealed tail, which is
    // never "proven".
    assertThat(AuditLog.verify(file(), key))
        .isInstanceOfSatisfying(
            Authentic.class,
            a -> {
              assertThat(a.sealedRecords()).isEqualTo(5);
              assertThat(a.unsealedTail()).isEqualTo(2);
            });
    log.close();
  }

  @Test
  void verify_logTruncatedToAnEarlierSeal_isReportedTruncated() throws IOException {
    String key = closedLog();
    write(lines().subList(0, 5));
    assertThat(AuditLog.verify(file())).isEqualTo(new VerifyResult.Intact(5));
    KeyedVerifyResult r = AuditLog.verify(file(), key);
    assertThat(r)
        .isInstanceOfSatisfying(
            Truncated.class,
            t -> {
              assertThat(t.records()).isEqualTo(5);
              assertThat(t.sealedEpochs()).isEqualTo(1);
              assertThat(t.keyFileEpoch()).isEqualTo(3);
            });
    assertThat(r.summary()).startsWith("TRUNCATED: ").contains("removed from the end");
  }

  @Test
  void verify_truncatedWithTheKeyFileDeleted_warnsThatTruncationCannotBeRuledOut()
      throws IOException {
    String key = closedLog();
    write(lines().subList(0, 5));
    Files.delete(dir.resolve("audit.log.key"));
    KeyedVerifyResult r = AuditLog.verify(file(), key);
    assertThat(r)
        .isInstanceOfSatisfying(
            Authentic.class, a -> assertThat(a.keyFile()).isEqualTo(KeyFileState.MISSING));
    assertThat(r.summary()).contains("WARNING: key file missing");
  }

  @Test
  void verify_keyOfAnotherLog_isReportedAsWrongKey() throws IOException {
    closedLog();
    String otherKey = SealedLogTest.createSealed(dir.resolve("other.log"), 1, true);
    KeyedVerifyResult r = AuditLog.verify(file(), otherKey);
    assertThat(r)
        .isInstanceOfSatisfying(
            WrongKey.class, w -> assertThat(w.reason()).contains("is not the key of this log"));
    assertThat(r.summary()).startsWith("WRONG KEY: ");
  }

  @Test
  void verify_keyOfAnotherLogAndNoKeyFile_isStillReportedAsWrongKey() throws IOException {
    closedLog();
    String otherKey = SealedLogTest.createSealed(dir.resolve("other.log"), 1, true);
    Files.delete(dir.resolve("audit.log.key"));
    assertThat(AuditLog.verify(file(), otherKey))
        .isInstanceOfSatisfying(
            WrongKey.class,
            w -> assertThat(w.reason()).contains("not the verification key of this log"));
  }

  @Test
  void verify_malformedKey_isWrongKeyWithoutEchoingIt() {
    closedLog();
    KeyedVerifyResult r = AuditLog.verify(file(), "rcx-audit-key:v1:4:hunter2");
    assertThat(r)
        .isInstanceOfSatisfying(
            WrongKey.class,
            w ->
                assertThat(w.reason())
                    .contains("not an rcx audit verification key")
                    .doesNotContain("hunter2"));
  }

  @Test
  void verify_recordRemovedFromASealedEpoch_namesTheMissingSeq() throws IOException {
    String key = closedLog();
    List<String> lines = lines();
    lines.remove(1);
    write(lines);
    assertThat(AuditLog.verify(file(), key))
        .isInstanceOfSatisfying(
            Tampered.class,
            t -> {
              assertThat(t.lineNumber()).isEqualTo(2);
              assertThat(t.seq()).isEqualTo(2);
              assertThat(t.reason()).contains("missing");
            });
  }

  @Test
  void verify_recordsSwappedInASealedEpoch_namesTheFirstMovedLine() throws IOException {
    String key = closedLog();
    List<String> lines = lines();
    Collections.swap(lines, 1, 2);
    write(lines);
    assertThat(AuditLog.verify(file(), key))
        .isInstanceOfSatisfying(
            Tampered.class,
            t -> {
              assertThat(t.lineNumber()).isEqualTo(2);
              assertThat(t.seq()).isEqualTo(3);
            });
  }

  @Test
  void verify_sealRemovedAndEpochsMerged_isCaught() throws IOException {
    String key = closedLog();
    List<String> lines = lines();
    lines.remove(4); // the first seal
    rechain(lines, 4, null);
    write(lines);
    assertThat(AuditLog.verify(file(), key))
        .isInstanceOfSatisfying(Tampered.class, t -> assertThat(t.lineNumber()).isEqualTo(5));
  }

  @Test
  void verify_keyFileWithTheRightIdButAForgedKey_isReportedAsKeyFileTampering() throws IOException {
    String key = closedLog();
    KeyFile.State s = KeyFile.read(dir.resolve("audit.log.key"));
    byte[] forged = new byte[32];
    new SecureRandom().nextBytes(forged);
    KeyFile.write(dir.resolve("audit.log.key"), s.keyId(), s.epochRecords(), s.epoch(), forged);
    assertThat(AuditLog.verify(file(), key))
        .isInstanceOfSatisfying(
            Tampered.class,
            t -> {
              assertThat(t.lineNumber()).isZero();
              assertThat(t.reason()).contains("key file");
            });
  }

  @Test
  void verify_unsealedLogWithAKey_saysTheLinesHaveNoMac() throws IOException {
    String key = closedLog();
    Path plain = dir.resolve("plain.log");
    try (AuditLog log = AuditLog.open(plain, TestClock.ticking(), Samples.UNSEALED)) {
      log.append(Samples.command("alice", 1));
    }
    assertThat(AuditLog.verify(plain, key))
        .isInstanceOfSatisfying(Tampered.class, t -> assertThat(t.reason()).contains("no MAC"));
  }
}
