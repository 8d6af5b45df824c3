package dev.rcx.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * Builds log lines. A line is {@code {"seq":N,"ts":"...",<body>,"prev":"<hex>"}} (plus {@code
 * ,"mac":"<hex>"} before the closing brace in a sealed log) where the body holds the event name,
 * the common fields (always present, null when absent) and the event's own fields. The body is
 * built outside the log's lock; only the seq/ts/prev frame is added under it.
 */
final class RecordEncoder {
  static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  static final HexFormat HEX = HexFormat.of();
  private static final String MAC_KEY = ",\"mac\":\"";
  private static final int MAC_FIELD_LENGTH = MAC_KEY.length() + 64 + 2;

  private RecordEncoder() {}

  /** The event part of a line, without braces: {@code "event":...,"client":...,...}. */
  static byte[] body(AuditEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.generator(out)) {
      g.writeStartObject();
      g.writeStringField("event", event.eventName());
      g.writeStringField("client", event.client());
      g.writeStringField("user", event.user());
      g.writeStringField("session", event.session());
      EventCodec.writeFields(event, g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode audit event " + event.eventName(), e);
    }
    byte[] object = out.toByteArray();
    byte[] body = new byte[object.length - 2];
    System.arraycopy(object, 1, body, 0, body.length);
    return body;
  }

  /**
   * {@code unsigned} with {@code ,"mac":"<hex>"} inserted before its closing brace. The MAC covers
   * exactly the unsigned line, so a verifier recovers it byte for byte with {@link
   * #unsignedLength}.
   */
  static byte[] signed(byte[] unsigned, byte[] mac) {
    byte[] suffix = (MAC_KEY + HEX.formatHex(mac) + "\"}").getBytes(StandardCharsets.US_ASCII);
    byte[] line = new byte[unsigned.length - 1 + suffix.length];
    System.arraycopy(unsigned, 0, line, 0, unsigned.length - 1);
    System.arraycopy(suffix, 0, line, unsigned.length - 1, suffix.length);
    return line;
  }

  /**
   * If {@code line[0..length)} ends with a MAC field as {@link #signed} writes it, the length of
   * the unsigned line without its closing brace (the verifier appends '}'); otherwise -1.
   */
  static int unsignedLength(byte[] line, int length) {
    int macStart = length - MAC_FIELD_LENGTH;
    if (macStart < 1 || line[length - 1] != '}' || line[length - 2] != '"') {
      return -1;
    }
    for (int i = 0; i < MAC_KEY.length(); i++) {
      if (line[macStart + i] != MAC_KEY.charAt(i)) {
        return -1;
      }
    }
    return macStart;
  }

  /** The hex MAC of a line for which {@link #unsignedLength} is not -1. */
  static String macHex(byte[] line, int length) {
    return new String(line, length - 2 - 64, 64, StandardCharsets.US_ASCII);
  }

  /** A complete line without its newline. */
  static byte[] line(long seq, Instant ts, byte[] body, byte[] prevHash) {
    String head =
        "{\"seq\":" + seq + ",\"ts\":\"" + TS.format(ts.truncatedTo(ChronoUnit.MILLIS)) + "\",";
    String tail = ",\"prev\":\"" + HEX.formatHex(prevHash) + "\"}";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
    byte[] line = new byte[h.length + body.length + t.length];
    System.arraycopy(h, 0, line, 0, h.length);
    System.arraycopy(body, 0, line, h.length, body.length);
    System.arraycopy(t, 0, line, h.length + body.length, t.length);
    return line;
  }
}
