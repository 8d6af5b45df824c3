package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.audit.AuditEvent.AuthFailed;
import dev.rcx.audit.AuditEvent.LogRecovered;
import dev.rcx.audit.VerifyResult.Intact;
import dev.rcx.testing.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class AuditLogTest {
  @TempDir Path dir;

  private static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.US_ASCII);
  }

  private static JsonNode json(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return Json.object(b, b.length);
  }

  private static String sha(String line) {
    byte[] b = line.getBytes(StandardCharsets.US_ASCII);
    return Hashes.hex(Hashes.sha256(b, b.length));
  }

  @Test
  void append_everyEventKind_roundTripsThroughTheFile() throws IOException {
    Path file = dir.resolve("audit.log");
    List<AuditEvent> written = new ArrayList<>();
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED)) {
      for (AuditEvent e : Samples.oneOfEach()) {
        if (!(e instanceof LogRecovered)
            && !(e instanceof AuditEvent.Seal)
            && !(e instanceof AuditEvent.AuditGap)
            && !(e instanceof AuditEvent.AuditRotated)) {
          log.append(e);
          written.add(e);
        }
      }
    }
    List<AuditEvent> read = lines(file).stream().map(l -> EventCodec.read(json(l))).toList();
    assertThat(read).isEqualTo(written);
  }

  @Test
  void encode_everyEventKind_roundTripsThroughTheCodec() {
    for (AuditEvent e : Samples.oneOfEach()) {
      byte[] line = RecordEncoder.line(1, Instant.EPOCH, RecordEncoder.body(e), Hashes.ZERO);
      assertThat(EventCodec.read(Json.object(line, line.length))).isEqualTo(e);
    }
  }

  @Test
  void append_oneEvent_writesFixedKeyOrderNullsAndZeroPrev() throws IOException {
    Path file = dir.resolve("audit.log");
    Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00.123Z"), ZoneOffset.UTC);
    try (AuditLog log = AuditLog.open(file, clock, Samples.UNSEALED)) {
      log.append(new AuthFailed("127.0.0.1:5555", null, "no user given"));
    }
    assertThat(Files.readString(file))
        .isEqualTo(
            "{\"seq\":1,\"ts\":\"2026-11-27T10:00:00.123Z\","
                + "\"event\":\"auth_failed\",\"client\":\"127.0.0.1:5555\",\"user\":null,\"session\":null,"
                + "\"reason\":\"no user given\",\"prev\":\""
                + "0".repeat(64)
                + "\"}\n");
  }

  @Test
  void append_wholeSecond_stillWritesMillis() throws IOException {
    Path file = dir.resolve("audit.log");
    Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
    try (AuditLog log = AuditLog.open(file, clock, Samples.UNSEALED)) {
      log.append(new AuditEvent.ServerStopped("test"));
    }
    assertThat(json(lines(file).get(0)).get("ts").asText()).isEqualTo("2026-11-27T10:00:00.000Z");
  }

  @Test
  void append_manyRecords_chainsEachLineToThePreviousBytes() throws IOException {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED)) {
      for (int i = 0; i < 5; i++) {
        log.append(Samples.command("alice", i));
      }
      assertThat(log.lastSeq()).isEqualTo(5);
    }
    List<String> lines = lines(file);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(json(lines.get(i)).get("seq").asLong()).isEqualTo(i + 1);
      String expectedPrev = i == 0 ? "0".repeat(64) : sha(lines.get(i - 1));
      assertThat(json(lines.get(i)).get("prev").asText()).isEqualTo(expectedPrev);
    }
  }

  @Test
  void open_existingLog_continuesTheChain() throws IOException {
    Path file = dir.resolve("audit.log");
    TestClock clock = TestClock.ticking();
    try (AuditLog log = AuditLog.open(file, clock, Samples.UNSEALED)) {
      log.append(Samples.command("alice", 1));
      log.append(Samples.command("alice", 2));
      log.append(Samples.command("alice", 3));
    }
    try (AuditLog log = AuditLog.open(file, clock, Samples.UNSEALED)) {
      assertThat(log.lastSeq()).isEqualTo(3);
      log.append(Samples.command("bob", 4));
      log.append(Samples.command("bob", 5));
    }
    List<String> lines = lines(file);
    assertThat(json(lines.get(3)).get("seq").asLong()).isEqualTo(4);
    assertThat(json(lines.get(3)).get("prev").asText()).isEqualTo(sha(lines.get(2)));
    assertThat(AuditLog.verify(file)).isEqualTo(new Intact(5));
  }

  @Test
  void append_nonAscii_isEscapedAndStillRoundTrips() throws IOException {
    Path file = dir.resolve("audit.log");
    AuthFailed event =
        new AuthFailed("127.0.0.1:1", "j\u00fcrgen \u2603 \uD83D\uDE00\u001b[2J", "bad password");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED)) {
      log.append(event);
    }
    byte[] bytes = Files.readAllBytes(file);
    assertThat(bytes[bytes.length - 1]).isEqualTo((byte) '\n');
    for (int i = 0; i < bytes.length - 1; i++) {
      assertThat(bytes[i]).as("byte %d", i).isBetween((byte) 0x20, (byte) 0x7e);
    }
    assertThat(EventCodec.read(json(lines(file).get(0)))).isEqualTo(event);
  }

  @Test
  void append_logRecovered_isRejected() {
    try (AuditLog log =
        AuditLog.open(dir.resolve("audit.log"), TestClock.ticking(), Samples.UNSEALED)) {
      assertThatThrownBy(() -> log.append(new LogRecovered(1, 1, "x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("log_recovered");
    }
  }

  @Test
  void append_afterClose_throwsAuditException() {
    AuditLog log = AuditLog.open(dir.resolve("audit.log"), TestClock.ticking(), Samples.UNSEALED);
    log.close();
    log.close();
    assertThatThrownBy(() -> log.append(Samples.command("alice", 1)))
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void open_fileAlreadyOpen_isRefused() {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED)) {
      assertThatThrownBy(() -> AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED))
          .isInstanceOf(AuditException.class)
          .hasMessageContaining("already open");
      log.append(Samples.command("alice", 1)); // the refused open left the first one working
    }
    AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED).close();
  }

  @Test
  void open_newFile_isReadableByOwnerOnly() throws IOException {
    Path file = dir.resolve("audit.log");
    AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED).close();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void open_lastLineIsNotARecord_isRefused() throws IOException {
    Path file = dir.resolve("audit.log");
    Files.writeString(file, "hello world\n");
    assertThatThrownBy(() -> AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED))
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("not a valid record");
    assertThat(Files.readString(file)).isEqualTo("hello world\n");
  }

  @Test
  void discarding_sink_acceptsEventsAndCloses() {
    try (AuditSink sink = AuditSink.discarding()) {
      sink.append(Samples.command("alice", 1));
      assertThatThrownBy(() -> sink.append(null)).isInstanceOf(NullPointerException.class);
    }
  }
}
