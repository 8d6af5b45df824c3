package dev.rcx.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SyslogFrameTest {
  private static final String LINE =
      "{\"seq\":42,\"ts\":\"2026-12-01T12:00:00.123Z\",\"event\":\"command_run\",\"x\":\"a b\"}";

  private static LogRecord record(String line) {
    byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
    return LogRecord.parse(b, 0, b.length, b.length + 1);
  }

  @Test
  void frame_isOctetCountedRfc5424_withTheRecordAsMsg() {
    byte[] framed = new SyslogFrame("host1", 1234).frame(record(LINE));
    String text = new String(framed, StandardCharsets.ISO_8859_1);
    String message =
        "<85>1 2026-12-01T12:00:00.123Z host1 rcx 1234 command_run [rcx@32473 seq=\"42\"] " + LINE;
    assertThat(text).isEqualTo(message.length() + " " + message);
  }

  @Test
  void headerFields_outsideRfc5424_becomeNilValue() {
    assertThat(SyslogFrame.header("a b", 32)).isEqualTo("-");
    assertThat(SyslogFrame.header("", 32)).isEqualTo("-");
    assertThat(SyslogFrame.header("x".repeat(33), 32)).isEqualTo("-");
    assertThat(SyslogFrame.header("héllo", 32)).isEqualTo("-");
    assertThat(SyslogFrame.header("command_abandoned", 32)).isEqualTo("command_abandoned");
    String odd = "{\"seq\":1,\"ts\":\"yesterday\",\"event\":\"some thing\"}";
    String text = new String(new SyslogFrame("h", 1).frame(record(odd)), StandardCharsets.UTF_8);
    assertThat(text).contains("<85>1 - h rcx 1 - [rcx@32473 seq=\"1\"] " + odd);
  }

  @Test
  void parse_readsSeqTsEvent_keepsTheExactBytes() {
    LogRecord r = record(LINE);
    assertThat(r.seq()).isEqualTo(42);
    assertThat(r.ts()).isEqualTo("2026-12-01T12:00:00.123Z");
    assertThat(r.event()).isEqualTo("command_run");
    assertThat(r.bytes()).isEqualTo(LINE.getBytes(StandardCharsets.ISO_8859_1));
  }
}
