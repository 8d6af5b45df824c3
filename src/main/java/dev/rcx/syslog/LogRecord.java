package dev.rcx.syslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One audit record as it is in the log: its frame fields and the exact line.
 *
 * @param seq the record's {@code seq}
 * @param ts its {@code ts} (UTC, RFC 3339 with milliseconds)
 * @param event its {@code event} name
 * @param line the line's exact bytes without the newline, one char per byte (ISO-8859-1), so that
 *     {@link #bytes()} gives back exactly what is on disk
 * @param end the offset just past the line's newline in its file
 */
record LogRecord(long seq, String ts, String event, String line, long end) {
  private static final JsonFactory JSON = new JsonFactory();

  /** The line's bytes, exactly as in the log. */
  byte[] bytes() {
    return line.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Lowercase hex SHA-256 of the line: identifies this record in the cursor. */
  String hash() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * Reads the frame fields of {@code line} (an object whose first keys are seq, ts and event, as
   * the audit log writes them).
   *
   * @throws IllegalArgumentException naming what is wrong with the line
   */
  static LogRecord parse(byte[] buf, int from, int to, long end) {
    long seq = -1;
    String ts = null;
    String event = null;
    try (JsonParser p = JSON.createParser(buf, from, to - from)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME && (seq < 0 || ts == null || event == null)) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "seq" -> {
            if (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 1) {
              throw new IllegalArgumentException("seq must be an integer >= 1");
            }
            seq = p.getLongValue();
          }
          case "ts" -> ts = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "event" -> event = value == JsonToken.VALUE_STRING ? p.getText() : null;
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON", e);
    }
    if (seq < 0 || ts == null || event == null) {
      throw new IllegalArgumentException("seq, ts and event must all be present");
    }
    return new LogRecord(
        seq, ts, event, new String(buf, from, to - from, StandardCharsets.ISO_8859_1), end);
  }
}
