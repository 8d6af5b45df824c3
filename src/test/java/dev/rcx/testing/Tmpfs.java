package dev.rcx.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, small tmpfs mounted over a test directory, to run the audit log on a disk that really
 * fills up. Mounting needs root (or CAP_SYS_ADMIN); without it the test is skipped with that
 * assumption named, never faked.
 */
public final class Tmpfs implements AutoCloseable {
  private final Path dir;
  private final Path filler;

  private Tmpfs(Path dir) {
    this.dir = dir;
    this.filler = dir.resolve("filler.bin");
  }

  /** Mounts a tmpfs of {@code bytes} over {@code dir} (created if missing). */
  public static Tmpfs mount(Path dir, long bytes) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String out =
        run("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0700", "tmpfs", dir.toString());
    Assumptions.assumeTrue(
        out == null,
        "assumption: this test needs to mount a tmpfs (root or CAP_SYS_ADMIN) to fill a real disk;"
            + " mount said: "
            + out);
    return new Tmpfs(dir);
  }

  public Path dir() {
    return dir;
  }

  /** Bytes still free on the file system. */
  public long free() throws IOException {
    return Files.getFileStore(dir).getUsableSpace();
  }

  /** Writes a filler file until the file system refuses more (ENOSPC); returns its size. */
  public long fill() throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      // Bounded: a tmpfs of at most 1 GiB in these tests.
      for (int i = 0; i < (1 << 18); i++) {
        out.write(block);
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("space")) {
        throw e;
      }
    }
    // A write that failed half-way leaves a partly filled last page; fill it byte by byte.
    try (OutputStream out =
        Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
      for (int i = 0; i < 4096; i++) {
        out.write(0);
        out.flush();
      }
    } catch (IOException e) {
      // Full to the last byte.
    }
    return Files.size(filler);
  }

  /** Writes a filler file so that about {@code leave} bytes stay free (a page either way). */
  public void fillLeaving(long leave) throws IOException {
    long take = free() - leave;
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (long done = 0; done + block.length <= take; done += block.length) {
        out.write(block);
      }
    }
  }

  /** Deletes the filler file, freeing the space {@link #fill} took. */
  public void release() throws IOException {
    Files.deleteIfExists(filler);
  }

  @Override
  public void close() throws IOException {
    String out;
    try {
      out = run("umount", "-l", dir.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while unmounting " + dir);
    }
    if (out != null) {
      throw new IOException("umount " + dir + " failed: " + out);
    }
  }

  /** Runs a command; null on exit 0, else its output and exit code. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return String.join(" ", command) + ": timed out";
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return p.exitValue() == 0 ? null : out + " (exit " + p.exitValue() + ")";
  }
}
