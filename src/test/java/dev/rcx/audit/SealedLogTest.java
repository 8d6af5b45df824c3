package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.audit.KeyedVerifyResult.Authentic;
import dev.rcx.audit.KeyedVerifyResult.KeyFileState;
import dev.rcx.testing.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer side of sealing: MACs, seals, key evolution, reopening, and refusing inconsistent key
 * state.
 */
@Timeout(30)
class SealedLogTest {
  @TempDir Path dir;

  static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.US_ASCII);
  }

  static JsonNode json(String line) {
    byte[] b = line.getBytes(StandardCharsets.US_ASCII);
    return Json.object(b, b.length);
  }

  /**
   * Creates a sealed log (4 records per epoch), appends {@code records} records, returns the
   * verification key.
   */
  static String createSealed(Path file, int records, boolean close) {
    AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.SEALED);
    String key = log.takeVerificationKey().orElseThrow();
    for (int i = 1; i <= records; i++) {
      log.append(Samples.command("alice", i));
    }
    if (close) {
      log.close();
    }
    return key;
  }

  @Test
  void open_newSealedLog_handsOutTheVerificationKeyOnce() throws IOException {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.SEALED)) {
      assertThat(log.takeVerificationKey())
          .get()
          .asString()
          .matches("rcx-audit-key:v1:4:[A-Za-z0-9_-]{43}");
      assertThat(log.takeVerificationKey()).isEmpty();
    }
    Path keyFile = dir.resolve("audit.log.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.SEALED)) {
      assertThat(log.takeVerificationKey()).isEmpty();
    }
  }

  @Test
  void append_sealedLog_macsEveryLineAndSealsEachFullEpoch() throws IOException {
    Path file = dir.resolve("audit.log");
    String key = createSealed(file, 10, true);
    List<String> lines = lines(file);
    // 4 records, seal, 4 records, seal, 2 records, seal on close
    assertThat(lines).hasSize(13);
    assertThat(lines)
        .allMatch(
            l ->
                RecordEncoder.unsignedLength(l.getBytes(StandardCharsets.US_ASCII), l.length())
                    > 0);
    assertThat(lines)
        .allMatch(l -> l.matches(".*,\"prev\":\"[0-9a-f]{64}\",\"mac\":\"[0-9a-f]{64}\"}"));
    JsonNode first = json(lines.get(4));
    assertThat(first.get("event").asText()).isEqualTo("seal");
    assertThat(first.get("epoch").asLong()).isZero();
    assertThat(first.get("records").asLong()).isEqualTo(4);
    assertThat(first.get("reason").asText()).isEqualTo("epoch_full");
    JsonNode last = json(lines.get(12));
    assertThat(last.get("epoch").asLong()).isEqualTo(2);
    assertThat(last.get("records").asLong()).isEqualTo(2);
    assertThat(last.get("reason").asText()).isEqualTo("close");
    assertThat(AuditLog.verify(file)).isEqualTo(new VerifyResult.Intact(13));
    KeyedVerifyResult r = AuditLog.verify(file, key);
    assertThat(r)
        .isEqualTo(
            new Authentic(13, 3, 13, last.get("ts").asText(), 0, 0, KeyFileState.CONSISTENT));
  }

  @Test
  void seal_keyFile_nolongerHoldsTheInitialKeyAfterTheFirstSeal() throws IOException {
    Path file = dir.resolve("audit.log");
    String key = createSealed(file, 4, true);
    String k0 = key.substring(key.lastIndexOf(':') + 1);
    String keyFile = Files.readString(dir.resolve("audit.log.key"));
    assertThat(keyFile)
        .startsWith("rcx-audit-keystate v1\n")
        .contains("\nepoch 1\n")
        .doesNotContain(k0);
  }

  @Test
  void verify_recordsAfterTheLastSeal_areAnUnsealedTailNotProven() throws IOException {
    Path file = dir.resolve("audit.log");
    // Seal writes run in the appending thread here (still outside the lock), so the key file is
    // current when verify reads it; with the log's own thread it may lag a moment (LAGGING).
    AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.SEALED, Runnable::run);
    String key = log.takeVerificationKey().orElseThrow();
    for (int i = 1; i <= 6; i++) {
      log.append(Samples.command("alice", i));
    }
    try {
      KeyedVerifyResult r = AuditLog.verify(file, key);
      assertThat(r)
          .isInstanceOfSatisfying(
              Authentic.class,
              a -> {
                assertThat(a.records()).isEqualTo(7);
                assertThat(a.sealedRecords()).isEqualTo(5);
                assertThat(a.unsealedTail()).isEqualTo(2);
                assertThat(a.keyFile()).isEqualTo(KeyFileState.CONSISTENT);
              });
      assertThat(r.summary()).contains("unsealed tail (2 records) not proven");
    } finally {
      log.close();
    }
  }

  @Test
  void seal_requested_endsTheEpochEarly() {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.SEALED)) {
      log.append(Samples.command("alice", 1));
      log.seal();
      log.seal(); // empty epoch: nothing to seal
      assertThat(log.epoch()).isEqualTo(1);
      assertThat(log.lastSeq()).isEqualTo(2);
    }
  }

  @Test
  void seal_interval_sealsAQuietEpochWithoutFurtherAppends() throws InterruptedException {
    Path file = dir.resolve("audit.log");
    try (AuditLog log =
        AuditLog.open(
            file, TestClock.ticking(), Samples.SEALED.withSealInterval(Duration.ofMillis(20)))) {
      log.append(Samples.command("alice", 1));
      for (int i = 0; i < 500 && log.epoch() == 0; i++) {
        Thread.sleep(10);
      }
      assertThat(log.epoch()).isEqualTo(1);
    }
  }

  @Test
  void open_existingSealedLog_continuesTheEpochCount() throws IOException {
    Path file = dir.resolve("audit.log");
    String key = createSealed(file, 2, true); // 2 records + close seal (epoch 0)
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.SEALED)) {
      assertThat(log.epoch()).isEqualTo(1);
      for (int i = 0; i < 4; i++) {
        log.append(Samples.command("bob", i));
      }
      assertThat(log.epoch()).isEqualTo(2); // the 4th record filled epoch 1
    }
    assertThat(AuditLog.verify(file, key))
        .isInstanceOfSatisfying(Authentic.class, a -> assertThat(a.sealedEpochs()).isEqualTo(2));
  }

  @Test
  void open_afterCrashInsideAnEpoch_countsTheUnsealedRecords() throws IOException {
    Path file = dir.resolve("audit.log");
    Path copy = dir.resolve("copy.log");
    AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.SEALED);
    String key = log.takeVerificationKey().orElseThrow();
    for (int i = 1; i <= 6; i++) {
      log.append(Samples.command("alice", i));
    }
    // What a kill -9 leaves: the log and key file as they are now, with no close seal.
    Files.copy(file, copy);
    Files.copy(dir.resolve("audit.log.key"), dir.resolve("copy.log.key"));
    log.close();
    try (AuditLog reopened = AuditLog.open(copy, TestClock.ticking(), Samples.SEALED)) {
      reopened.append(Samples.command("bob", 1));
      reopened.append(Samples.command("bob", 2)); // 2 before the crash + 2 now: epoch 1 is full
      assertThat(reopened.epoch()).isEqualTo(2);
    }
    assertThat(AuditLog.verify(copy, key)).isInstanceOf(Authentic.class);
  }

  @Test
  void open_crashBetweenSealAndKeyFileUpdate_finishesTheEvolution() throws IOException {
    Path file = dir.resolve("audit.log");
    Path copy = dir.resolve("copy.log");
    AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.SEALED);
    String key = log.takeVerificationKey().orElseThrow();
    for (int i = 1; i <= 3; i++) {
      log.append(Samples.command("alice", i));
    }
    Files.copy(dir.resolve("audit.log.key"), dir.resolve("copy.log.key")); // epoch 0 key state
    log.append(
        Samples.command("alice", 4)); // fills epoch 0: seal written, key file moves to epoch 1
    Files.copy(file, copy);
    log.close();
    try (AuditLog reopened = AuditLog.open(copy, TestClock.ticking(), Samples.SEALED)) {
      assertThat(reopened.epoch()).isEqualTo(1);
      reopened.append(Samples.command("bob", 1));
    }
    assertThat(AuditLog.verify(copy, key))
        .isInstanceOfSatisfying(
            Authentic.class, a -> assertThat(a.keyFile()).isEqualTo(KeyFileState.CONSISTENT));
  }

  @Test
  void open_tornTailOfSealedLog_recoversWithAMacedRecord() throws IOException {
    Path file = dir.resolve("audit.log");
    String key = createSealed(file, 2, true);
    Files.writeString(file, "{\"seq\":4,\"ts\":", java.nio.file.StandardOpenOption.APPEND);
    assertThat(AuditLog.verify(file, key))
        .isInstanceOfSatisfying(Authentic.class, a -> assertThat(a.tornTailBytes()).isEqualTo(14));
    AuditLog.open(file, TestClock.ticking(), Samples.SEALED).close();
    List<String> lines = lines(file);
    assertThat(json(lines.get(3)).get("event").asText()).isEqualTo("log_recovered");
    assertThat(AuditLog.verify(file, key))
        .isInstanceOfSatisfying(
            Authentic.class,
            a -> {
              assertThat(a.tornTailBytes()).isZero();
              assertThat(a.unsealedTail()).isZero();
              assertThat(a.records()).isEqualTo(5);
            });
  }

  @Test
  void open_sealedLogWithoutItsKeyFile_isRefused() throws IOException {
    Path file = dir.resolve("audit.log");
    createSealed(file, 2, true);
    Files.delete(dir.resolve("audit.log.key"));
    assertThatThrownBy(() -> AuditLog.open(file, TestClock.ticking(), Samples.SEALED))
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("no key file");
  }

  @Test
  void open_logTruncatedAfterASeal_isRefused() throws IOException {
    Path file = dir.resolve("audit.log");
    createSealed(file, 8, true); // seals at lines 5 and 10
    List<String> lines = lines(file);
    Files.writeString(file, String.join("\n", lines.subList(0, 5)) + "\n");
    assertThatThrownBy(() -> AuditLog.open(file, TestClock.ticking(), Samples.SEALED))
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("holds 1 seals but its key file says 2");
  }

  @Test
  void open_keyFileRestoredFromAnOldCopy_isRefused() throws IOException {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.SEALED);
    Path old = dir.resolve("old.key");
    Files.copy(dir.resolve("audit.log.key"), old);
    for (int i = 1; i <= 8; i++) {
      log.append(Samples.command("alice", i));
    }
    log.close();
    Files.copy(old, dir.resolve("audit.log.key"), StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> AuditLog.open(file, TestClock.ticking(), Samples.SEALED))
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("old copy");
  }

  @Test
  void open_sealedLogWithUnsealedOptions_isRefused() {
    Path file = dir.resolve("audit.log");
    createSealed(file, 1, true);
    assertThatThrownBy(() -> AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED))
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("is sealed");
  }

  @Test
  void open_unsealedLogWithSealedOptions_isRefused() {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED)) {
      log.append(Samples.command("alice", 1));
    }
    assertThatThrownBy(() -> AuditLog.open(file, TestClock.ticking(), Samples.SEALED))
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("no key file");
  }

  @Test
  void append_sealEvent_isRejected() {
    try (AuditLog log =
        AuditLog.open(dir.resolve("audit.log"), TestClock.ticking(), Samples.SEALED)) {
      assertThatThrownBy(
              () ->
                  log.append(new AuditEvent.Seal(0, 1, "0123456789abcdef", AuditEvent.Seal.CLOSE)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void options_badEpochRecords_isRejectedWithTheValue() {
    assertThatThrownBy(() -> AuditLog.Options.defaults().withEpochRecords(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epochRecords must be in 1..1000000, was 0");
  }

  @Test
  void append_epochFull_doesNotWaitForTheSealsForceAndKeyFile() throws IOException {
    Path file = dir.resolve("audit.log");
    List<Runnable> held = new ArrayList<>();
    AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.SEALED, held::add);
    String key = log.takeVerificationKey().orElseThrow();
    for (int i = 1; i <= 7; i++) {
      log.append(Samples.command("alice", i));
    }

    // The first epoch (4 records) was sealed and the key evolved, yet its force and key file update
    // are
    // still held: the appends after the seal did not wait for them.
    assertThat(log.epoch()).isEqualTo(1);
    assertThat(held).hasSize(1);
    assertThat(Files.readString(dir.resolve("audit.log.key"))).contains("\nepoch 0\n");
    assertThat(AuditLog.verify(file, key))
        .isInstanceOfSatisfying(
            Authentic.class, a -> assertThat(a.keyFile()).isEqualTo(KeyFileState.LAGGING));

    held.forEach(Runnable::run);
    assertThat(Files.readString(dir.resolve("audit.log.key"))).contains("\nepoch 1\n");
    log.close();
    assertThat(AuditLog.verify(file, key))
        .isInstanceOfSatisfying(
            Authentic.class,
            a -> {
              assertThat(a.keyFile()).isEqualTo(KeyFileState.CONSISTENT);
              assertThat(a.unsealedTail()).isZero();
            });
  }
}
