package dev.rcx.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * A local control channel: a Unix domain socket {@value #FILE} in the data directory, mode 0600, so
 * only the server's own user (and root) can use it. A client writes one verb line ({@code reload}
 * or {@code rotate}) and reads one reply line; {@code rcx server reload --data-dir D} and {@code
 * rcx audit rotate --data-dir D} are its clients, so an operator sees whether it worked, which a
 * bare signal cannot tell.
 *
 * <p>One platform thread accepts; each request is served on a virtual thread, at most {@value
 * #MAX_CLIENTS} at once, and a client that sends nothing within {@link #REQUEST_TIMEOUT} is cut
 * off.
 */
public final class ControlSocket implements AutoCloseable {
  /** The socket's file name in the data directory. */
  public static final String FILE = "control.sock";

  static final String RELOAD = "reload";
  static final String ROTATE = "rotate";
  private static final int MAX_CLIENTS = 4;
  private static final int MAX_REQUEST = 64;
  private static final int MAX_REPLY = 16 * 1024;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final ServerSocketChannel channel;
  private final Path file;
  private final Function<String, String> handler;
  private final Logger log;
  private final Semaphore clients = new Semaphore(MAX_CLIENTS);
  private final Thread acceptor;
  private volatile boolean closed;

  private ControlSocket(
      ServerSocketChannel channel, Path file, Function<String, String> handler, Logger log) {
    this.channel = channel;
    this.file = file;
    this.handler = handler;
    this.log = log;
    this.acceptor = Thread.ofPlatform().name("rcx-control").daemon().start(this::acceptLoop);
  }

  /**
   * Listens on {@code dataDir/control.sock}, replacing a stale socket file left by a crash (the
   * audit log's writer lock already proved no other server uses this directory). Returns null,
   * after logging why, when the socket cannot be created (for instance a path longer than the
   * kernel's ~107 bytes): SIGHUP still reloads.
   *
   * @param handler maps a verb to the one-line reply
   */
  static @Nullable ControlSocket open(Path dataDir, Function<String, String> handler, Logger log) {
    Path file = dataDir.resolve(FILE);
    Path temp = dataDir.resolve(FILE + ".new");
    try {
      Files.deleteIfExists(temp);
      ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        // Bound under a temporary name and made owner-only before it appears under its real one.
        ch.bind(UnixDomainSocketAddress.of(temp));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        ch.close();
        Files.deleteIfExists(temp);
        throw e;
      }
      return new ControlSocket(ch, file, handler, log);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "control socket {} not available ({}); `rcx server reload` will not work, SIGHUP still"
              + " reloads",
          file,
          e.toString());
      return null;
    }
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel client;
      try {
        client = channel.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("control socket accept failed: {}", e.getMessage());
        }
        return;
      }
      if (!clients.tryAcquire()) {
        closeQuietly(client);
        continue;
      }
      Thread.ofVirtual().name("rcx-control-client").start(() -> serve(client));
    }
  }

  private void serve(SocketChannel client) {
    Thread timer =
        Thread.ofVirtual()
            .name("rcx-control-timeout")
            .start(
                () -> {
                  try {
                    Thread.sleep(REQUEST_TIMEOUT);
                    closeQuietly(client);
                  } catch (InterruptedException e) {
                    // Answered in time.
                  }
                });
    try (client) {
      String verb = readLine(client, MAX_REQUEST);
      timer.interrupt();
      String reply = verb == null ? "ERROR request line too long" : handler.apply(verb);
      client.write(ByteBuffer.wrap((oneLine(reply) + "\n").getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      // The client went away or was cut off; nothing to answer.
    } finally {
      timer.interrupt();
      clients.release();
    }
  }

  /** Reads up to a newline; null if longer than {@code max} bytes. */
  private static @Nullable String readLine(SocketChannel ch, int max) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(max + 1);
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        break;
      }
      for (int i = 0; i < buf.position(); i++) {
        if (buf.get(i) == '\n') {
          return new String(buf.array(), 0, i, StandardCharsets.UTF_8).strip();
        }
      }
    }
    return buf.position() > max
        ? null
        : new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }

  /**
   * Sends {@code verb} to the server whose data directory is {@code dataDir} and returns its reply
   * line.
   *
   * @throws IOException naming the socket file when no server answers there
   */
  public static String request(Path dataDir, String verb, Duration timeout) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      throw new IOException(
          "no control socket "
              + file
              + ": is an rcx server running with --data-dir "
              + dataDir
              + "? (without the socket, send SIGHUP to the server's process instead)");
    }
    SocketChannel ch;
    try {
      ch = SocketChannel.open(UnixDomainSocketAddress.of(file));
    } catch (IOException e) {
      throw new IOException(
          "cannot connect to the control socket "
              + file
              + " ("
              + e.getMessage()
              + "): the server is not running, or this user may not use it (it is mode 0600,"
              + " owned by the server's user)",
          e);
    }
    Thread timer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Thread.sleep(timeout);
                    closeQuietly(ch);
                  } catch (InterruptedException e) {
                    // Answered in time.
                  }
                });
    try (ch) {
      ch.write(ByteBuffer.wrap((verb + "\n").getBytes(StandardCharsets.UTF_8)));
      String reply = readLine(ch, MAX_REPLY);
      if (reply == null || reply.isEmpty()) {
        throw new IOException("the server at " + file + " closed the control socket without reply");
      }
      return reply;
    } catch (IOException e) {
      if (!ch.isOpen() && !timer.isAlive()) {
        throw new IOException("no reply on " + file + " within " + timeout, e);
      }
      throw e;
    } finally {
      timer.interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(channel);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A stale socket file is replaced on the next start.
    }
    try {
      acceptor.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // Nothing more to do.
    }
  }
}
