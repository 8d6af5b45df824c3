package dev.rcx.hostile;

import dev.rcx.client.RcxClient;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A well-behaved client that keeps running {@code echo ok-N} on a live server in a background
 * platform thread while a test attacks that server, recording every command's latency and every
 * failure. A hostile case passes only if this client saw no failure and no command slower than
 * {@link #BOUND}; see {@link #assertUnharmed()}.
 *
 * <p>It logs in once (as its own user, from 127.0.0.1) and keeps one connection, so under a
 * connection limit it holds exactly one slot. With {@link Options#reconnectEvery} it also
 * reconnects now and then, reusing its token, which proves new connections are still accepted and
 * handshaken during the attack. The loop is bounded in count and time.
 */
final class HonestClient implements AutoCloseable {
  /**
   * Slowest acceptable command. An unloaded {@code echo} takes a few milliseconds; the bound is
   * generous because the attack, the server and this client share two cores in one JVM.
   */
  static final Duration BOUND = Duration.ofSeconds(3);

  private static final String USER = "honest";
  private static final String PASSWORD = "honest-password-31c9";
  private static final int MAX_COMMANDS = 20_000;
  private static final Duration MAX_TIME = Duration.ofSeconds(150);

  /**
   * @param pause time between commands
   * @param reconnectEvery open a fresh connection (same token) after this many commands; 0 never
   * @param reloginOnExpiry on TOKEN_EXPIRED log in again instead of failing (for tests that move
   *     the clock past the session lifetime)
   */
  record Options(Duration pause, int reconnectEvery, boolean reloginOnExpiry) {
    static Options defaults() {
      return new Options(Duration.ofMillis(20), 0, false);
    }

    Options withReconnectEvery(int n) {
      return new Options(pause, n, reloginOnExpiry);
    }

    Options withReloginOnExpiry() {
      return new Options(pause, reconnectEvery, true);
    }
  }

  private final TestServer server;
  private final Options options;
  private final Thread thread;
  private final List<Long> latenciesNanos = Collections.synchronizedList(new ArrayList<>());
  private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean stop;
  private final AtomicInteger relogins = new AtomicInteger();
  private volatile RcxClient client;

  private HonestClient(TestServer server, Options options) throws IOException {
    this.server = server;
    this.options = options;
    server.addUser(USER, PASSWORD);
    this.client = server.loggedIn(USER, PASSWORD);
    this.thread = Thread.ofPlatform().name("honest-client").daemon(true).start(this::loop);
  }

  /** Starts the loop against {@code server}; the login happens before this returns. */
  static HonestClient start(TestServer server) throws IOException {
    return new HonestClient(server, Options.defaults());
  }

  static HonestClient start(TestServer server, Options options) throws IOException {
    return new HonestClient(server, options);
  }

  /** The honest user's name, e.g. to tell its audit records apart. */
  static String user() {
    return USER;
  }

  private void loop() {
    long deadline = System.nanoTime() + MAX_TIME.toNanos();
    for (int i = 0; i < MAX_COMMANDS && !stop && System.nanoTime() < deadline; i++) {
      if (options.reconnectEvery() > 0 && i > 0 && i % options.reconnectEvery() == 0) {
        reconnect();
      }
      runOne(i);
      sleep(options.pause());
    }
  }

  private void runOne(int i) {
    String word = "ok-" + i;
    long start = System.nanoTime();
    try {
      Response r = client.exec("echo", List.of(word));
      if (r instanceof Response.Error e
          && e.code() == ErrorCode.TOKEN_EXPIRED
          && options.reloginOnExpiry()) {
        relogin();
        start = System.nanoTime();
        r = client.exec("echo", List.of(word));
      }
      long took = System.nanoTime() - start;
      if (r instanceof Response.CommandOutput o
          && o.status() == Response.CommandOutput.Status.SUCCESS
          && o.output().equals(word + "\n")) {
        latenciesNanos.add(took);
      } else {
        failures.add("command " + i + " answered " + r);
      }
    } catch (IOException | RuntimeException e) {
      failures.add(
          "command " + i + " failed after " + millis(System.nanoTime() - start) + " ms: " + e);
      reconnect();
    }
  }

  private void reconnect() {
    String token = client.token();
    closeQuietly(client);
    try {
      client = server.client();
      if (token != null) {
        client.useToken(token);
      }
    } catch (IOException e) {
      failures.add("reconnect failed: " + e);
      sleep(Duration.ofMillis(100));
    }
  }

  private void relogin() throws IOException {
    Response.AuthResponse auth = client.login(USER, PASSWORD.toCharArray());
    if (!(auth instanceof Response.AuthResponse.Success)) {
      throw new IOException("re-login refused: " + auth);
    }
    relogins.incrementAndGet();
  }

  /** Commands completed successfully so far. */
  int completed() {
    return latenciesNanos.size();
  }

  int relogins() {
    return relogins.get();
  }

  /**
   * Waits until at least {@code more} further commands succeed, proving the honest client makes
   * progress now (while the attack is running); fails the test after {@code timeout}.
   */
  void awaitProgress(int more, Duration timeout) {
    int target = completed() + more;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (completed() < target) {
      if (System.nanoTime() > deadline || !thread.isAlive()) {
        throw new AssertionError(
            "honest client made no progress: "
                + completed()
                + " of "
                + target
                + " commands; failures "
                + failures);
      }
      sleep(Duration.ofMillis(10));
    }
  }

  /** {@link #awaitProgress(int, Duration)} with 3 commands and a 10 s limit. */
  void awaitProgress() {
    awaitProgress(3, Duration.ofSeconds(10));
  }

  /** Stops the loop and returns what it saw. Idempotent. */
  Report stop() {
    stop = true;
    try {
      thread.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      failures.add("honest client thread did not stop within 30 s");
    }
    closeQuietly(client);
    List<Long> sorted;
    synchronized (latenciesNanos) {
      sorted = new ArrayList<>(latenciesNanos);
    }
    Collections.sort(sorted);
    synchronized (failures) {
      return new Report(sorted, List.copyOf(failures));
    }
  }

  /**
   * Stops the loop and fails the test unless every command succeeded within {@link #BOUND} and at
   * least {@code minCommands} ran.
   */
  Report assertUnharmed(int minCommands) {
    Report r = stop();
    if (!r.failures().isEmpty()) {
      throw new AssertionError(
          "honest client failed " + r.failures().size() + " times: " + r.failures());
    }
    if (r.count() < minCommands) {
      throw new AssertionError(
          "honest client ran only " + r.count() + " commands, expected at least " + minCommands);
    }
    if (r.maxNanos() > BOUND.toNanos()) {
      throw new AssertionError(
          "honest client's slowest command took "
              + millis(r.maxNanos())
              + " ms, over the bound of "
              + BOUND.toMillis()
              + " ms; "
              + r);
    }
    return r;
  }

  /**
   * {@link #assertUnharmed(int)} requiring at least 3 commands (callers also {@link
   * #awaitProgress()} mid-attack).
   */
  Report assertUnharmed() {
    return assertUnharmed(3);
  }

  @Override
  public void close() {
    stop();
  }

  /** Latencies (sorted) and failures of one run. */
  record Report(List<Long> sortedNanos, List<String> failures) {
    int count() {
      return sortedNanos.size();
    }

    long maxNanos() {
      return sortedNanos.isEmpty() ? 0 : sortedNanos.getLast();
    }

    long percentileNanos(double p) {
      if (sortedNanos.isEmpty()) {
        return 0;
      }
      int i = (int) Math.min(sortedNanos.size() - 1, Math.ceil(p / 100 * sortedNanos.size()) - 1);
      return sortedNanos.get(Math.max(0, i));
    }

    @Override
    public String toString() {
      return count()
          + " commands, p50 "
          + millis(percentileNanos(50))
          + " ms, p99 "
          + millis(percentileNanos(99))
          + " ms, max "
          + millis(maxNanos())
          + " ms, "
          + failures.size()
          + " failures";
    }
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(RcxClient c) {
    try {
      c.close();
    } catch (IOException e) {
      // The connection is being dropped; nothing to keep.
    }
  }
}
