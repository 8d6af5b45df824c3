package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live output: a command sent with {@code "stream":true} gets {@code command_chunk} messages as its
 * output arrives, then one {@code command_output}; without it, exactly one {@code command_output}
 * as in the original design.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StreamingTest {
  private static final String PW = "pw-streaming";
  private static final byte[] RANDOM = new byte[200_000];

  @TempDir static Path dir;
  private static TestServer server;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    new Random(7).nextBytes(RANDOM);
    Path blob = Files.write(dir.resolve("random.bin"), RANDOM);
    server =
        TestServer.builder(dir.resolve("srv"))
            .commands(
                c ->
                    c.script(
                            "steps",
                            "printf a; sleep 1; printf b >&2; sleep 1; printf c",
                            e -> e.timeout("20s"))
                        // A 4-byte character written in two halves, half a second apart.
                        .script(
                            "split",
                            "printf '\\360\\237'; sleep 0.5; printf '\\230\\200\\n'",
                            e -> e)
                        .command("random", "/bin/cat", e -> e.fixedArgs(blob.toString())))
            .start();
    server.addUser("alice", PW);
    token = server.token("alice", PW);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String streamed(String command) {
    return Wire.command(token, command).replaceFirst("\\}$", ",\"stream\":true,\"id\":\"s1\"}");
  }

  /** The replies to one streamed command, up to and including its command_output. */
  private static List<JsonNode> collect(Wire w, List<Long> arrivalNanos) throws Exception {
    List<JsonNode> replies = new ArrayList<>();
    while (true) {
      JsonNode r = w.readJson();
      arrivalNanos.add(System.nanoTime());
      replies.add(r);
      if (!r.path("type").asText().equals("command_chunk")) {
        return replies;
      }
    }
  }

  @Test
  void withoutStream_exactlyOneCommandOutput() throws Exception {
    try (Wire w = server.wire()) {
      w.send(Wire.command(token, "steps"));
      w.send("{\"type\":\"ping\"}");
      JsonNode first = w.readJson();
      assertThat(first.path("type").asText()).isEqualTo("command_output");
      assertThat(first.path("output").asText()).isEqualTo("ac");
      assertThat(first.path("stderr").asText()).isEqualTo("b");
      assertThat(w.readJson().path("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void withStream_chunksInArrivalOrderWhileRunning_thenFinalOutput() throws Exception {
    try (Wire w = server.wire()) {
      w.send(streamed("steps"));
      List<Long> at = new ArrayList<>();
      List<JsonNode> replies = collect(w, at);
      assertThat(replies).hasSize(4);
      List<String> pieces = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        JsonNode chunk = replies.get(i);
        assertThat(chunk.path("type").asText()).isEqualTo("command_chunk");
        assertThat(chunk.path("seq").asLong()).isEqualTo(i);
        assertThat(chunk.path("id").asText()).isEqualTo("s1");
        assertThat(chunk.has("data_encoding")).isFalse();
        pieces.add(chunk.path("stream").asText() + ":" + chunk.path("data").asText());
      }
      assertThat(pieces).containsExactly("stdout:a", "stderr:b", "stdout:c");
      // Each piece came when it was written, not when the command ended (it sleeps 1 s twice).
      assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(3) - at.get(0)))
          .as("first chunk long before the end")
          .isGreaterThan(1_200);
      JsonNode last = replies.get(3);
      assertThat(last.path("type").asText()).isEqualTo("command_output");
      assertThat(last.path("status").asText()).isEqualTo("success");
      assertThat(last.path("exit_code").asInt()).isZero();
      assertThat(last.path("output").asText()).isEmpty();
      assertThat(last.path("stderr").asText()).isEmpty();
      assertThat(last.path("id").asText()).isEqualTo("s1");
      // The connection goes on.
      assertThat(w.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void withStream_characterSplitAcrossWrites_staysText() throws Exception {
    try (Wire w = server.wire()) {
      w.send(streamed("split"));
      StringBuilder text = new StringBuilder();
      for (JsonNode r : collect(w, new ArrayList<>())) {
        if (r.path("type").asText().equals("command_chunk")) {
          assertThat(r.has("data_encoding")).as("%s", r).isFalse();
          text.append(r.path("data").asText());
        }
      }
      assertThat(text.toString()).isEqualTo("\uD83D\uDE00\n");
    }
  }

  @Test
  void withStream_randomBytes_clientApiGetsExactBytes() throws Exception {
    try (RcxClient c = server.client()) {
      c.useToken(token);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      List<Integer> sizes = new ArrayList<>();
      Response r =
          c.exec(
              "random",
              List.of(),
              (stderr, bytes) -> {
                assertThat(stderr).isFalse();
                sizes.add(bytes.length);
                out.write(bytes);
              });
      assertThat(r).isInstanceOf(Response.CommandOutput.class);
      assertThat(((Response.CommandOutput) r).exitCode()).isZero();
      assertThat(out.toByteArray()).isEqualTo(RANDOM);
      // At most a chunk, plus up to 3 bytes held back from the previous one to keep a character
      // whole.
      assertThat(sizes).allMatch(n -> n <= RequestHandler.CHUNK_BYTES + 3);
      // The same connection and session still run commands the original way.
      assertThat(((Response.CommandOutput) c.exec("echo after")).output()).isEqualTo("after\n");
    }
  }

  @Test
  void withStream_outputCap_stillHolds() throws Exception {
    try (Wire w = server.wire()) {
      w.send(streamed("flood"));
      long bytes = 0;
      JsonNode last = null;
      for (JsonNode r : collect(w, new ArrayList<>())) {
        if (r.path("type").asText().equals("command_chunk")) {
          String data = r.path("data").asText();
          bytes +=
              r.has("data_encoding")
                  ? Base64.getDecoder().decode(data).length
                  : data.getBytes(StandardCharsets.UTF_8).length;
        }
        last = r;
      }
      assertThat(bytes).isEqualTo(1024);
      assertThat(last.path("truncated").asBoolean()).isTrue();
    }
  }

  @Test
  void withStream_denied_isOneErrorAsBefore() throws Exception {
    try (Wire w = server.wire()) {
      JsonNode r = w.call(streamed("rm -rf /"));
      assertThat(r.path("type").asText()).isEqualTo("error");
      assertThat(r.path("code").asText()).isEqualTo("COMMAND_NOT_ALLOWED");
      assertThat(r.path("id").asText()).isEqualTo("s1");
    }
  }

  @Test
  void streamField_notBoolean_invalidRequest() throws Exception {
    try (Wire w = server.wire()) {
      JsonNode r =
          w.call(Wire.command(token, "echo hi").replaceFirst("\\}$", ",\"stream\":\"yes\"}"));
      assertThat(r.path("code").asText()).isEqualTo("INVALID_REQUEST");
      assertThat(r.path("message").asText()).contains("stream");
    }
  }
}
