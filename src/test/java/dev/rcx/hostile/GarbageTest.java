package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage on the wire: non-TLS bytes on the TLS port, TLS on the plaintext port, HTTP, 10 MB lines,
 * and malformed, oversized or mistyped JSON. Each gets the documented error code (or, below TLS, a
 * closed connection and an audit record); the connection stays usable wherever the protocol says it
 * does, and a hostile line costs the server a bounded amount of memory.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GarbageTest {
  /**
   * Garbage comes from its own address so its failed logins never throttle 127.0.0.1 (honest
   * client, probe).
   */
  private static final String GARBAGE_FROM = "127.0.0.5";

  @TempDir Path dir;

  @Test
  void nonTlsBytesOnTlsPort_closedAndAudited_honestClientUnharmed() throws Exception {
    Duration handshake = Duration.ofSeconds(2);
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir)
                .config(
                    c ->
                        Hostile.timeouts(
                            c, handshake, Duration.ofSeconds(30), Duration.ofMinutes(5))))) {
      TestServer s = arena.server;
      List<byte[]> payloads = new ArrayList<>();
      Random random = new Random(20261127);
      for (int i = 0; i < 5; i++) {
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        payloads.add(noise);
      }
      payloads.add("{\"type\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
      payloads.add(
          "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8\r\n\r\n"
              .getBytes(StandardCharsets.UTF_8));
      payloads.add("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.UTF_8));
      payloads.add("SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.UTF_8));
      // A TLS record header announcing a ClientHello far larger than any record may be.
      payloads.add(HexFormat.of().parseHex("16030100ff0100fffb0303"));
      List<String> clients = new ArrayList<>();
      for (byte[] p : payloads) {
        try (Socket plain = s.rawPlain()) {
          clients.add(Hostile.clientName(plain));
          plain.getOutputStream().write(p);
          byte[] reply = readUntilClosed(plain, handshake.plusSeconds(5));
          // Whatever came back (a TLS alert, or nothing) is not a protocol reply.
          assertThat(new String(reply, StandardCharsets.ISO_8859_1)).doesNotContain("\"type\"");
        }
      }
      arena.honest.awaitProgress();
      Hostile.awaitCount(
          s,
          "tls_handshake_failed",
          e -> clients.contains(e.path("client").asText()),
          clients.size(),
          Duration.ofSeconds(10));
      arena.finish();
    }
  }

  @Test
  void tlsAndGarbageOnPlaintextPort_refusedWithoutHarm() throws Exception {
    Duration line = Duration.ofSeconds(1);
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir)
                .plaintext()
                .config(
                    c ->
                        Hostile.timeouts(
                            c, Duration.ofSeconds(5), line, Duration.ofSeconds(30))))) {
      TestServer s = arena.server;
      for (int i = 0; i < 5; i++) {
        // Any client context will do: the handshake fails long before a certificate could be
        // checked.
        SSLSocket tls =
            (SSLSocket)
                SSLContext.getDefault().getSocketFactory().createSocket("127.0.0.1", s.port());
        tls.setSoTimeout(10_000);
        long start = System.nanoTime();
        try (tls) {
          tls.startHandshake();
          throw new AssertionError("a TLS handshake with a plaintext server succeeded");
        } catch (IOException expected) {
          // The server answered the ClientHello's bytes as (malformed) lines, or closed at the line
          // timeout.
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(line.plusSeconds(5));
      }
      try (Wire w = s.wire()) {
        // HTTP to a plaintext server: each non-blank line is malformed JSON; the connection stays
        // usable.
        w.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(w.readJson().path("code").asText()).isEqualTo("MALFORMED_JSON");
        assertThat(w.readJson().path("code").asText()).isEqualTo("MALFORMED_JSON");
        assertThat(w.call(Hostile.ping("after-http")).path("type").asText()).isEqualTo("pong");
      }
      arena.honest.awaitProgress();
      arena.finish();
    }
  }

  @Test
  void httpOverTls_eachLineMalformed_connectionStaysUsable() throws Exception {
    try (Arena arena = Arena.open(TestServer.builder(dir));
        Wire w = Hostile.wireFrom(arena.server, GARBAGE_FROM)) {
      w.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n");
      for (int i = 0; i < 3; i++) {
        JsonNode e = w.readJson();
        assertThat(e.path("type").asText()).isEqualTo("error");
        assertThat(e.path("code").asText()).isEqualTo("MALFORMED_JSON");
      }
      assertThat(w.call(Hostile.ping("after-http")).path("type").asText()).isEqualTo("pong");
      arena.honest.awaitProgress();
      arena.finish();
    }
  }

  /**
   * Six clients each try to send a 10 MB line. Each gets LINE_TOO_LONG and is closed after the
   * server has read just past the 64 KiB limit. The server's heap, measured after a full GC while
   * every client is still holding its connection in the middle of its line, grows by far less than
   * the 60 MB it would if it buffered the lines.
   */
  @Test
  void tenMegabyteLines_lineTooLongAndClosed_heapBounded() throws Exception {
    int clients = 6;
    int total = 10 * 1024 * 1024;
    try (Arena arena = Arena.open(TestServer.builder(dir))) {
      TestServer s = arena.server;
      long before = usedHeapAfterGc();
      CountDownLatch paused = new CountDownLatch(clients);
      CountDownLatch resume = new CountDownLatch(1);
      List<LongLine> lines = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        lines.add(new LongLine(Hostile.tls(s, GARBAGE_FROM), total, paused, resume));
      }
      lines.forEach(LongLine::start);
      assertThat(paused.await(60, TimeUnit.SECONDS)).as("all clients mid-line").isTrue();
      long during = usedHeapAfterGc();
      resume.countDown();
      for (LongLine l : lines) {
        l.join();
      }
      long growth = during - before;
      System.out.printf(
          "LONG-LINES: %d clients x 10 MB line: heap %+d KiB while held mid-line; at most %d KiB sent%n",
          clients,
          growth / 1024,
          lines.stream().mapToLong(l -> l.written.get()).max().orElse(0) / 1024);
      for (LongLine l : lines) {
        assertThat(l.reply).as("reply to a 10 MB line").isNotNull();
        assertThat(Hostile.JSON.readTree(l.reply).path("code").asText()).isEqualTo("LINE_TOO_LONG");
        assertThat(l.closed).as("connection closed after LINE_TOO_LONG").isTrue();
        assertThat(l.written.get()).as("bytes the server let the client send").isLessThan(total);
      }
      assertThat(growth)
          .as("heap growth with %d 10 MB lines in flight", clients)
          .isLessThan(16L * 1024 * 1024);
      Hostile.awaitCount(
          s,
          "connection_closed",
          Hostile.field("reason", "line_too_long"),
          clients,
          Duration.ofSeconds(5));
      Hostile.awaitCount(
          s,
          "protocol_error",
          Hostile.field("code", "LINE_TOO_LONG"),
          clients,
          Duration.ofSeconds(5));
      arena.finish();
    }
  }

  /**
   * One client sending one 10 MB line: just past the limit it pauses until the server has answered
   * (so the answer is not lost to the reset that closing with unread input causes), then tries to
   * send the rest.
   */
  private static final class LongLine {
    private final Hostile.Tls conn;
    private final int total;
    private final CountDownLatch paused;
    private final CountDownLatch resume;
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch replied = new CountDownLatch(1);
    private final AtomicBoolean pauseCounted = new AtomicBoolean();
    volatile String reply;
    volatile boolean closed;
    final AtomicLong written = new AtomicLong();

    LongLine(Hostile.Tls conn, int total, CountDownLatch paused, CountDownLatch resume) {
      this.conn = conn;
      this.total = total;
      this.paused = paused;
      this.resume = resume;
    }

    void start() {
      threads.add(Thread.ofPlatform().start(this::read));
      threads.add(Thread.ofPlatform().start(this::write));
    }

    private void read() {
      try (Wire w = new Wire(conn.ssl())) {
        reply = w.readLine();
        replied.countDown();
        closed = reply != null && w.closedByPeer(Duration.ofSeconds(10));
      } catch (IOException e) {
        closed = true;
      } finally {
        replied.countDown();
      }
    }

    private void write() {
      byte[] piece = new byte[8192];
      java.util.Arrays.fill(piece, (byte) 'a');
      try {
        OutputStream out = conn.ssl().getOutputStream();
        while (written.get() < total) {
          if (written.get() > 70 * 1024 && replied.getCount() > 0) {
            replied.await(5, TimeUnit.SECONDS);
          }
          if (written.get() > total - 200 * 1024) {
            pauseOnce();
          }
          out.write(piece);
          written.addAndGet(piece.length);
        }
        out.write('\n');
      } catch (IOException e) {
        // The server closed the connection: the expected end for a line over the limit.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        pauseOnce();
      }
    }

    /**
     * Tells the test this client is as far into its line as it will get, and waits until the heap
     * is measured.
     */
    private void pauseOnce() {
      if (pauseCounted.compareAndSet(false, true)) {
        paused.countDown();
        try {
          resume.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    void join() throws InterruptedException {
      for (Thread t : threads) {
        if (!t.join(Duration.ofSeconds(30))) {
          throw new AssertionError("long-line client did not finish");
        }
      }
      conn.close();
    }
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Hostile.sleep(Duration.ofMillis(100));
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Everything the peer sends until it closes (end of stream or reset); fails if it stays open past
   * {@code max}.
   */
  private static byte[] readUntilClosed(Socket socket, Duration max) throws IOException {
    socket.setSoTimeout((int) max.toMillis());
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        got.write(buf, 0, n);
      }
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("server kept a garbage connection open for " + max);
    } catch (IOException e) {
      // reset: closed
    }
    return got.toByteArray();
  }
}
