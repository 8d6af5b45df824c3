package dev.rcx.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Bytes of command output as they travel in a JSON string: the text itself when the bytes are valid
 * UTF-8 (what clients written from the original design expect), otherwise their base64 with {@code
 * encoding} {@value #BASE64}. Nothing is replaced or lost either way.
 *
 * @param value the text, or the base64 of the bytes
 * @param encoding null for text, or {@value #BASE64}
 */
public record OutputData(String value, @Nullable String encoding) {
  /** The one encoding besides plain UTF-8 text. */
  public static final String BASE64 = "base64";

  /** No bytes. */
  public static final OutputData EMPTY = new OutputData("", null);

  public OutputData {
    Objects.requireNonNull(value, "value");
    checkEncoding(encoding);
  }

  static void checkEncoding(@Nullable String encoding) {
    if (encoding != null && !encoding.equals(BASE64)) {
      throw new IllegalArgumentException(
          "unknown output encoding '" + MessageCodec.clip(encoding) + "'; expected " + BASE64);
    }
  }

  /** Text when {@code bytes} are valid UTF-8, else base64. */
  public static OutputData of(byte[] bytes) {
    return of(bytes, 0, bytes.length);
  }

  /** Text when the {@code length} bytes from {@code offset} are valid UTF-8, else base64. */
  public static OutputData of(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length == 0) {
      return EMPTY;
    }
    String text = strictUtf8(bytes, offset, length);
    if (text != null) {
      return new OutputData(text, null);
    }
    ByteBuffer slice = ByteBuffer.wrap(bytes, offset, length);
    return new OutputData(
        StandardCharsets.ISO_8859_1.decode(Base64.getEncoder().encode(slice)).toString(), BASE64);
  }

  /**
   * The exact bytes.
   *
   * @throws IllegalArgumentException if {@code value} is not valid base64 (only a hostile or broken
   *     peer sends that; {@link MessageCodec#decodeResponse} refuses such a message)
   */
  public byte[] bytes() {
    return encoding == null
        ? value.getBytes(StandardCharsets.UTF_8)
        : Base64.getDecoder().decode(value);
  }

  /** The bytes as text for a person: malformed UTF-8 sequences become U+FFFD. */
  public String text() {
    return encoding == null ? value : new String(bytes(), StandardCharsets.UTF_8);
  }

  /** Whether this carries no bytes. */
  public boolean isEmpty() {
    return value.isEmpty();
  }

  /** The bytes decoded as UTF-8, or null if they are not valid UTF-8. */
  static @Nullable String strictUtf8(byte[] bytes, int offset, int length) {
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, offset, length));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
