package dev.rcx.syslog;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Turns an audit record into one RFC 5424 message with RFC 6587 octet-counting framing ({@code
 * LENGTH SP SYSLOG-MSG}, no trailer). The fields, documented in the README:
 *
 * <pre>
 * &lt;85&gt;1 TS HOSTNAME rcx PID EVENT [rcx@32473 seq="SEQ"] RECORD
 * </pre>
 *
 * <ul>
 *   <li>PRI 85: facility authpriv (10; the records name users and their commands, and syslog
 *       daemons keep authpriv out of world-readable files), severity notice (5) for every record;
 *   <li>TIMESTAMP: the record's own {@code ts}, so a replayed record is the same message;
 *   <li>APP-NAME {@code rcx}, PROCID the server's pid, MSGID the record's event type;
 *   <li>STRUCTURED-DATA {@code rcx@32473} with the record's {@code seq} (32473 is the enterprise
 *       number RFC 5612 reserves for documentation: rcx has none of its own);
 *   <li>MSG: the record's line exactly as in the log (pure ASCII JSON, so no BOM), which the
 *       collector can verify with {@code rcx audit verify}.
 * </ul>
 */
final class SyslogFrame {
  static final int PRI = 10 * 8 + 5;
  static final String APP_NAME = "rcx";
  static final String SD_ID = "rcx@32473";

  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?(Z|[+-]\\d{2}:\\d{2})");

  private final String hostname;
  private final String procId;

  SyslogFrame(String hostname, long pid) {
    this.hostname = header(hostname, 255);
    this.procId = Long.toString(pid);
  }

  /** The framed message for {@code r}: the octet count, a space, then the RFC 5424 message. */
  byte[] frame(LogRecord r) {
    String ts = TIMESTAMP.matcher(r.ts()).matches() ? r.ts() : "-";
    String head =
        "<"
            + PRI
            + ">1 "
            + ts
            + " "
            + hostname
            + " "
            + APP_NAME
            + " "
            + procId
            + " "
            + header(r.event(), 32)
            + " ["
            + SD_ID
            + " seq=\""
            + r.seq()
            + "\"] ";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] msg = r.bytes();
    byte[] count = (h.length + msg.length + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[count.length + h.length + msg.length];
    System.arraycopy(count, 0, out, 0, count.length);
    System.arraycopy(h, 0, out, count.length, h.length);
    System.arraycopy(msg, 0, out, count.length + h.length, msg.length);
    return out;
  }

  /**
   * A header field as RFC 5424 allows it (1..max printable US-ASCII characters), else the NILVALUE
   * {@code -}.
   */
  static String header(String value, int max) {
    if (value.isEmpty() || value.length() > max) {
      return "-";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 33 || c > 126) {
        return "-";
      }
    }
    return value;
  }
}
