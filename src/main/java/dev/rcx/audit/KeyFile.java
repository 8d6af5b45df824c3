package dev.rcx.audit;

import dev.rcx.files.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * The evolving key state beside a sealed log, {@code <log>.key}, mode 600:
 *
 * <pre>
 * rcx-audit-keystate v1
 * key_id 0123456789abcdef
 * epoch_records 64
 * epoch 7
 * key &lt;base64url K_7, 43 chars&gt;
 * </pre>
 *
 * {@code epoch} is the number of seals the writer had made durable in the log when the file was
 * written. It is replaced atomically (temp file, fsync, rename, fsync of the directory). The parser
 * handles the key bytes without making Strings of them, so they can be wiped.
 */
final class KeyFile {
  private static final String HEADER = "rcx-audit-keystate v1";

  /** Parsed contents; {@code key} belongs to the caller, who wipes it. */
  // Internal; the caller zeroes the key once it has taken it over.
  @SuppressWarnings("ArrayRecordComponent")
  record State(String keyId, int epochRecords, long epoch, byte[] key) {}

  private KeyFile() {}

  static Path pathFor(Path log) {
    return log.resolveSibling(log.getFileName() + ".key");
  }

  /** The state, or null if the file does not exist. */
  static @Nullable State read(Path keyFile) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(keyFile);
    } catch (NoSuchFileException e) {
      return null;
    }
    try {
      return parse(bytes, keyFile);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static State parse(byte[] bytes, Path keyFile) throws IOException {
    int[] ends = new int[5];
    int count = 0;
    for (int i = 0; i < bytes.length && count < 5; i++) {
      if (bytes[i] == '\n') {
        ends[count++] = i;
      }
    }
    if (count != 5 || ends[4] != bytes.length - 1) {
      throw invalid(keyFile, "expected exactly 5 lines");
    }
    String header = ascii(bytes, 0, ends[0]);
    String keyId = field(bytes, ends[0] + 1, ends[1], "key_id ", keyFile);
    String epochRecords = field(bytes, ends[1] + 1, ends[2], "epoch_records ", keyFile);
    String epoch = field(bytes, ends[2] + 1, ends[3], "epoch ", keyFile);
    if (!HEADER.equals(header)
        || !keyId.matches("[0-9a-f]{16}")
        || !epochRecords.matches("[1-9][0-9]{0,8}")
        || !epoch.matches("0|[1-9][0-9]{0,17}")) {
      throw invalid(keyFile, "bad header, key_id, epoch_records or epoch");
    }
    int keyStart = ends[3] + 1 + "key ".length();
    if (ends[4] - keyStart != 43 || !startsWith(bytes, ends[3] + 1, "key ")) {
      throw invalid(keyFile, "bad key line");
    }
    byte[] encoded = Arrays.copyOfRange(bytes, keyStart, ends[4]);
    try {
      byte[] key = Base64.getUrlDecoder().decode(encoded);
      if (key.length != EpochKeys.KEY_BYTES) {
        Arrays.fill(key, (byte) 0);
        throw invalid(keyFile, "key is not " + EpochKeys.KEY_BYTES + " bytes");
      }
      return new State(keyId, Integer.parseInt(epochRecords), Long.parseLong(epoch), key);
    } catch (IllegalArgumentException e) {
      throw invalid(keyFile, "key is not base64url");
    } finally {
      Arrays.fill(encoded, (byte) 0);
    }
  }

  /** Replaces the key file atomically and durably. Does not keep or wipe {@code key}. */
  static void write(Path keyFile, String keyId, int epochRecords, long epoch, byte[] key)
      throws IOException {
    byte[] head =
        (HEADER
                + "\nkey_id "
                + keyId
                + "\nepoch_records "
                + epochRecords
                + "\nepoch "
                + epoch
                + "\nkey ")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] encoded = Base64.getUrlEncoder().withoutPadding().encode(key);
    ByteBuffer buf = ByteBuffer.allocate(head.length + encoded.length + 1);
    buf.put(head).put(encoded).put((byte) '\n').flip();
    try {
      AtomicFiles.replace(keyFile, buf.array());
    } finally {
      Arrays.fill(encoded, (byte) 0);
      Arrays.fill(buf.array(), (byte) 0);
    }
  }

  private static String field(byte[] b, int from, int to, String name, Path keyFile)
      throws IOException {
    if (!startsWith(b, from, name) || from + name.length() > to) {
      throw invalid(keyFile, "expected '" + name.strip() + "'");
    }
    return ascii(b, from + name.length(), to);
  }

  private static boolean startsWith(byte[] b, int from, String prefix) {
    if (from + prefix.length() > b.length) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (b[from + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static String ascii(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.US_ASCII);
  }

  private static IOException invalid(Path keyFile, String why) {
    return new IOException("key file " + keyFile + " is not a valid rcx key state: " + why);
  }
}
