package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits under load: 2,000 concurrent authenticated idle sessions, and what they cost the server.
 *
 * <p>Method: the server runs in this JVM; the 2,000 client connections are opened by {@link
 * IdleClients} in a separate JVM, so this JVM's numbers are the server's. One login (Argon2id is
 * slow on purpose); its token is reused on every connection, and each connection runs one {@code
 * echo} with it, then stays idle. Measured before opening them and again once all are open: heap in
 * use after {@code System.gc()} (MemoryMXBean), live platform threads (ThreadMXBean), virtual
 * threads of the server's connections (counted by name in a JSON thread dump), and the process's
 * resident set size (/proc/self/status VmRSS, which also grows by whatever heap the collector
 * commits during the load). The differences are attributed to the idle sessions. Run with {@code
 * ./mvnw -B test -Dgroups=heavy -DexcludedGroups= -Dtest=IdleSessionsTest}.
 */
@Tag("heavy")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class IdleSessionsTest {
  /** 2,000 as the issue asks; {@code -Drcx.idle.sessions=N} for a quicker look. */
  private static final int SESSIONS = Integer.getInteger("rcx.idle.sessions", 2000);

  @TempDir Path dir;

  @Test
  void twoThousandIdleSessions_costReported_serverStillServes() throws Exception {
    long fdLimit = openFileLimit();
    assumeTrue(
        fdLimit > SESSIONS + 1000,
        "open-file limit " + fdLimit + " too low for " + SESSIONS + " connections (ulimit -n)");
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir)
                .config(
                    c ->
                        Hostile.limits(
                            c,
                            SESSIONS + 100,
                            Duration.ofSeconds(10),
                            Duration.ofSeconds(30),
                            Duration.ofMinutes(30))))) {
      TestServer s = arena.server;
      String token = Hostile.token(s, "idler", "pw");
      Snapshot before = Snapshot.take(dir.resolve("before.json"));
      Process clients =
          new ProcessBuilder(
                  javaCommand(),
                  "-Xmx512m",
                  "-cp",
                  testClassPath(),
                  IdleClients.class.getName(),
                  String.valueOf(s.port()),
                  s.fingerprint(),
                  token,
                  String.valueOf(SESSIONS))
              .redirectErrorStream(true)
              .start();
      try {
        long start = System.nanoTime();
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        long openMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(ready).as("client JVM reports").isEqualTo("READY " + SESSIONS);
        Poll.until(
            "server holds every session",
            Duration.ofSeconds(30),
            () -> s.server().activeConnections() >= SESSIONS + 1);
        arena.honest.awaitProgress();
        Snapshot after = Snapshot.take(dir.resolve("after.json"));
        long heap = after.heapUsed - before.heapUsed;
        System.out.printf(
            "IDLE-SESSIONS: %d connections (opened and authenticated in %d ms; open-file limit %d), heap +%.1f MiB"
                + " (%.1f KiB each), platform threads %+d, virtual threads %+d, RSS %+.1f MiB"
                + " (of which committed heap %+.1f MiB)%n",
            SESSIONS,
            openMillis,
            fdLimit,
            heap / 1048576.0,
            heap / 1024.0 / SESSIONS,
            after.platformThreads - before.platformThreads,
            after.virtualThreads - before.virtualThreads,
            (after.rssKiB - before.rssKiB) / 1024.0,
            (after.heapCommitted - before.heapCommitted) / 1048576.0);
        Map<String, Long> newThreads = new TreeMap<>();
        after.platformByName.forEach(
            (name, n) -> {
              long added = n - before.platformByName.getOrDefault(name, 0L);
              if (added != 0) {
                newThreads.put(name, added);
              }
            });
        System.out.println("IDLE-SESSIONS: platform threads added, by name: " + newThreads);
        assertThat(after.virtualThreads - before.virtualThreads).isGreaterThanOrEqualTo(SESSIONS);
        s.assertStillServes();
        arena.honest.awaitProgress();
      } finally {
        try (OutputStream in = clients.getOutputStream()) {
          in.write("quit\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // the client JVM is gone already
        }
        if (!clients.waitFor(60, TimeUnit.SECONDS)) {
          clients.destroyForcibly();
        }
      }
      Poll.until(
          "sessions released", Duration.ofSeconds(60), () -> s.server().activeConnections() == 1);
      arena.finish();
    }
  }

  /** What the server's JVM holds at one moment. */
  private record Snapshot(
      long heapUsed,
      long heapCommitted,
      int platformThreads,
      Map<String, Long> platformByName,
      int virtualThreads,
      long rssKiB) {
    static Snapshot take(Path dumpFile) throws IOException {
      for (int i = 0; i < 3; i++) {
        System.gc();
        Hostile.sleep(Duration.ofMillis(200));
      }
      var usage = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      int platform = ManagementFactory.getThreadMXBean().getThreadCount();
      Map<String, Long> byName =
          Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(false, false))
              .collect(
                  Collectors.groupingBy(
                      t -> t.getThreadName().replaceAll("[0-9]+", "N"),
                      TreeMap::new,
                      Collectors.counting()));
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(
              dumpFile.toAbsolutePath().toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
      String dump = Files.readString(dumpFile);
      int virtual = count(dump, "\"name\": *\"rcx-(conn|read)-");
      return new Snapshot(
          usage.getUsed(), usage.getCommitted(), platform, byName, virtual, readRssKiB());
    }
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static long readRssKiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  /** The soft limit on open files of this process (what {@code ulimit -n} shows). */
  private static long openFileLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String[] parts = line.substring("Max open files".length()).trim().split("\\s+", -1);
        return parts[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(parts[0]);
      }
    }
    return 0;
  }

  private static String javaCommand() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * Surefire runs tests from a manifest-only jar; it passes the real test class path in this
   * property.
   */
  private static String testClassPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }
}
