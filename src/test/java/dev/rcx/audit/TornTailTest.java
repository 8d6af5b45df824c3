package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.audit.VerifyResult.Intact;
import dev.rcx.audit.VerifyResult.TornTail;
import dev.rcx.testing.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TornTailTest {
  @TempDir Path dir;

  private static JsonNode json(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return Json.object(b, b.length);
  }

  @Test
  void open_tornLastLine_copiesItCutsItAndRecordsTheRecovery() throws IOException {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED)) {
      for (int i = 1; i <= 3; i++) {
        log.append(Samples.command("alice", i));
      }
    }
    long goodSize = Files.size(file);
    String partial = "{\"seq\":4,\"ts\":\"2026-11-27T10:00:01.000Z\",\"event\":\"comm";
    Files.writeString(file, partial, StandardOpenOption.APPEND);
    assertThat(AuditLog.verify(file)).isEqualTo(new TornTail(3, partial.length()));

    Instant reopenedAt = Instant.parse("2026-11-28T08:09:10.011Z");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(reopenedAt), Samples.UNSEALED)) {
      assertThat(log.lastSeq()).isEqualTo(4);
      log.append(Samples.command("alice", 5));
    }

    Path torn = dir.resolve("audit.log.torn-20261128T080910.011Z");
    assertThat(torn).hasContent(partial);
    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    assertThat(lines).hasSize(5);
    assertThat(Files.readString(file)).doesNotContain("\"comm\n").doesNotContain(partial);
    assertThat(Files.size(file)).isGreaterThan(goodSize);
    JsonNode recovered = json(lines.get(3));
    assertThat(recovered.get("event").asText()).isEqualTo("log_recovered");
    assertThat(recovered.get("seq").asLong()).isEqualTo(4);
    assertThat(recovered.get("last_good_seq").asLong()).isEqualTo(3);
    assertThat(recovered.get("dropped_bytes").asLong()).isEqualTo(partial.length());
    assertThat(recovered.get("torn_file").asText()).isEqualTo(torn.getFileName().toString());
    assertThat(AuditLog.verify(file)).isEqualTo(new Intact(5));
  }

  @Test
  void open_fileIsOnlyATornLine_startsTheChainAfresh() throws IOException {
    Path file = dir.resolve("audit.log");
    Files.writeString(file, "{\"seq\":1,\"ts");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED)) {
      assertThat(log.lastSeq()).isEqualTo(1);
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    assertThat(lines).hasSize(1);
    assertThat(json(lines.get(0)).get("last_good_seq").asLong()).isZero();
    assertThat(AuditLog.verify(file)).isEqualTo(new Intact(1));
  }

  @Test
  void open_twoCrashesInTheSameMillisecond_keepsBothTornCopies() throws IOException {
    Path file = dir.resolve("audit.log");
    Instant at = Instant.parse("2026-11-28T08:09:10.011Z");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED)) {
      log.append(Samples.command("alice", 1));
    }
    Files.writeString(file, "first", StandardOpenOption.APPEND);
    AuditLog.open(file, Clock.fixed(at, ZoneOffset.UTC), Samples.UNSEALED).close();
    Files.writeString(file, "second", StandardOpenOption.APPEND);
    AuditLog.open(file, Clock.fixed(at, ZoneOffset.UTC), Samples.UNSEALED).close();
    assertThat(dir.resolve("audit.log.torn-20261128T080910.011Z")).hasContent("first");
    assertThat(dir.resolve("audit.log.torn-20261128T080910.011Z-2")).hasContent("second");
    assertThat(AuditLog.verify(file)).isEqualTo(new Intact(3));
  }

  @Test
  void open_refusedLogWithATornTail_isLeftUntouched() throws IOException {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED)) {
      log.append(Samples.command("alice", 1));
    }
    Files.writeString(file, "{\"seq\":2,", StandardOpenOption.APPEND);
    byte[] before = Files.readAllBytes(file);
    // Sealing on, but the log has no key file: refused, and the torn tail must still be there for
    // the right open.
    assertThatThrownBy(() -> AuditLog.open(file, TestClock.ticking(), Samples.SEALED))
        .isInstanceOf(AuditException.class);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".torn-"));
    }
  }
}
