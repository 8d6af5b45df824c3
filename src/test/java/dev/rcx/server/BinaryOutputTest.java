package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output is exact: valid UTF-8 travels as text (what clients of the original design read), anything
 * else as base64 with {@code output_encoding}/{@code stderr_encoding}, and no byte is changed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BinaryOutputTest {
  private static final String PW = "pw-binary-output";
  private static final byte[] RANDOM = random(300_000, 8);

  @TempDir static Path dir;
  private static TestServer server;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    Path blob = dir.resolve("random.bin");
    Files.write(blob, RANDOM);
    server =
        TestServer.builder(dir.resolve("srv"))
            .commands(
                c ->
                    c.script("bom", "printf '\\377\\376\\000abc'", e -> e)
                        .script("binerr", "printf 'ok'; printf '\\377x' >&2", e -> e)
                        .script("utf8", "printf 'h\\303\\251 \\342\\202\\254\\n'", e -> e)
                        .command("random", "/bin/cat", e -> e.fixedArgs(blob.toString())))
            .start();
    server.addUser("alice", PW);
    token = server.token("alice", PW);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static JsonNode wire(String command) throws Exception {
    try (Wire w = server.wire()) {
      return w.call(Wire.command(token, command));
    }
  }

  @Test
  void invalidUtf8Stdout_base64WithEncodingField_exactBytes() throws Exception {
    JsonNode r = wire("bom");
    assertThat(r.path("output_encoding").asText()).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(r.path("output").asText()))
        .containsExactly(0xff, 0xfe, 0, 'a', 'b', 'c');
    assertThat(r.has("stderr_encoding")).as("empty stderr stays text: %s", r).isFalse();
    assertThat(r.path("stderr").asText()).isEmpty();
  }

  @Test
  void invalidUtf8Stderr_onlyStderrEncoded() throws Exception {
    JsonNode r = wire("binerr");
    assertThat(r.has("output_encoding")).as("%s", r).isFalse();
    assertThat(r.path("output").asText()).isEqualTo("ok");
    assertThat(r.path("stderr_encoding").asText()).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(r.path("stderr").asText())).containsExactly(0xff, 'x');
  }

  @Test
  void validUtf8_plainTextWithoutEncodingField() throws Exception {
    JsonNode r = wire("utf8");
    assertThat(r.path("output").asText()).isEqualTo("h\u00e9 \u20ac\n");
    assertThat(r.has("output_encoding")).isFalse();
    assertThat(r.has("stderr_encoding")).isFalse();
  }

  @Test
  void randomBytes_clientApi_byteForByte() throws Exception {
    try (RcxClient c = server.client()) {
      c.useToken(token);
      Response.CommandOutput o = (Response.CommandOutput) c.exec("random");
      assertThat(o.outputEncoding()).isEqualTo("base64");
      assertThat(o.truncated()).isFalse();
      assertThat(o.outputBytes()).isEqualTo(RANDOM);
    }
  }
}
