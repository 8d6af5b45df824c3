package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.testing.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rotation of a real log into real files, and verification of the files as one chain. */
@Timeout(120)
class RotationTest {
  private static final long MAX = 4096;

  @TempDir Path dir;

  private AuditLog.Options sealedRotating() {
    return Samples.SEALED.withMaxFileBytes(MAX);
  }

  /** Writes {@code n} command records into a rotating sealed log; returns its verification key. */
  private String history(Path log, int n) {
    try (AuditLog a = AuditLog.open(log, TestClock.ticking(), sealedRotating())) {
      String key = a.takeVerificationKey().orElseThrow();
      for (int i = 0; i < n; i++) {
        a.append(Samples.command("alice", i));
      }
      return key;
    }
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  private static JsonNode json(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return Json.object(b, b.length);
  }

  @Test
  void rotate_bySize_filesSortBySeqEndInASealAndLinkToTheirPredecessor() throws IOException {
    Path log = dir.resolve("audit.log");
    String key = history(log, 120);
    List<AuditFiles.Segment> files = AuditFiles.list(log);
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);
    assertThat(files.getLast().current()).isTrue();
    assertThat(files.getFirst().name()).isEqualTo("audit-000000000001.log");
    for (int k = 0; k < files.size(); k++) {
      AuditFiles.Segment f = files.get(k);
      List<String> l = lines(f.path());
      assertThat(json(l.getFirst()).path("seq").asLong()).isEqualTo(f.firstSeq());
      if (!f.current()) {
        // a closed file stays near the limit: the record that would pass it went to the next file
        assertThat(Files.size(f.path())).isLessThanOrEqualTo(MAX + 512);
        // closed with a seal: the rotation's own, or the one that just ended a full epoch
        JsonNode seal = json(l.getLast());
        assertThat(seal.path("event").asText()).isEqualTo("seal");
        assertThat(seal.path("reason").asText()).isIn("rotate", "epoch_full");
      }
      if (k > 0) {
        JsonNode first = json(l.getFirst());
        List<String> before = lines(files.get(k - 1).path());
        byte[] last = before.getLast().getBytes(StandardCharsets.UTF_8);
        assertThat(first.path("event").asText()).isEqualTo("audit_rotated");
        assertThat(first.path("previous_file").asText()).isEqualTo(files.get(k - 1).name());
        assertThat(first.path("prev").asText())
            .isEqualTo(Hashes.hex(Hashes.sha256(last, last.length)));
        assertThat(first.path("previous_last_hash").asText())
            .isEqualTo(first.path("prev").asText());
        assertThat(first.path("trigger").asText()).isEqualTo("size");
      }
    }
    FilesVerifyResult plain = AuditLog.verifyFiles(log);
    assertThat(plain).isInstanceOf(FilesVerifyResult.Verified.class);
    assertThat(((FilesVerifyResult.Verified) plain).files()).hasSize(files.size());
    assertThat(((FilesVerifyResult.Verified) plain).firstSeq()).isEqualTo(1);
    FilesVerifyResult keyed = AuditLog.verifyFiles(log, key);
    assertThat(keyed.summary()).contains("authentic").contains("key file consistent");
    assertThat(keyed).isInstanceOf(FilesVerifyResult.Verified.class);
    assertThat(((FilesVerifyResult.Verified) keyed).earlierArchived()).isFalse();
  }

  @Test
  void rotate_concurrentAppenders_everyRecordOnceInOrderAcrossFiles() throws Exception {
    Path log = dir.resolve("audit.log");
    int threads = 8;
    int perThread = 150;
    String key;
    // fsync durability: group commit forces race the rotation's close of the old file; small
    // epochs: the background seal writer races it too.
    // A free-space reserve: its check, made before the lock, must never see the moment between
    // the rename and the new file as a full disk.
    AuditLog.Options options =
        Samples.SEALED
            .withDurability(Durability.FSYNC)
            .withMaxFileBytes(MAX)
            .withEpochRecords(7)
            .withMinFreeBytes(1);
    try (AuditLog a = AuditLog.open(log, TestClock.ticking(), options)) {
      key = a.takeVerificationKey().orElseThrow();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      try {
        for (int t = 0; t < threads; t++) {
          String user = "u" + t;
          done.add(
              pool.submit(
                  () -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                      a.appendReserved(Samples.command(user, i));
                      if (i % 50 == 25 && user.equals("u0")) {
                        a.rotate(); // requested rotations among the size-triggered ones
                      }
                    }
                    return null;
                  }));
        }
        go.countDown();
        for (Future<?> f : done) {
          f.get(100, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    List<AuditFiles.Segment> files = AuditFiles.list(log);
    assertThat(files).hasSizeGreaterThanOrEqualTo(5);
    Set<String> seen = new HashSet<>();
    long expectedSeq = 1;
    for (AuditFiles.Segment f : files) {
      for (String line : lines(f.path())) {
        JsonNode n = json(line);
        assertThat(n.path("seq").asLong()).isEqualTo(expectedSeq++);
        if (n.path("event").asText().equals("command_run")) {
          String id = n.path("user").asText() + "/" + n.path("argv").get(1).asText();
          assertThat(seen.add(id)).as("record %s written once", id).isTrue();
        }
      }
    }
    assertThat(seen).hasSize(threads * perThread);
    assertThat(AuditLog.verifyFiles(log, key)).isInstanceOf(FilesVerifyResult.Verified.class);
  }

  @Test
  void verifyFiles_missingMiddleFile_namesTheGap() throws IOException {
    Path log = dir.resolve("audit.log");
    String key = history(log, 120);
    List<AuditFiles.Segment> files = AuditFiles.list(log);
    AuditFiles.Segment removed = files.get(1);
    long from = removed.firstSeq();
    long to = files.get(2).firstSeq() - 1;
    Files.delete(removed.path());

    for (FilesVerifyResult r : List.of(AuditLog.verifyFiles(log), AuditLog.verifyFiles(log, key))) {
      assertThat(r).isInstanceOf(FilesVerifyResult.MissingFile.class);
      FilesVerifyResult.MissingFile m = (FilesVerifyResult.MissingFile) r;
      assertThat(m.fromSeq()).isEqualTo(from);
      assertThat(m.toSeq()).isEqualTo(to);
      assertThat(m.named()).isEqualTo(removed.name());
      assertThat(m.summary())
          .startsWith("MISSING FILE: records seq " + from + ".." + to)
          .contains(files.get(0).name())
          .contains(files.get(2).name());
    }
  }

  @Test
  void verifyFiles_editedRecordInAClosedFile_isTamperedNamingFileAndLine() throws IOException {
    Path log = dir.resolve("audit.log");
    String key = history(log, 120);
    Path closed = AuditFiles.list(log).get(1).path();
    List<String> l = new ArrayList<>(lines(closed));
    l.set(3, l.get(3).replace("\"/bin/echo\"", "\"/bin/ech0\""));
    Files.write(closed, l);

    FilesVerifyResult plain = AuditLog.verifyFiles(log);
    assertThat(plain).isInstanceOf(FilesVerifyResult.Tampered.class);
    assertThat(((FilesVerifyResult.Tampered) plain).file())
        .isEqualTo(closed.getFileName().toString());
    assertThat(((FilesVerifyResult.Tampered) plain).lineNumber()).isEqualTo(4);
    FilesVerifyResult keyed = AuditLog.verifyFiles(log, key);
    assertThat(keyed).isInstanceOf(FilesVerifyResult.Tampered.class);
    assertThat(keyed.summary()).contains(closed.getFileName().toString()).contains("line 4");
  }

  @Test
  void verifyFiles_editedLastRecordOfAClosedFile_isCaughtByTheNextFilesLink() throws IOException {
    Path log = dir.resolve("audit.log");
    history(log, 120);
    Path closed = AuditFiles.list(log).get(0).path();
    List<String> l = new ArrayList<>(lines(closed));
    l.set(l.size() - 1, l.getLast().replace("\"ts\":\"2026", "\"ts\":\"2025"));
    Files.write(closed, l);

    FilesVerifyResult r = AuditLog.verifyFiles(log);
    assertThat(r).isInstanceOf(FilesVerifyResult.Tampered.class);
    assertThat(r.summary())
        .contains("the last record of " + closed.getFileName())
        .contains("was altered");
  }

  @Test
  void verifyFiles_reorderedFiles_areTampered() throws IOException {
    Path log = dir.resolve("audit.log");
    history(log, 120);
    List<AuditFiles.Segment> files = AuditFiles.list(log);
    // Swap the contents of two closed files: names keep their order, records do not.
    Path a = files.get(0).path();
    Path b = files.get(1).path();
    byte[] x = Files.readAllBytes(a);
    Files.write(a, Files.readAllBytes(b));
    Files.write(b, x);
    assertThat(AuditLog.verifyFiles(log)).isNotInstanceOf(FilesVerifyResult.Verified.class);
  }

  @Test
  void verifyFiles_oldestFilesDeleted_restVerifiesAndSaysWhereItStarts() throws IOException {
    Path log = dir.resolve("audit.log");
    String key = history(log, 120);
    List<AuditFiles.Segment> files = AuditFiles.list(log);
    Files.delete(files.get(0).path());
    Files.delete(files.get(1).path());
    AuditFiles.Segment oldest = files.get(2);

    for (FilesVerifyResult r : List.of(AuditLog.verifyFiles(log), AuditLog.verifyFiles(log, key))) {
      assertThat(r).as(r.summary()).isInstanceOf(FilesVerifyResult.Verified.class);
      FilesVerifyResult.Verified v = (FilesVerifyResult.Verified) r;
      assertThat(v.earlierArchived()).isTrue();
      assertThat(v.firstSeq()).isEqualTo(oldest.firstSeq());
      assertThat(v.summary())
          .contains("starts at file " + oldest.name() + " (seq " + oldest.firstSeq() + ")")
          .contains("earlier files archived")
          .doesNotContain("TAMPERED");
    }
    // An edit in what remains is still found, with the key too.
    List<String> l = new ArrayList<>(lines(oldest.path()));
    l.set(2, l.get(2).replace("alice", "alicf"));
    Files.write(oldest.path(), l);
    assertThat(AuditLog.verifyFiles(log, key)).isInstanceOf(FilesVerifyResult.Tampered.class);
  }

  @Test
  void verifyFiles_archivedPrefixWithForgedEpoch_failsTheMac() throws IOException {
    Path log = dir.resolve("audit.log");
    String key = history(log, 120);
    List<AuditFiles.Segment> files = AuditFiles.list(log);
    Files.delete(files.get(0).path());
    Path oldest = files.get(1).path();
    List<String> l = new ArrayList<>(lines(oldest));
    JsonNode first = json(l.getFirst());
    long epoch = first.path("epoch").asLong();
    l.set(0, l.getFirst().replace("\"epoch\":" + epoch, "\"epoch\":" + (epoch + 1)));
    Files.write(oldest, l);
    assertThat(AuditLog.verifyFiles(log, key)).isInstanceOf(FilesVerifyResult.Tampered.class);
  }

  @Test
  void open_afterRotation_continuesTheChainAndTheEpochs() throws IOException {
    Path log = dir.resolve("audit.log");
    String key = history(log, 60);
    long before = AuditFiles.list(log).size();
    try (AuditLog a = AuditLog.open(log, TestClock.ticking(), sealedRotating())) {
      assertThat(a.takeVerificationKey()).isEmpty();
      for (int i = 0; i < 60; i++) {
        a.append(Samples.command("bob", i));
      }
    }
    assertThat(AuditFiles.list(log).size()).isGreaterThan((int) before);
    FilesVerifyResult r = AuditLog.verifyFiles(log, key);
    assertThat(r).as(r.summary()).isInstanceOf(FilesVerifyResult.Verified.class);
  }

  @Test
  void open_crashAfterRenameBeforeTheNextFile_continuesFromTheClosedFile() throws IOException {
    Path log = dir.resolve("audit.log");
    String key = history(log, 10);
    // What a crash right after the rename leaves: the closed file and no current one (or an
    // empty one).
    long first = AuditFiles.firstSeqOf(log);
    Path closed = AuditFiles.closedName(log, first);
    Files.move(log, closed);
    Files.write(log, "{\"seq\":".getBytes(StandardCharsets.US_ASCII)); // a torn first record

    try (AuditLog a = AuditLog.open(log, TestClock.ticking(), sealedRotating())) {
      a.append(Samples.command("carol", 1));
    }
    List<String> l = lines(log);
    assertThat(json(l.get(0)).path("event").asText()).isEqualTo("audit_rotated");
    assertThat(json(l.get(0)).path("trigger").asText()).isEqualTo("resumed");
    assertThat(json(l.get(1)).path("event").asText()).isEqualTo("log_recovered");
    FilesVerifyResult r = AuditLog.verifyFiles(log, key);
    assertThat(r).as(r.summary()).isInstanceOf(FilesVerifyResult.Verified.class);
  }

  @Test
  void rotate_closedNameTaken_refusesAndNeverOverwrites() throws IOException {
    Path log = dir.resolve("audit.log");
    try (AuditLog a = AuditLog.open(log, TestClock.ticking(), Samples.SEALED)) {
      a.append(Samples.command("alice", 1));
      Path taken = AuditFiles.closedName(log, 1);
      Files.writeString(taken, "precious\n");
      assertThatThrownBy(a::rotate)
          .isInstanceOf(AuditUnavailableException.class)
          .hasMessageContaining(taken.getFileName().toString());
      assertThat(Files.readString(taken)).isEqualTo("precious\n");
      Files.delete(taken);
    } catch (AuditException e) {
      // close during the outage reports it; what matters is above
    }
  }

  @Test
  void scanAll_commandOpenAcrossRotations_isFoundWithItsPid() throws IOException {
    Path log = dir.resolve("audit.log");
    String client = Samples.CLIENT;
    try (AuditLog a = AuditLog.open(log, TestClock.ticking(), sealedRotating())) {
      a.append(
          new AuditEvent.CommandStarted(
              client, "alice", "s1", "00aa", "sleep", List.of("/bin/sleep", "60"), 30_000));
      a.append(
          new AuditEvent.CommandStarted(
              client, "alice", "s1", "00bb", "sleep", List.of("/bin/sleep", "61"), 30_000));
      a.rotate();
      a.append(new AuditEvent.CommandLaunched(client, "alice", "s1", "00aa", 4242, 4242L, 7L));
      a.rotate();
      a.append(
          new AuditEvent.CommandAbandoned(
              "00bb", null, AuditEvent.CommandAbandoned.NOT_LAUNCHED, "test"));
      for (int i = 0; i < 80; i++) {
        a.append(Samples.command("alice", i)); // more rotations by size
      }
    }
    assertThat(AuditFiles.list(log)).hasSizeGreaterThanOrEqualTo(4);
    List<CommandLedger.Open> open = CommandLedger.scanAll(log);
    assertThat(open)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.commandId()).isEqualTo("00aa");
              assertThat(o.pid()).isEqualTo(4242L);
              assertThat(o.argv()).containsExactly("/bin/sleep", "60");
            });
    // The start's file archived away: still found, by id, with its pid.
    Files.delete(AuditFiles.list(log).getFirst().path());
    assertThat(CommandLedger.scanAll(log))
        .singleElement()
        .satisfies(o -> assertThat(o.pid()).isEqualTo(4242L));
  }

  @Test
  void options_maxFileBytesBelowTheMinimum_isRefused() {
    assertThatThrownBy(() -> Samples.SEALED.withMaxFileBytes(100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4096");
  }

  @Test
  void tailFiles_justRotated_readsBackIntoTheClosedFile() throws IOException {
    Path log = dir.resolve("audit.log");
    try (AuditLog a = AuditLog.open(log, TestClock.ticking(), Samples.UNSEALED)) {
      for (int i = 0; i < 5; i++) {
        a.append(Samples.command("alice", i));
      }
      a.rotate();
      a.append(Samples.command("alice", 5));
    }
    List<String> tail = AuditLog.tailFiles(log, 4);
    assertThat(tail).hasSize(4);
    assertThat(json(tail.get(0)).path("argv").get(1).asText()).isEqualTo("3");
    assertThat(json(tail.get(2)).path("event").asText()).isEqualTo("audit_rotated");
  }
}
