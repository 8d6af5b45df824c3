package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.audit.VerifyResult.Intact;
import dev.rcx.audit.VerifyResult.Tampered;
import dev.rcx.audit.VerifyResult.TornTail;
import dev.rcx.testing.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Unkeyed verification: each kind of tampering names the record that was touched. */
@Timeout(30)
class VerifyTest {
  @TempDir Path dir;
  Path file;
  List<String> lines;

  @BeforeEach
  void sixRecords() throws IOException {
    file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED)) {
      for (int i = 1; i <= 6; i++) {
        log.append(Samples.command("user" + i, i));
      }
    }
    lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.US_ASCII));
  }

  private void rewrite() throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.US_ASCII);
  }

  private static String sha(String line) {
    byte[] b = line.getBytes(StandardCharsets.US_ASCII);
    return Hashes.hex(Hashes.sha256(b, b.length));
  }

  private Tampered tampered() {
    VerifyResult r = AuditLog.verify(file);
    assertThat(r).isInstanceOf(Tampered.class);
    return (Tampered) r;
  }

  @Test
  void verify_untouchedLog_isIntact() {
    assertThat(AuditLog.verify(file)).isEqualTo(new Intact(6));
  }

  @Test
  void verify_emptyFile_isIntactWithNoRecords() throws IOException {
    Files.writeString(file, "");
    assertThat(AuditLog.verify(file)).isEqualTo(new Intact(0));
  }

  @Test
  void verify_editedRecord_namesThatRecord() throws IOException {
    lines.set(2, lines.get(2).replace("\"user3\"", "\"admin\""));
    rewrite();
    Tampered t = tampered();
    assertThat(t.lineNumber()).isEqualTo(3);
    assertThat(t.seq()).isEqualTo(3);
    assertThat(t.reason()).contains("altered");
  }

  @Test
  void verify_editedSecondToLastRecord_namesThatRecord() throws IOException {
    lines.set(4, lines.get(4).replace("\"user5\"", "\"admin\""));
    rewrite();
    assertThat(tampered().lineNumber()).isEqualTo(5);
  }

  @Test
  void verify_deletedRecord_namesTheMissingSeq() throws IOException {
    lines.remove(2);
    rewrite();
    Tampered t = tampered();
    assertThat(t.lineNumber()).isEqualTo(3);
    assertThat(t.seq()).isEqualTo(3);
    assertThat(t.reason()).contains("record seq 3 is missing");
  }

  @Test
  void verify_twoDeletedRecords_namesTheRange() throws IOException {
    lines.remove(2);
    lines.remove(2);
    rewrite();
    assertThat(tampered().reason()).contains("records seq 3..4 are missing");
  }

  @Test
  void verify_deletedFirstRecord_namesSeqOne() throws IOException {
    lines.remove(0);
    rewrite();
    Tampered t = tampered();
    assertThat(t.lineNumber()).isEqualTo(1);
    assertThat(t.seq()).isEqualTo(1);
  }

  @Test
  void verify_insertedCopy_namesTheInsertedLine() throws IOException {
    lines.add(3, lines.get(2).replace("\"user3\"", "\"ghost\""));
    rewrite();
    Tampered t = tampered();
    assertThat(t.lineNumber()).isEqualTo(4);
    assertThat(t.seq()).isEqualTo(3);
  }

  @Test
  void verify_insertedRecordWithMatchingSeqAndPrev_namesTheInsertedLine() throws IOException {
    // A careful forger: the fake line has the next seq and chains to its predecessor, but the
    // original next line
    // still chains to the line before the fake one.
    String fake = lines.get(2).replace("\"seq\":3", "\"seq\":4").replace("\"user3\"", "\"ghost\"");
    fake =
        fake.substring(0, fake.indexOf("\"prev\":\"")) + "\"prev\":\"" + sha(lines.get(2)) + "\"}";
    lines.add(3, fake);
    rewrite();
    Tampered t = tampered();
    assertThat(t.lineNumber()).isEqualTo(4);
    assertThat(t.reason()).contains("inserted");
  }

  @Test
  void verify_swappedRecords_namesTheFirstMovedLine() throws IOException {
    Collections.swap(lines, 2, 3);
    rewrite();
    Tampered t = tampered();
    assertThat(t.lineNumber()).isEqualTo(3);
    assertThat(t.seq()).isEqualTo(4);
  }

  @Test
  void verify_changedSeq_namesThatRecord() throws IOException {
    lines.set(2, lines.get(2).replace("\"seq\":3", "\"seq\":30"));
    rewrite();
    Tampered t = tampered();
    assertThat(t.lineNumber()).isEqualTo(3);
    assertThat(t.seq()).isEqualTo(30);
  }

  @Test
  void verify_unparseableLine_namesIt() throws IOException {
    lines.set(3, "{\"seq\":4, oops");
    rewrite();
    Tampered t = tampered();
    assertThat(t.lineNumber()).isEqualTo(4);
    assertThat(t.reason()).contains("not a valid audit record");
  }

  @Test
  void verify_duplicateKeyLine_isNotAValidRecord() throws IOException {
    lines.set(5, lines.get(5).replace("{\"seq\":6,", "{\"seq\":6,\"seq\":6,"));
    rewrite();
    assertThat(tampered().lineNumber()).isEqualTo(6);
  }

  @Test
  void verify_firstLineWithNonZeroPrev_namesLineOne() throws IOException {
    lines.set(
        0, lines.get(0).replace("\"prev\":\"" + "0".repeat(64), "\"prev\":\"" + "1".repeat(64)));
    rewrite();
    assertThat(tampered().lineNumber()).isEqualTo(1);
  }

  @Test
  void verify_incompleteLastLine_isTornTailNotTampering() throws IOException {
    Files.writeString(file, "{\"seq\":7,\"ts\":\"20", java.nio.file.StandardOpenOption.APPEND);
    assertThat(AuditLog.verify(file)).isEqualTo(new TornTail(6, 17));
  }
}
