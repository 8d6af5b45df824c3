package dev.rcx.spawn;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Launches through {@link ProcessBuilder}: portable, and what the JVM's launch mechanism makes it
 * (on Linux a {@code jspawnhelper} process in between, so two execs per command). Each child has
 * three virtual threads: two drain its pipes, one waits for its exit. ({@link Process#onExit()}
 * would save that one, but completes through the common fork-join pool, which any blocking task
 * elsewhere in the JVM can hold up.) A background process the command leaves behind after exiting
 * normally is not found: once its parent has exited it is no longer a descendant.
 */
final class JdkLauncher implements Launcher {
  private static final File DEV_NULL = new File("/dev/null");

  private final Map<String, String> environment;

  JdkLauncher(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public Child launch(List<String> argv, Path workdir, int cap) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .directory(workdir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
    builder.environment().clear();
    builder.environment().putAll(environment);
    return new JdkChild(builder.start(), cap);
  }

  @Override
  public String name() {
    return "jdk";
  }

  private static final class JdkChild implements Child {
    private final Process process;
    private final OutputCapture stdout;
    private final OutputCapture stderr;
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final AtomicInteger openStreams = new AtomicInteger(2);

    JdkChild(Process process, int cap) {
      this.process = process;
      OutputJournal journal = new OutputJournal();
      this.stdout = new OutputCapture(cap, journal, OutputJournal.STDOUT);
      this.stderr = new OutputCapture(cap, journal, OutputJournal.STDERR);
      String prefix = "rcx-exec-" + process.pid();
      Thread.ofVirtual()
          .name(prefix + "-stdout")
          .start(new CappedReader(process.getInputStream(), stdout, this::ended));
      Thread.ofVirtual()
          .name(prefix + "-stderr")
          .start(new CappedReader(process.getErrorStream(), stderr, this::ended));
      Thread.ofVirtual().name(prefix + "-wait").start(this::awaitExit);
    }

    private void awaitExit() {
      while (true) {
        try {
          exited.complete(process.waitFor());
          return;
        } catch (InterruptedException e) {
          // Nothing interrupts this thread on purpose; keep waiting, the process is killed by other
          // means.
        }
      }
    }

    private void ended() {
      if (openStreams.decrementAndGet() == 0) {
        drained.complete(null);
      }
    }

    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public CompletableFuture<Integer> exited() {
      return exited;
    }

    @Override
    public CompletableFuture<Void> drained() {
      return drained;
    }

    @Override
    public void kill() {
      ProcessTree.kill(process.toHandle());
    }

    @Override
    public void abandonOutput() {
      closeQuietly(process.getInputStream());
      closeQuietly(process.getErrorStream());
      drained.complete(null);
    }

    @Override
    public OutputCapture stdout() {
      return stdout;
    }

    @Override
    public OutputCapture stderr() {
      return stderr;
    }

    private static void closeQuietly(Closeable stream) {
      try {
        stream.close();
      } catch (IOException e) {
        // Closing only unblocks the reader; a failure here changes nothing.
      }
    }
  }
}
