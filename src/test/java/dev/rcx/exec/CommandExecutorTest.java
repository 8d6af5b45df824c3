package dev.rcx.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.exec.ExecResult.Busy;
import dev.rcx.exec.ExecResult.Cancelled;
import dev.rcx.exec.ExecResult.Completed;
import dev.rcx.exec.ExecResult.LaunchFailed;
import dev.rcx.exec.ExecResult.TimedOut;
import dev.rcx.spawn.Launcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The executor's contract, run against each {@link Launcher} by the subclasses. */
@Timeout(30)
abstract class CommandExecutorTest {
  static final Duration LONG = Duration.ofSeconds(20);
  static final int MIB = 1024 * 1024;

  @TempDir Path dir;

  final CommandExecutor executor = new CommandExecutor(4, Duration.ofSeconds(5), launcher());

  /** The launcher under test. */
  abstract Launcher launcher();

  static CommandRule rule(String exe, Duration timeout, int maxOutput) {
    return new CommandRule(
        "test",
        Path.of(exe),
        List.of(),
        0,
        List.of(),
        timeout,
        maxOutput,
        Set.of("*"),
        Set.of(),
        Path.of("/"),
        false);
  }

  static List<String> argv(String... words) {
    return List.of(words);
  }

  ExecResult run(Duration timeout, int maxOutput, String... words) {
    return executor.run(rule(words[0], timeout, maxOutput), argv(words));
  }

  static <T> T as(ExecResult result, Class<T> type) {
    assertThat(result).isInstanceOf(type);
    return type.cast(result);
  }

  @Test
  void run_echo_completesWithStdout() {
    Completed c = as(run(LONG, MIB, "/usr/bin/echo", "hello", "world"), Completed.class);

    assertThat(c.exitCode()).isZero();
    assertThat(c.output().stdout()).isEqualTo("hello world\n");
    assertThat(c.output().stderr()).isEmpty();
    assertThat(c.output().stdoutBytes()).isEqualTo(12);
    assertThat(c.output().truncated()).isFalse();
    assertThat(c.duration()).isPositive();
  }

  @Test
  void run_shellSyntaxInArguments_passedLiterally() {
    Completed c =
        as(run(LONG, MIB, "/usr/bin/echo", "a;", "$(id)", "`id`", "*", "$HOME"), Completed.class);
    assertThat(c.output().stdout()).isEqualTo("a; $(id) `id` * $HOME\n");
  }

  @Test
  void run_nulInArgument_launchFailsInsteadOfCuttingItShort() {
    LaunchFailed f = as(run(LONG, MIB, "/usr/bin/echo", "a\0b"), LaunchFailed.class);
    assertThat(f.reason()).contains("null character");
  }

  @Test
  void run_nonZeroExit_reportsExitCode() {
    Completed c = as(run(LONG, MIB, "/bin/sh", "-c", "exit 3"), Completed.class);
    assertThat(c.exitCode()).isEqualTo(3);
  }

  @Test
  void run_stderr_keptSeparately() {
    Completed c = as(run(LONG, MIB, "/bin/sh", "-c", "echo out; echo err >&2"), Completed.class);
    assertThat(c.output().stdout()).isEqualTo("out\n");
    assertThat(c.output().stderr()).isEqualTo("err\n");
    assertThat(c.output().stderrBytes()).isEqualTo(4);
  }

  @Test
  void run_outputOverCap_keepsFirstBytesCountsAllAndCompletes() throws Exception {
    String full = seq(100_000);
    Completed c = as(run(LONG, 1000, "/usr/bin/seq", "1", "100000"), Completed.class);

    assertThat(c.exitCode()).isZero();
    assertThat(c.output().stdout()).isEqualTo(full.substring(0, 1000));
    assertThat(c.output().stdoutBytes()).isEqualTo(full.length());
    assertThat(c.output().truncated()).isTrue();
  }

  @Test
  void run_stderrOverCap_truncatedIndependently() {
    Completed c = as(run(LONG, 10, "/bin/sh", "-c", "echo ok; seq 1 100000 >&2"), Completed.class);

    assertThat(c.output().stdout()).isEqualTo("ok\n");
    assertThat(c.output().stderr()).isEqualTo("1\n2\n3\n4\n5\n");
    assertThat(c.output().stderrBytes()).isEqualTo(seq(100_000).length());
    assertThat(c.output().truncated()).isTrue();
  }

  @Test
  void run_zeroCap_keepsNothingButCounts() {
    Completed c = as(run(LONG, 0, "/usr/bin/echo", "hi"), Completed.class);
    assertThat(c.output().stdout()).isEmpty();
    assertThat(c.output().stdoutBytes()).isEqualTo(3);
    assertThat(c.output().truncated()).isTrue();
  }

  @Test
  void nextChunk_whileRunning_piecesInArrivalOrder_thenNull_resultKeepsCountsOnly() {
    Execution e =
        executor.start(
            rule("/bin/sh", LONG, MIB),
            argv("/bin/sh", "-c", "printf a; sleep 0.3; printf bb >&2; sleep 0.3; printf c"));
    List<String> pieces = new java.util.ArrayList<>();
    OutputChunk chunk;
    while ((chunk = e.nextChunk(1024)) != null) {
      pieces.add(
          (chunk.stderr() ? "err:" : "out:")
              + new String(chunk.bytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(pieces).containsExactly("out:a", "err:bb", "out:c");
    Completed c = as(e.await(), Completed.class);
    assertThat(c.output().stdoutBytes()).isEqualTo(2);
    assertThat(c.output().stderrBytes()).isEqualTo(2);
    assertThat(c.output().stdoutData()).as("streamed once, not again").isEmpty();
  }

  @Test
  void nextChunk_pastCap_onlyKeptBytes_andNeverBlocksTheProcess() {
    Execution e =
        executor.start(
            rule("/bin/sh", LONG, 1000), argv("/bin/sh", "-c", "head -c 5000000 /dev/zero"));
    long streamed = 0;
    OutputChunk chunk;
    while ((chunk = e.nextChunk(300)) != null) {
      assertThat(chunk.length()).isBetween(1, 300);
      streamed += chunk.length();
    }
    assertThat(streamed).isEqualTo(1000);
    Completed c = as(e.await(), Completed.class);
    assertThat(c.output().stdoutBytes()).isEqualTo(5_000_000);
    assertThat(c.output().truncated()).isTrue();
  }

  @Test
  void run_invalidUtf8_textReplacesButBytesAreExact() {
    Completed c = as(run(LONG, MIB, "/usr/bin/printf", "a\\377b"), Completed.class);
    assertThat(c.output().stdout()).isEqualTo("a\uFFFDb");
    assertThat(c.output().stdoutData()).containsExactly('a', 0xff, 'b');
    assertThat(c.output().stdoutBytes()).isEqualTo(3);
  }

  @Test
  void run_pastTimeout_timesOutKeepingEarlierOutput() {
    TimedOut t =
        as(
            run(Duration.ofMillis(500), MIB, "/bin/sh", "-c", "echo started; exec sleep 30"),
            TimedOut.class);

    assertThat(t.output().stdout()).isEqualTo("started\n");
    assertThat(t.duration()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
  }

  @Test
  void cancel_fromAnotherThread_killsAndReturnsCancelled() throws Exception {
    Execution execution =
        executor.start(rule("/usr/bin/sleep", LONG, MIB), argv("/usr/bin/sleep", "30"));
    Thread canceller =
        Thread.ofVirtual()
            .start(
                () -> {
                  sleep(Duration.ofMillis(200));
                  execution.cancel();
                });

    Cancelled c = as(execution.await(), Cancelled.class);

    canceller.join();
    assertThat(c.duration()).isLessThan(Duration.ofSeconds(5));
    assertThat(ProcessHandle.of(execution.pid().orElseThrow()).filter(ProcessHandle::isAlive))
        .isEmpty();
  }

  @Test
  void cancel_afterCompletion_changesNothing() {
    Execution execution =
        executor.start(rule("/usr/bin/echo", LONG, MIB), argv("/usr/bin/echo", "x"));
    ExecResult first = execution.await();
    execution.cancel();

    assertThat(first).isInstanceOf(Completed.class);
    assertThat(execution.await()).isSameAs(first);
  }

  @Test
  void await_interrupted_cancelsAndKeepsInterruptFlag() throws Exception {
    Execution execution =
        executor.start(rule("/usr/bin/sleep", LONG, MIB), argv("/usr/bin/sleep", "30"));
    AtomicReference<ExecResult> result = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread waiter =
        Thread.ofVirtual()
            .start(
                () -> {
                  result.set(execution.await());
                  stillInterrupted.set(Thread.currentThread().isInterrupted());
                });
    sleep(Duration.ofMillis(200));
    waiter.interrupt();
    waiter.join(Duration.ofSeconds(10));

    assertThat(result.get()).isInstanceOf(Cancelled.class);
    assertThat(stillInterrupted.get()).isTrue();
  }

  @Test
  void start_allSlotsTaken_returnsBusyAndFreesSlotAfterwards() {
    CommandExecutor single = new CommandExecutor(1, Duration.ofMillis(100), launcher());
    CommandRule sleep = rule("/usr/bin/sleep", LONG, MIB);
    Execution first = single.start(sleep, argv("/usr/bin/sleep", "30"));

    assertThat(single.running()).isEqualTo(1);
    assertThat(single.run(sleep, argv("/usr/bin/sleep", "30"))).isEqualTo(new Busy());

    first.cancel();
    assertThat(first.await()).isInstanceOf(Cancelled.class);
    assertThat(single.running()).isZero();
    assertThat(single.run(rule("/usr/bin/echo", LONG, MIB), argv("/usr/bin/echo")))
        .isInstanceOf(Completed.class);
  }

  @Test
  void run_environment_isExactlyTheFixedOne() {
    Completed c = as(run(LONG, MIB, "/usr/bin/env"), Completed.class);

    Map<String, String> env =
        c.output()
            .stdout()
            .lines()
            .map(line -> line.split("=", 2))
            .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
    assertThat(env).isEqualTo(Launcher.ENVIRONMENT).containsEntry("PATH", "/usr/bin:/bin");
  }

  @Test
  void run_stdin_isEmpty() {
    Completed c = as(run(LONG, MIB, "/bin/cat"), Completed.class);
    assertThat(c.exitCode()).isZero();
    assertThat(c.output().stdout()).isEmpty();
    assertThat(c.duration()).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void run_stdin_isDevNull() {
    Completed c = as(run(LONG, MIB, "/usr/bin/readlink", "/proc/self/fd/0"), Completed.class);
    assertThat(c.output().stdout()).isEqualTo("/dev/null\n");
  }

  @Test
  void run_descriptors_onlyStdioInherited() {
    // ls opens one descriptor of its own (3) to read the directory; anything else came from this
    // JVM.
    Completed c = as(run(LONG, MIB, "/bin/ls", "/proc/self/fd"), Completed.class);
    assertThat(c.output().stdout().lines().toList()).containsExactly("0", "1", "2", "3");
  }

  @Test
  void run_signals_noneBlockedAndNoStandardOneIgnored() {
    Completed c =
        as(
            run(LONG, MIB, "/bin/grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"),
            Completed.class);
    Map<String, Long> masks =
        c.output()
            .stdout()
            .lines()
            .map(line -> line.split(":\t"))
            .collect(
                Collectors.toMap(kv -> kv[0], kv -> Long.parseUnsignedLong(kv[1].strip(), 16)));

    assertThat(masks.get("SigBlk")).isZero();
    // Bits 0-30 are signals 1-31. glibc's own real-time signals (32, 33) may show as ignored; no
    // process can set them.
    assertThat(masks.get("SigIgn") & 0x7fff_ffffL).isZero();
  }

  @Test
  void run_commonPoolBusy_stillCompletes() throws Exception {
    // Something else in the JVM may hold every common-pool worker; the executor must not need one.
    java.util.concurrent.ForkJoinPool pool = java.util.concurrent.ForkJoinPool.commonPool();
    java.util.concurrent.atomic.AtomicBoolean release =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<java.util.concurrent.Future<?>> blockers = new ArrayList<>();
    for (int i = 0; i < pool.getParallelism(); i++) {
      blockers.add(
          pool.submit(
              () -> {
                while (!release.get()) {
                  sleep(Duration.ofMillis(10));
                }
              }));
    }
    Execution execution =
        executor.start(rule("/usr/bin/echo", LONG, MIB), argv("/usr/bin/echo", "hi"));
    try {
      Thread.ofVirtual().start(execution::await).join(Duration.ofSeconds(10));
      assertThat(execution.isDone()).as("finished while the common pool was busy").isTrue();
    } finally {
      release.set(true);
    }
    for (java.util.concurrent.Future<?> blocker : blockers) {
      blocker.get();
    }
    assertThat(as(execution.await(), Completed.class).output().stdout()).isEqualTo("hi\n");
  }

  @Test
  void run_manyConcurrently_eachGetsItsOwnOutput() throws Exception {
    assertConcurrentRunsCorrect(8, 40);
  }

  /**
   * {@code callers} threads each run {@code perCaller} echo commands with distinct words; every
   * result must be a clean exit with its own word. Catches descriptors or exits attributed to the
   * wrong command, and kills of the wrong one.
   */
  void assertConcurrentRunsCorrect(int callers, int perCaller) throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < callers; t++) {
      int caller = t;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < perCaller; i++) {
                      String word = caller + "-" + i;
                      ExecResult r = run(LONG, MIB, "/usr/bin/echo", word);
                      if (!(r instanceof Completed c)
                          || c.exitCode() != 0
                          || !c.output().stdout().equals(word + "\n")) {
                        wrong.add(word + " -> " + r);
                      }
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join(Duration.ofSeconds(25));
    }
    assertThat(wrong).isEmpty();
    assertThat(executor.running()).isZero();
  }

  @Test
  void run_workdir_isTheRules() throws IOException {
    CommandRule pwd =
        new CommandRule(
            "pwd",
            Path.of("/bin/pwd"),
            List.of(),
            0,
            List.of(),
            LONG,
            MIB,
            Set.of("*"),
            Set.of(),
            dir,
            false);
    Completed c = as(executor.run(pwd, argv("/bin/pwd", "-P")), Completed.class);
    assertThat(c.output().stdout()).isEqualTo(dir.toRealPath() + "\n");
  }

  @Test
  void run_missingExecutable_launchFails() {
    String missing = dir.resolve("gone").toString();
    LaunchFailed f = as(run(LONG, MIB, missing), LaunchFailed.class);
    assertThat(f.reason()).startsWith("cannot start " + missing);
    assertThat(executor.running()).isZero();
  }

  @Test
  void start_argvNotStartingWithExecutable_rejected() {
    CommandRule echo = rule("/usr/bin/echo", LONG, MIB);
    assertThatThrownBy(() -> executor.start(echo, argv("/bin/sh", "-c", "id")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/usr/bin/echo");
  }

  @Test
  void constructor_badLimits_rejected() {
    assertThatThrownBy(() -> new CommandExecutor(0, Duration.ZERO))
        .hasMessageContaining("maxConcurrent");
    assertThatThrownBy(() -> new CommandExecutor(1, Duration.ofSeconds(-1)))
        .hasMessageContaining("queueWait");
  }

  // ---- process trees ----

  @Test
  void timeout_processTree_allDescendantsKilled() throws Exception {
    Path script = spawnTreeScript();
    Path pids = dir.resolve("pids");
    Execution execution =
        executor.start(
            rule(script.toString(), Duration.ofSeconds(3), MIB),
            argv(script.toString(), pids.toString(), "2"));
    List<ProcessHandle> tree = awaitTree(pids, 7);

    assertThat(execution.await()).isInstanceOf(TimedOut.class);
    assertAllGone(tree);
  }

  @Test
  void cancel_processTree_allDescendantsKilled() throws Exception {
    Path script = spawnTreeScript();
    Path pids = dir.resolve("pids");
    Execution execution =
        executor.start(
            rule(script.toString(), LONG, MIB), argv(script.toString(), pids.toString(), "2"));
    List<ProcessHandle> tree = awaitTree(pids, 7);

    Thread.ofVirtual().start(execution::cancel).join();

    Cancelled c = as(execution.await(), Cancelled.class);
    assertThat(c.output().stdout()).contains("started");
    assertAllGone(tree);
  }

  @Test
  void timeout_descendantThatLeftTheGroup_stillKilled() throws Exception {
    Path pids = dir.resolve("pids");
    String script = "setsid sleep 60 & echo $! > " + pids + "; exec sleep 60";
    Execution execution =
        executor.start(rule("/bin/sh", Duration.ofSeconds(2), MIB), argv("/bin/sh", "-c", script));
    List<ProcessHandle> tree = awaitTree(pids, 1);

    assertThat(execution.await()).isInstanceOf(ExecResult.TimedOut.class);
    assertAllGone(tree);
  }

  Path spawnTreeScript() throws IOException {
    Path script = dir.resolve("spawn-tree.sh");
    try (InputStream in = getClass().getResourceAsStream("spawn-tree.sh")) {
      assertThat(in).isNotNull();
      Files.copy(in, script);
    }
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  /**
   * Waits until {@code count} processes recorded their PIDs and returns their handles, all alive.
   */
  static List<ProcessHandle> awaitTree(Path pidFile, int count) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      List<String> lines = Files.exists(pidFile) ? Files.readAllLines(pidFile) : List.of();
      if (lines.size() >= count) {
        List<ProcessHandle> handles = new ArrayList<>();
        for (String line : lines) {
          handles.add(ProcessHandle.of(Long.parseLong(line.strip())).orElseThrow());
        }
        assertThat(handles).hasSize(count).allMatch(ProcessHandle::isAlive);
        return handles;
      }
      sleep(Duration.ofMillis(20));
    }
    throw new AssertionError("process tree did not start within 10 s: " + pidFile);
  }

  static void assertAllGone(List<ProcessHandle> tree) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<ProcessHandle> alive = tree;
    while (System.nanoTime() < deadline) {
      alive = tree.stream().filter(CommandExecutorTest::running).toList();
      if (alive.isEmpty()) {
        return;
      }
      sleep(Duration.ofMillis(50));
    }
    throw new AssertionError("still running 10 s after the kill: " + alive);
  }

  /**
   * Alive and not a zombie: a killed orphan stays a zombie until init reaps it, which it may do
   * lazily.
   */
  private static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  private static String seq(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      b.append(i).append('\n');
    }
    return b.toString();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
