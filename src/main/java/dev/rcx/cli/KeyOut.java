package dev.rcx.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.jspecify.annotations.Nullable;

/**
 * Where {@code rcx server --key-out} writes a new audit log's verification key: a file it creates
 * (mode 600, never overwriting one) or an inherited file descriptor ({@code fd:3}), so the key
 * reaches the operator without passing through stdout and the service manager's journal. It is
 * opened before the server starts, so a destination that cannot take the key fails the start before
 * the log exists.
 */
final class KeyOut {
  private final String name;
  private final FileChannel channel;
  private final @Nullable Path created;

  private KeyOut(String name, FileChannel channel, @Nullable Path created) {
    this.name = name;
    this.channel = channel;
    this.created = created;
  }

  /** Opens {@code spec}, or returns null (with a note) when {@code log} exists: no key to write. */
  static @Nullable KeyOut open(String spec, Path log, PrintWriter err) {
    if (Files.exists(log)) {
      err.println(
          "Note: --key-out: the audit log "
              + log
              + " exists already (its key was given when it was created); nothing is written to "
              + spec
              + ".");
      return null;
    }
    if (spec.startsWith("fd:")) {
      return openFd(spec);
    }
    Path file = Path.of(spec).toAbsolutePath();
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      return new KeyOut(file.toString(), FileChannel.open(file, StandardOpenOption.WRITE), file);
    } catch (FileAlreadyExistsException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "--key-out "
              + file
              + ": exists already; rcx never overwrites a file that may hold another log's key."
              + " Choose a new file name, or move the old file away");
    } catch (NoSuchFileException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "--key-out " + file + ": its directory " + file.getParent() + " does not exist");
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "--key-out "
              + file
              + ": cannot create it: "
              + (e instanceof java.nio.file.FileSystemException fs ? Errors.file(fs) : e));
    }
  }

  private static KeyOut openFd(String spec) {
    String digits = spec.substring("fd:".length());
    if (!digits.matches("[0-9]{1,4}") || Integer.parseInt(digits) <= 2) {
      throw new CliException(
          ExitCodes.USAGE,
          "--key-out "
              + spec
              + ": expected fd:N with N a file descriptor of 3 or more (0-2 are stdin, stdout and"
              + " stderr)");
    }
    Path fd = Path.of("/proc/self/fd", digits);
    try {
      refuseJvmOwn(spec, fd);
      return new KeyOut(
          "file descriptor " + digits,
          FileChannel.open(fd, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
          null);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "--key-out "
              + spec
              + ": file descriptor "
              + digits
              + " is not open for writing; start rcx with it redirected, e.g. `rcx server"
              + " --key-out fd:"
              + digits
              + " "
              + digits
              + ">/media/offline/rcx-audit.key`");
    }
  }

  /**
   * The JVM holds descriptors of its own (jars, /dev/urandom): a descriptor the operator did not
   * redirect must not receive the key. Accepted: a pipe, a socket, a terminal, or an empty file (as
   * {@code 3>FILE} leaves it).
   */
  private static void refuseJvmOwn(String spec, Path fd) throws IOException {
    String target = Files.readSymbolicLink(fd).toString();
    boolean pipeOrSocket = target.startsWith("pipe:") || target.startsWith("socket:");
    boolean terminal = target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    boolean emptyFile = Files.isRegularFile(fd) && Files.size(fd) == 0;
    if (!pipeOrSocket && !terminal && !emptyFile) {
      throw new CliException(
          ExitCodes.USAGE,
          "--key-out "
              + spec
              + ": that descriptor is "
              + target
              + ", not a pipe, terminal or new empty file; redirect it when starting rcx, e.g."
              + " `rcx server --key-out "
              + spec
              + " "
              + spec.substring(3)
              + ">/media/offline/rcx-audit.key`");
    }
  }

  String name() {
    return name;
  }

  /** Writes the key once, durably for a file, and closes the destination. */
  void write(String key, Path log) throws IOException {
    byte[] text =
        ("# rcx audit verification key of "
                + log
                + ". Keep it off that machine; rcx audit verify --key-file reads this file.\n"
                + key
                + "\n")
            .getBytes(StandardCharsets.US_ASCII);
    try (channel) {
      ByteBuffer buf = ByteBuffer.wrap(text);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      if (created != null) {
        channel.force(true);
      }
    }
  }

  /** The server did not start: close, and remove the file this created (it holds nothing). */
  void abandon() {
    try {
      channel.close();
      if (created != null) {
        Files.deleteIfExists(created);
      }
    } catch (IOException e) {
      // The start already failed; that error is the one to report.
    }
  }
}
