package dev.rcx.audit;

import com.fasterxml.jackson.databind.JsonNode;

/** The frame fields of one log line, checked for shape only (not for chain or MAC). */
record ParsedLine(long seq, String prev, String event, JsonNode node) {

  /**
   * Parses a complete line (without its newline).
   *
   * @throws IllegalArgumentException naming what is wrong with the line
   */
  static ParsedLine parse(byte[] line, int length) {
    JsonNode n = Json.object(line, length);
    JsonNode seq = n.get("seq");
    if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 1) {
      throw new IllegalArgumentException("seq must be an integer >= 1");
    }
    JsonNode ts = n.get("ts");
    if (ts == null || !ts.isTextual()) {
      throw new IllegalArgumentException("ts must be a string");
    }
    JsonNode event = n.get("event");
    if (event == null || !event.isTextual() || event.textValue().isEmpty()) {
      throw new IllegalArgumentException("event must be a non-empty string");
    }
    JsonNode prev = n.get("prev");
    if (prev == null || !prev.isTextual() || !isHash(prev.textValue())) {
      throw new IllegalArgumentException("prev must be 64 lowercase hex digits");
    }
    return new ParsedLine(seq.longValue(), prev.textValue(), event.textValue(), n);
  }

  static boolean isHash(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
