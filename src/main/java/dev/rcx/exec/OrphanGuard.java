package dev.rcx.exec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills the server's commands if the server dies without cleaning up ({@code kill -9}, a crash, the
 * OOM killer): a small watcher process ({@link OrphanGuardMain}, a second JVM with an 8 MiB heap)
 * holds the read end of a pipe whose write end only this server holds. The server tells it each
 * command process as it starts and ends; when the pipe reaches end of file, which the kernel causes
 * as the server dies however it dies, the watcher kills the process group of every command still
 * registered (after checking, by start time, that the pid is still that command) and exits.
 *
 * <p>Why a watcher and not what Linux offers in-process: {@code PR_SET_PDEATHSIG} must be set in
 * the child between fork and exec, which {@code posix_spawn} does not allow, fires when the
 * spawning thread (not process) exits, and reaches only the direct child; a child subreaper adopts
 * orphaned grandchildren while the server lives but does nothing when the server itself dies.
 *
 * <p>The watcher ignores SIGINT, SIGTERM and SIGHUP (a Ctrl-C in a terminal reaches the whole
 * foreground group; the server then shuts down cleanly and closes the pipe). A SIGKILL of the
 * server's whole process group kills the watcher too: then only a restart of the server (which
 * reconciles its log) or a service manager's cgroup kill ({@code KillMode=control-group}) ends the
 * commands. If the watcher dies while the server runs, it is started again on the next command.
 */
public final class OrphanGuard implements ProcessGuard {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanGuard.class);

  /**
   * Longest a removal waits to be written. Removals are not urgent (the watcher checks a pid's
   * start time before it kills, and a pid that is some group's id is not handed out again), so they
   * go out with the next registration or after this, and the writer wakes once per command, not
   * twice.
   */
  static final Duration REMOVAL_DELAY = Duration.ofMillis(100);

  /** Removals written at once when this many are waiting, whatever their age. */
  static final int REMOVAL_BATCH = 256;

  private final List<String> command;
  // Guards registered, additions, removals, removalsDue and stopping. Lines for the watcher are
  // written by the rcx-orphan-guard thread: callers (the launching thread, the launcher's I/O
  // thread) never wait on the pipe, even while the watcher JVM is still booting.
  private final Object lock = new Object();
  private final Map<Long, String> registered = new LinkedHashMap<>();
  // Registration lines not written yet, by pid: written as soon as the writer runs.
  private final LinkedHashMap<Long, String> additions = new LinkedHashMap<>();
  // Pids whose registration was written and whose process has ended since.
  private final List<Long> removals = new ArrayList<>();
  private long removalsDue; // System.nanoTime() by which removals are written
  private boolean stopping;
  private final Thread writer;
  // Replaced only by the writer thread (after start, only it writes to the process's stdin pipe).
  private volatile Process watcher;
  private volatile boolean closed;

  private OrphanGuard(List<String> command) throws IOException {
    this.command = List.copyOf(command);
    this.watcher = launch(this.command, List.of());
    this.writer = Thread.ofPlatform().daemon().name("rcx-orphan-guard").unstarted(this::writeLoop);
  }

  /**
   * Starts the watcher process from this JVM's own {@code java} and class path; it boots in the
   * background (registrations wait in the pipe meanwhile).
   *
   * @throws IOException if the process cannot be started
   */
  public static OrphanGuard start() throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return start(
        List.of(
            java,
            "-Xmx8m",
            "-Xss256k",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1",
            "-Xshare:auto",
            "-cp",
            System.getProperty("java.class.path"),
            OrphanGuardMain.class.getName()));
  }

  /** A guard whose watcher is {@code command} (tests use one that records what it is told). */
  static OrphanGuard start(List<String> command) throws IOException {
    OrphanGuard guard = new OrphanGuard(command);
    guard.writer.start();
    return guard;
  }

  private static Process launch(List<String> command, List<String> replay) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            // Not the server's stderr: whoever reads that to its end must not wait for the watcher.
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    OutputStream pipe = p.getOutputStream();
    LOG.debug("orphan guard watcher is pid {}", p.pid());
    for (String line : replay) {
      pipe.write(line.getBytes(StandardCharsets.US_ASCII));
    }
    pipe.flush();
    return p;
  }

  /** The watcher's pid, for tests and diagnostics; -1 when none runs. */
  public long watcherPid() {
    Process p = watcher;
    return !p.isAlive() ? -1 : p.pid();
  }

  @Override
  public void register(long pid, long processGroup, long startTime) {
    String line = "+ " + pid + " " + processGroup + " " + startTime + "\n";
    synchronized (lock) {
      registered.put(pid, line);
      additions.put(pid, line);
      lock.notifyAll();
    }
  }

  @Override
  public void unregister(long pid) {
    synchronized (lock) {
      if (registered.remove(pid) == null) {
        return;
      }
      if (additions.remove(pid) != null) {
        return; // its registration was never written: nothing to take back
      }
      removals.add(pid);
      if (removals.size() == 1) {
        removalsDue = System.nanoTime() + REMOVAL_DELAY.toNanos();
        lock.notifyAll(); // an idle writer starts its clock
      } else if (removals.size() >= REMOVAL_BATCH) {
        lock.notifyAll();
      }
    }
  }

  private void writeLoop() {
    List<String> batch = new ArrayList<>();
    while (true) {
      boolean stop;
      synchronized (lock) {
        try {
          while (!stopping && additions.isEmpty() && !removalsDueNow()) {
            if (removals.isEmpty()) {
              lock.wait();
            } else {
              long left = removalsDue - System.nanoTime();
              lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
          }
        } catch (InterruptedException e) {
          return;
        }
        stop = stopping;
        // Removals first: each takes back a registration written in an earlier batch, while a
        // registration here may reuse a removed pid and must stay.
        for (long pid : removals) {
          batch.add("- " + pid + "\n");
        }
        removals.clear();
        batch.addAll(additions.values());
        additions.clear();
      }
      write(batch);
      batch.clear();
      if (stop) {
        closePipe();
        return;
      }
    }
  }

  /** Caller holds the lock. */
  private boolean removalsDueNow() {
    return !removals.isEmpty()
        && (removals.size() >= REMOVAL_BATCH || System.nanoTime() - removalsDue >= 0);
  }

  private void write(List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    try {
      Process p = watcher;
      if (!p.isAlive()) {
        LOG.warn(
            "orphan guard watcher (pid {}) died with status {}; starting a new one",
            p.pid(),
            p.exitValue());
        List<String> replay;
        synchronized (lock) {
          replay = List.copyOf(registered.values());
          // The replay holds everything still registered, these included.
          additions.clear();
          removals.clear();
        }
        watcher = launch(command, replay);
        return;
      }
      StringBuilder text = new StringBuilder();
      lines.forEach(text::append);
      OutputStream pipe = p.getOutputStream();
      pipe.write(text.toString().getBytes(StandardCharsets.US_ASCII));
      pipe.flush();
    } catch (IOException e) {
      LOG.warn(
          "orphan guard watcher unreachable ({}); commands are not guarded against a server crash"
              + " until it runs again",
          e.getMessage());
    }
  }

  private void closePipe() {
    try {
      watcher.getOutputStream().close();
    } catch (IOException e) {
      // The watcher is gone already; nothing is left to tell it.
    }
  }

  /**
   * Closes the pipe once what is queued is written: the watcher kills what is still registered
   * (nothing, after a clean shutdown) and exits.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (lock) {
      stopping = true;
      lock.notifyAll();
    }
    try {
      writer.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The registrations the watcher would act on now, for tests. */
  List<Long> registeredPids() {
    synchronized (lock) {
      return new ArrayList<>(registered.keySet());
    }
  }
}
