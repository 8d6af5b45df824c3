package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another TLS implementation speaks the protocol by hand: {@code openssl s_client}, as
 * docs/PROTOCOL.md shows.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpensslInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void opensslSClient_tls13_authAndCommandRoundTrip() throws Exception {
    assumeTrue(onPath("openssl"), "openssl is not installed (.ci/run installs it)");
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", "openssl-pw");
      Process p =
          new ProcessBuilder(
                  "openssl",
                  "s_client",
                  "-quiet",
                  "-connect",
                  "127.0.0.1:" + s.port(),
                  "-tls1_3",
                  "-servername",
                  "localhost")
              .redirectError(dir.resolve("s_client.err").toFile())
              .start();
      try (OutputStream stdin = p.getOutputStream();
          BufferedReader stdout =
              new BufferedReader(
                  new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        JsonNode auth = exchange(stdin, stdout, Wire.auth("alice", "openssl-pw"));
        assertThat(auth.path("type").asText()).isEqualTo("auth_response");
        assertThat(auth.path("status").asText()).isEqualTo("success");
        String token = auth.path("session_token").asText();

        JsonNode out = exchange(stdin, stdout, Wire.command(token, "echo", "from openssl"));
        assertThat(out.path("type").asText()).isEqualTo("command_output");
        assertThat(out.path("status").asText()).isEqualTo("success");
        assertThat(out.path("output").asText()).isEqualTo("from openssl\n");

        JsonNode denied = exchange(stdin, stdout, Wire.command(token, "echo hi; id"));
        assertThat(denied.path("code").asText()).isEqualTo("ARGUMENT_NOT_ALLOWED");
      } finally {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      assertThat(s.auditEvents("command_run")).hasSize(1);
      assertThat(s.auditEvents("auth_succeeded")).hasSize(1);
      assertThat(Files.readString(dir.resolve("s_client.err"))).doesNotContain("alert");
    }
  }

  /** Writes one request line and reads one JSON reply line, within 20 s. */
  private static JsonNode exchange(OutputStream stdin, BufferedReader stdout, String request)
      throws Exception {
    stdin.write((request + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
    String line = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(20, TimeUnit.SECONDS);
    assertThat(line).as("reply to %s", request).isNotNull();
    return JSON.readTree(line);
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator, -1)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }
}
