package dev.rcx.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Point}.
 *
 * <p>Threads: one platform thread per simulated client ({@code rcx-bench-<transport>-<i>}),
 * platform rather than virtual so that its CPU time can be read and subtracted from the process's.
 * The calling thread coordinates:
 *
 * <ol>
 *   <li>every client creates its driver and prepares (connects, logs in) untimed, then waits;
 *   <li>all start together; operations due in the first {@code warmup} are not counted; at the
 *       window's start the coordinator reads the process's and each client thread's CPU time;
 *   <li>at the window's end clients stop starting operations, finish the one in flight, read their
 *       own CPU time and wait; operations still running after a grace period are aborted by closing
 *       their driver;
 *   <li>the coordinator reads the process CPU time again, then lets the clients disconnect.
 * </ol>
 */
final class PointRunner {
  private static final Logger LOG = LoggerFactory.getLogger(PointRunner.class);
  private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration MIN_GRACE = Duration.ofSeconds(5);
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** Told about the point's progress a few times a second. */
  interface Listener {
    void progress(Duration elapsed, long finishedOperations);
  }

  private final NanoClock clock;

  PointRunner(NanoClock clock) {
    this.clock = clock;
  }

  /**
   * Runs {@code point} and returns its figures.
   *
   * @param serverInProcess whether the server under test runs in this JVM, so its CPU time can be
   *     estimated
   */
  PointResult run(Point point, boolean serverInProcess, Listener listener)
      throws InterruptedException {
    Run run = new Run(point);
    run.start();
    if (!run.ready.await(SETUP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
      LOG.warn(
          "{}: not every client was ready after {}; starting anyway", point.title(), SETUP_TIMEOUT);
    }
    long t0 = clock.nanoTime();
    long start = t0 + point.warmup().toNanos();
    long end = start + point.duration().toNanos();
    Duration grace = point.duration().compareTo(MIN_GRACE) > 0 ? point.duration() : MIN_GRACE;
    Window window = new Window(start, end, end + grace.toNanos());
    run.window.set(window);
    run.go.countDown();

    ServerProbe server = point.isFloor() ? null : point.target().server();
    waitUntil(run, t0, start, listener);
    ProcessCpu serverCpuStart = server == null ? ProcessCpu.UNKNOWN : server.cpu();
    long cpuStart = CpuMeter.process();
    HostCpu.Snapshot hostStart = HostCpu.read();
    long hostStartNanos = clock.nanoTime();
    long[] threadCpuStart = run.threadCpu();
    waitUntil(run, t0, end, listener);
    if (!run.done.await(
        window.hardStop() - clock.nanoTime() + grace.toNanos(), TimeUnit.NANOSECONDS)) {
      run.recorders.aborting();
      run.abortAll();
      run.done.await(10, TimeUnit.SECONDS);
    }
    long cpuEnd = CpuMeter.process();
    Measured measured =
        new Measured(
            cpuEnd - cpuStart,
            run.loadCpu(threadCpuStart),
            server == null ? ProcessCpu.UNKNOWN : server.cpu().since(serverCpuStart),
            server == null ? -1 : server.rssKib());
    Double otherCpus =
        HostCpu.otherCpus(hostStart, HostCpu.read(), (clock.nanoTime() - hostStartNanos) / 1e9);
    run.teardown.countDown();
    run.join();
    return result(point, run, window, measured, serverInProcess, otherCpus);
  }

  private void waitUntil(Run run, long t0, long until, Listener listener)
      throws InterruptedException {
    for (long now = clock.nanoTime(); now < until; now = clock.nanoTime()) {
      listener.progress(Duration.ofNanos(now - t0), run.recorders.finishedSoFar());
      clock.sleepUntil(Math.min(until, now + TICK_NANOS));
    }
    listener.progress(Duration.ofNanos(until - t0), run.recorders.finishedSoFar());
  }

  /**
   * CPU and memory over one window, in nanoseconds and KiB; -1 where not measured.
   *
   * @param processCpu this JVM's
   * @param loadCpu the load threads'
   * @param serverCpu the server process's, when it runs apart on this machine (its own, its JIT's,
   *     its commands')
   * @param serverRssKib the server process's resident memory at the window's end
   */
  private record Measured(long processCpu, long loadCpu, ProcessCpu serverCpu, long serverRssKib) {}

  private static PointResult result(
      Point p, Run run, Window w, Measured m, boolean serverInProcess, @Nullable Double otherCpus) {
    long processCpu = m.processCpu();
    long loadCpu = m.loadCpu();
    Latency latency = Latency.of(run.recorders.latency());
    long commands = latency == null ? 0 : latency.count();
    var codes = run.recorders.errorCounts();
    long errors = codes.values().stream().mapToLong(Long::longValue).sum();
    Double cpu = null;
    Double serverCpu = null;
    Double clientCpu = null;
    if (commands > 0 && processCpu >= 0) {
      cpu = round(processCpu / 1000.0 / commands);
      if (serverInProcess && loadCpu >= 0) {
        serverCpu = round(Math.max(0, processCpu - loadCpu) / 1000.0 / commands);
      }
    }
    if (commands > 0 && loadCpu >= 0) {
      clientCpu = round(loadCpu / 1000.0 / commands);
    }
    if (commands > 0 && m.serverCpu().ownNanos() >= 0) {
      serverCpu = round(m.serverCpu().ownNanos() / 1000.0 / commands);
    }
    Double serverJit = perCommand(m.serverCpu().jitNanos(), commands);
    Double commandCpu = perCommand(m.serverCpu().childrenNanos(), commands);
    Double rss = m.serverRssKib() < 0 ? null : round(m.serverRssKib() / 1024.0);
    return PointResult.builder(p.label(), p.target().transport(), p.clients())
        .targetRate(p.rate())
        .window(w.seconds(), commands)
        .latency(latency)
        .tlsHandshake(p.isFloor() ? null : Latency.of(run.recorders.handshake()))
        .auth(p.isFloor() ? null : Latency.of(run.recorders.auth()))
        .errorCodes(codes)
        .errors(errors)
        .errorExamples(run.recorders.errorExamples())
        .cpuUsPerCommand(cpu)
        .serverCpuUsPerCommand(serverCpu)
        .serverJitUsPerCommand(serverJit)
        .commandCpuUsPerCommand(commandCpu)
        .otherCpus(otherCpus)
        .clientCpuUsPerCommand(clientCpu)
        .serverRssMib(rss)
        .resumedFraction(p.isFloor() ? null : run.recorders.resumedFraction())
        .build();
  }

  private static @Nullable Double perCommand(long nanos, long commands) {
    return commands > 0 && nanos >= 0 ? round(nanos / 1000.0 / commands) : null;
  }

  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** The shared state of one point's client threads. */
  private final class Run {
    final Point point;
    final PointRecorders recorders = new PointRecorders();
    final CountDownLatch ready;
    final CountDownLatch go = new CountDownLatch(1);
    final CountDownLatch done;
    final CountDownLatch teardown = new CountDownLatch(1);
    final AtomicReference<@Nullable Window> window = new AtomicReference<>();
    final AtomicReferenceArray<@Nullable Driver> drivers;
    final long[] threadCpuEnd;
    final List<Thread> threads = new ArrayList<>();

    Run(Point point) {
      this.point = point;
      this.ready = new CountDownLatch(point.clients());
      this.done = new CountDownLatch(point.clients());
      this.drivers = new AtomicReferenceArray<>(point.clients());
      this.threadCpuEnd = new long[point.clients()];
    }

    void start() {
      for (int i = 0; i < point.clients(); i++) {
        int client = i;
        threads.add(
            Thread.ofPlatform()
                .name("rcx-bench-" + point.target().transport() + "-" + i)
                .daemon(true)
                .start(() -> client(client)));
      }
    }

    private void client(int i) {
      threadCpuEnd[i] = -1;
      Driver driver = null;
      boolean readied = false;
      try {
        driver = point.target().newDriver(i);
        drivers.set(i, driver);
        ClientOperation op = new ClientOperation(point.workload(), driver);
        Sample setup = new Sample(clock);
        op.prepareQuietly(setup);
        recorders.phases(setup);
        readied = true;
        ready.countDown();
        go.await();
        // Set by the coordinator before it releases go.
        Window w = Objects.requireNonNull(window.get());
        new LoadLoop(clock, schedule(i, w), w, op, recorders).run();
      } catch (IOException | RuntimeException e) {
        recorders.failure("DRIVER_FAILED", e.toString(), new Sample(clock));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        if (!readied) {
          ready.countDown();
        }
        threadCpuEnd[i] = CpuMeter.currentThread();
        done.countDown();
        awaitTeardown();
        if (driver != null) {
          driver.close();
        }
      }
    }

    private Schedule schedule(int i, Window w) {
      Double rate = point.rate();
      if (rate == null) {
        return new Schedule.Closed();
      }
      long t0 = w.start() - point.warmup().toNanos();
      return Schedule.Open.forClient(rate, point.clients(), i, t0);
    }

    private void awaitTeardown() {
      try {
        teardown.await(SETUP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    long[] threadCpu() {
      long[] cpu = new long[threads.size()];
      for (int i = 0; i < cpu.length; i++) {
        cpu[i] = CpuMeter.thread(threads.get(i).threadId());
      }
      return cpu;
    }

    /**
     * CPU the client threads used between {@code start} and their own end; -1 if any reading is
     * missing.
     */
    long loadCpu(long[] start) {
      long sum = 0;
      for (int i = 0; i < start.length; i++) {
        if (start[i] < 0 || threadCpuEnd[i] < 0) {
          return -1;
        }
        sum += threadCpuEnd[i] - start[i];
      }
      return sum;
    }

    void abortAll() {
      for (int i = 0; i < drivers.length(); i++) {
        Driver d = drivers.get(i);
        if (d != null) {
          d.close();
        }
      }
    }

    void join() throws InterruptedException {
      for (Thread t : threads) {
        t.join(Duration.ofSeconds(30));
      }
    }
  }
}
