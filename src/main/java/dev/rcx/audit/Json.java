package dev.rcx.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The one JSON configuration of the log. Output escapes every non-ASCII character, so a line is
 * pure ASCII and its bytes (which the hash chain covers) do not depend on any encoder's choice.
 * Input rejects duplicate keys and trailing content, so a line has exactly one meaning.
 */
final class Json {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // Records are written on the callers' (virtual) threads; per-thread buffers would stay
          // with each connection.
          .recyclerPool(JsonRecyclerPools.sharedBoundedPool())
          .build();
  private static final ObjectMapper MAPPER =
      new ObjectMapper(FACTORY).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  static JsonGenerator generator(ByteArrayOutputStream out) throws IOException {
    return FACTORY.createGenerator(out, JsonEncoding.UTF8);
  }

  /**
   * Parses one line as a JSON object.
   *
   * @throws IllegalArgumentException if it is not exactly one JSON object
   */
  static JsonNode object(byte[] line, int length) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line, 0, length);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return node;
  }
}
