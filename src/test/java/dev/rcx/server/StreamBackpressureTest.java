package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.client.RcxClient;
import dev.rcx.config.ServerConfig;
import dev.rcx.protocol.Response;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that asks for streamed output and then stops reading: the server neither buffers the
 * output without bound nor stalls the command or anyone else. The command's pipes keep being read
 * (kept up to the cap, the rest counted and discarded), the write deadline closes the stalled
 * connection, and another client's commands run as usual meanwhile.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class StreamBackpressureTest {
  private static final String PW = "pw-backpressure";
  private static final long TORRENT_BYTES = 100_000_000L;
  private static final int CAP = 8 * 1024 * 1024;

  @TempDir Path dir;

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void stalledStreamingClient_boundedMemory_otherClientUnaffected_writeTimeoutCloses()
      throws Exception {
    try (TestServer s =
        TestServer.builder(dir)
            .config(StreamBackpressureTest::shortLineTimeout)
            .commands(
                c ->
                    c.command(
                        "torrent",
                        "/usr/bin/head",
                        e ->
                            e.fixedArgs("-c", String.valueOf(TORRENT_BYTES), "/dev/zero")
                                .maxOutput(CAP)
                                .timeout("60s")))
            .start()) {
      s.addUser("alice", PW);
      String token = s.token("alice", PW);
      long before = heapAfterGc();

      // A client with a tiny receive window that asks for the output and never reads it.
      Socket tcp = new Socket();
      tcp.setReceiveBufferSize(4096);
      tcp.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()), 5_000);
      SSLSocket tls =
          (SSLSocket)
              s.pinnedContext().getSocketFactory().createSocket(tcp, "127.0.0.1", s.port(), true);
      tls.startHandshake();
      try (Wire stalled = new Wire(tls, tcp)) {
        stalled.send(Wire.command(token, "torrent").replaceFirst("\\}$", ",\"stream\":true}"));

        // Meanwhile another client runs commands as usual.
        long worstMillis = 0;
        long peak = 0;
        try (RcxClient other = s.client()) {
          other.useToken(token);
          for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            Response r = other.exec("echo", java.util.List.of("fine-" + i));
            worstMillis = Math.max(worstMillis, (System.nanoTime() - t0) / 1_000_000);
            assertThat(r).isInstanceOf(Response.CommandOutput.class);
            assertThat(((Response.CommandOutput) r).output()).isEqualTo("fine-" + i + "\n");
            if (i % 3 == 0) {
              peak = Math.max(peak, heapAfterGc() - before);
            }
          }
        }
        // The command ran to its end although its client took nothing: it was never stalled.
        Poll.until(
            "torrent finished while its client read nothing",
            Duration.ofSeconds(30),
            () -> s.server().runningCommands() == 0);
        peak = Math.max(peak, heapAfterGc() - before);

        JsonNode closed =
            s.awaitAudit(
                "connection_closed",
                e -> e.path("reason").asText().equals("write_timeout"),
                Duration.ofSeconds(40));
        assertThat(closed.path("user").asText()).isEqualTo("alice");
        JsonNode ran =
            s.awaitAudit(
                "command_run",
                e -> e.path("command").asText().equals("torrent"),
                Duration.ofSeconds(40));
        assertThat(ran.path("outcome").asText()).isEqualTo("completed");
        assertThat(ran.path("stdout_bytes").asLong())
            .as("every byte was read from the pipe")
            .isEqualTo(TORRENT_BYTES);
        assertThat(ran.path("truncated").asBoolean()).isTrue();
        System.out.printf(
            "BACKPRESSURE: %d MB streamed to a client that reads nothing; server heap +%d KiB at"
                + " most (cap %d KiB); other client's worst command %d ms%n",
            TORRENT_BYTES / 1_000_000, peak / 1024, CAP / 1024, worstMillis);
        assertThat(peak)
            .as("heap growth stays near the cap, far below the output's size")
            .isLessThan(6L * CAP);
        assertThat(worstMillis).as("the other client is not held up").isLessThan(5_000);
      }
      s.assertStillServes();
    }
  }

  private static ServerConfig shortLineTimeout(ServerConfig c) {
    ServerConfig.Limits l = c.limits();
    return c.withLimits(
        new ServerConfig.Limits(
            l.maxConnections(),
            l.maxLineBytes(),
            l.handshakeTimeout(),
            l.idleTimeout(),
            // Long enough for the command to run to its end on a loaded machine first.
            Duration.ofSeconds(15),
            l.maxConcurrentCommands(),
            l.commandQueueWait()));
  }
}
