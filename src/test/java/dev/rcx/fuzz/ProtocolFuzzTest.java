package dev.rcx.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rcx.protocol.LineReader;
import dev.rcx.protocol.LineTooLongException;
import dev.rcx.protocol.MessageCodec;
import dev.rcx.protocol.ProtocolException;
import dev.rcx.protocol.Request;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/**
 * Feeds arbitrary bytes through the server's request path: the bounded {@link LineReader}, then
 * {@link MessageCodec#decodeRequest}. Whatever arrives, the only outcomes are a line (never longer
 * than the limit) decoded to a request or refused with a ProtocolException, a LineTooLongException,
 * or an EOFException; any other throwable is a finding. A decoded request must survive re-encoding,
 * because the server echoes its fields (the id) back and writes them to the audit log.
 */
class ProtocolFuzzTest {
  private static final int MAX_LINE = 1024;
  private static final int MAX_ERROR_MESSAGE = 512;
  private static final MessageCodec CODEC = new MessageCodec(MAX_LINE);

  @FuzzTest(maxDuration = "5m")
  @DictionaryEntries({
    "{\"type\":\"auth\",",
    "{\"type\":\"command\",",
    "{\"type\":\"logout\",",
    "{\"type\":\"ping\"}",
    "\"username\":",
    "\"password_hash\":",
    "\"session_token\":",
    "\"command\":",
    "\"args\":[",
    "\"id\":",
    "\"type\":",
    "\\u0000",
    "\\ud800",
    "\\udc00",
    "1e999999",
  })
  void lineReaderAndDecoder_anyBytes_onlyRequestOrProtocolError(byte[] input) throws IOException {
    LineReader reader = new LineReader(new ByteArrayInputStream(input), MAX_LINE);
    // Every line consumes at least its newline, so there are at most input.length + 1 reads.
    for (int reads = 0; reads <= input.length + 1; reads++) {
      byte[] line;
      try {
        line = reader.readLine();
      } catch (LineTooLongException | EOFException e) {
        return;
      }
      if (line == null) {
        return;
      }
      assertThat(line.length).isLessThanOrEqualTo(MAX_LINE);
      decodeAndReencode(line);
    }
    throw new AssertionError("LineReader returned more lines than the input has bytes");
  }

  private static void decodeAndReencode(byte[] line) {
    Request request;
    try {
      request = CODEC.decodeRequest(line);
    } catch (ProtocolException e) {
      assertThat(e.code()).isNotNull();
      // Error messages quote the offending value only in part, so a hostile line cannot blow up a
      // reply or a log.
      assertThat(e.getMessage()).isNotNull().hasSizeLessThanOrEqualTo(MAX_ERROR_MESSAGE);
      CODEC.encode(e.toResponse());
      return;
    }
    assertThat(request).isNotNull();
    byte[] encoded = CODEC.encode(request);
    try {
      assertThat(CODEC.decodeRequest(Arrays.copyOf(encoded, encoded.length - 1)))
          .isEqualTo(request);
    } catch (ProtocolException e) {
      throw new AssertionError(
          "re-encoded request " + request + " no longer decodes: " + e.getMessage(), e);
    }
  }
}
