package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret a client sends reaches a reply or the audit log, whatever position it is sent in: a
 * live session token and the password's SHA-256 (the protocol's {@code password_hash}) are put into
 * every malformed or misplaced position (bare, unquoted, as a field name, a type, an id, a user
 * name, a duplicate key, inside a broken string, after the value, in a command) over a real TLS
 * connection, and neither the replies nor any file in the data directory may hold any 16-character
 * piece of either.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecretsTest {
  private static final String USER = "keeper";
  private static final String PASSWORD = "correct horse battery staple";
  private static final int WINDOW = 16;

  @TempDir Path dir;

  @Test
  @SuppressWarnings("try") // closes the server inside the try to read its final log, then reads it
  void tokensAndHashesInEveryMalformedPosition_neverInRepliesOrAuditLog() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      String token = Hostile.token(s, USER, PASSWORD);
      String hash =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8(PASSWORD)));
      List<byte[]> lines = new ArrayList<>();
      for (String template : templates()) {
        lines.add(utf8(fill(template, token, hash)));
      }
      lines.add(concat(utf8("{\"type\":\"" + token), new byte[] {(byte) 0xff}, utf8("\"}")));
      lines.add(concat(utf8("{\"session_token\":\"" + token + "\u0001\"}")));

      for (int i = 0; i < lines.size(); i++) {
        // One connection and one source address per line: neither the per-connection error limit
        // nor the per-address audit rate limit may hide what this line would make the server log.
        try (Wire w = Hostile.wireFrom(s, "127.0.3." + (i + 1))) {
          w.write(lines.get(i)).write("\n");
          String reply = readLineOrNull(w);
          assertNoSecret(
              "reply to " + new String(lines.get(i), StandardCharsets.UTF_8),
              String.valueOf(reply),
              token,
              hash);
        }
      }
      // The token was never revoked or disturbed by any of this.
      try (Wire w = Hostile.wireFrom(s, "127.0.3.250")) {
        assertThat(w.call(Hostile.command(token, "echo still-valid")).path("type").asText())
            .isEqualTo("command_output");
      }
      s.close();
      String audit = Files.readString(s.auditFile());
      assertThat(s.auditEvents("protocol_error"))
          .as("protocol errors recorded")
          .hasSizeGreaterThan(20);
      assertThat(s.auditEvents("auth_failed")).as("failed logins recorded").hasSizeGreaterThan(1);
      assertNoSecret("audit log", audit, token, hash);
      try (Stream<Path> files = Files.list(s.dataDir())) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertNoSecret(
              f.toString(), Files.readString(f, StandardCharsets.ISO_8859_1), token, hash);
        }
      }
    }
  }

  /** T is the live session token, H the password's SHA-256 hex. */
  static List<String> templates() {
    return List.of(
        "T",
        "H",
        "{T}",
        "{T:1}",
        "{'T':1}",
        "{\"type\":\"command\",\"session_token\":T,\"command\":\"id\"}",
        "{\"type\":\"command\",\"session_token\":T}",
        "{\"type\":\"logout\",\"session_token\":T}",
        "{\"type\":\"auth\",\"username\":\"keeper\",\"password_hash\":H}",
        "{\"type\":\"auth\",\"username\":\"keeper\",\"password_hash\":1H}",
        "{\"type\":\"auth\",\"username\":H,\"password_hash\":\"H\"}",
        "{\"type\":\"auth\",\"username\":\"H\",\"password_hash\":\"H\"}",
        "{\"type\":\"auth\",\"username\":\"T\",\"password_hash\":\"H\"}",
        "{\"type\":\"auth\",\"username\":\"T\"}",
        "{\"type\":\"auth\",\"username\":\"keeper\",\"password_hash\":\"Hx\"}",
        "{\"type\":\"auth\",\"username\":\"keeper\",\"password_hash\":\"H\",\"password_hash\":\"H\"}",
        "{\"type\":\"auth\",\"username\":\"keeper\",\"password_hash\":\"H\",\"H\":1}",
        "{\"type\":\"auth\",\"username\":\"keeper\",\"password_hash\":[\"H\"]}",
        "{\"type\":T}",
        "{\"type\":\"T\"}",
        "{\"type\":\"H\"}",
        "{\"type\":[\"T\"]}",
        "{\"type\":\"ping\",\"T\":1}",
        "{\"type\":\"ping\",\"H\":1}",
        "{\"T\":1,\"T\":2}",
        "{\"type\":\"ping\",\"id\":T}",
        "{\"type\":\"ping\",\"id\":[\"T\"]}",
        "{\"type\":\"ping\",\"id\":\"TTTT\"}",
        "{\"type\":\"ping\"} T",
        "{\"type\":\"ping\"} \"H\"",
        "[T]",
        "[\"T\"]",
        "{\"type\":\"command\",\"session_token\":\"T\"",
        "{\"type\":\"command\",\"session_token\":\"T",
        "{\"type\":\"command\",\"session_token\":\"T\\q\"}",
        "{\"type\":\"command\",\"session_token\":[\"T\"],\"command\":\"id\"}",
        "{\"type\":\"command\",\"session_token\":\"T\",\"command\":[\"T\"]}",
        "{\"type\":\"command\",\"session_token\":\"T\",\"command\":\"id\",\"args\":\"T\"}",
        "{\"type\":\"command\",\"session_token\":\"T\",\"command\":\"id\",\"args\":[T]}",
        "{\"type\":\"command\",\"session_token\":\"T\",\"command\":\"id\",\"T\":\"x\"}",
        "{\"type\":\"command\",\"session_token\":\"TT\",\"command\":\"id\"}",
        "{\"type\":\"command\",\"session_token\":\"T\",\"command\":\"echo T\"}",
        "{\"type\":\"command\",\"session_token\":\"T\",\"command\":\"echo\",\"args\":[\"xTx\"]}",
        "{\"type\":\"command\",\"session_token\":\"T\",\"command\":\"T\"}",
        "{\"type\":\"command\",\"session_token\":\"T\",\"command\":\"nosuch 'T\"}",
        "{\"type\":\"logout\",\"session_token\":\"T\",\"T\":null}");
  }

  /** {@code template} with every T replaced by the token and every H by the hash, in one pass. */
  static String fill(String template, String token, String hash) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      b.append(c == 'T' ? token : c == 'H' ? hash : String.valueOf(c));
    }
    return b.toString();
  }

  static void assertNoSecret(String where, String text, String token, String hash) {
    for (String secret : List.of(token, hash, hash.toUpperCase(Locale.ROOT))) {
      for (int i = 0; i + WINDOW <= secret.length(); i++) {
        String piece = secret.substring(i, i + WINDOW);
        assertThat(text.contains(piece))
            .as("%s holds a piece of a secret (%s...) in: %s", where, piece, text)
            .isFalse();
      }
    }
  }

  private static String readLineOrNull(Wire w) {
    try {
      return w.readLine();
    } catch (IOException e) {
      return null; // closed: nothing was echoed
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
