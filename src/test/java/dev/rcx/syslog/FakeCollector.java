package dev.rcx.syslog;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * An in-process syslog receiver on 127.0.0.1 for fault tests the real collector cannot stage on
 * cue: it parses RFC 6587 octet-counted frames, keeps each message whole, and can drop a connection
 * after a given number of messages. {@link #stop()} and {@link #start()} keep the port.
 */
final class FakeCollector implements AutoCloseable {
  private final @Nullable SSLContext tls;
  private final List<String> messages = new ArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile int closeAfter = -1;
  private volatile boolean stalled;
  private @Nullable ServerSocket server;
  private @Nullable Thread acceptor;
  private final List<Socket> open = new ArrayList<>();
  private int port;

  FakeCollector(@Nullable SSLContext tls) {
    this.tls = tls;
  }

  /** Listens (on the port it had before, if any). */
  FakeCollector start() throws IOException {
    ServerSocket s =
        tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
    s.setReuseAddress(true);
    s.setReceiveBufferSize(4096);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    port = s.getLocalPort();
    server = s;
    acceptor = Thread.ofVirtual().name("fake-collector").start(() -> accept(s));
    return this;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** The next connection is closed after it delivered {@code n} more messages. */
  void closeNextConnectionAfter(int n) {
    closeAfter = n;
  }

  /** New connections are accepted but never read (a collector that hangs), or read again. */
  void stall(boolean on) {
    stalled = on;
  }

  int connections() {
    return connections.get();
  }

  synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  /** The MSG part (the audit line) of every message. */
  List<String> records() {
    return messages().stream().map(FakeCollector::msg).toList();
  }

  static String msg(String message) {
    int sd = message.indexOf("\"] ");
    return message.substring(sd + 3);
  }

  /** Stops listening and drops every connection. */
  void stop() throws IOException, InterruptedException {
    ServerSocket s = server;
    server = null;
    if (s != null) {
      s.close();
    }
    synchronized (open) {
      for (Socket c : open) {
        c.close();
      }
      open.clear();
    }
    if (acceptor != null) {
      acceptor.join();
    }
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket c = s.accept();
        connections.incrementAndGet();
        synchronized (open) {
          open.add(c);
        }
        int limit = closeAfter;
        closeAfter = -1;
        if (!stalled) {
          Thread.ofVirtual().start(() -> read(c, limit));
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  private void read(Socket c, int limit) {
    try (c;
        InputStream in = new BufferedInputStream(c.getInputStream())) {
      int n = 0;
      while (limit < 0 || n < limit) {
        String m = frame(in);
        if (m == null) {
          return;
        }
        synchronized (this) {
          messages.add(m);
        }
        n++;
      }
    } catch (IOException e) {
      // The sender or the test closed it.
    }
  }

  /** One octet-counted frame, or null at the end of the stream. */
  private static @Nullable String frame(InputStream in) throws IOException {
    int length = 0;
    int b;
    boolean any = false;
    while ((b = in.read()) != ' ') {
      if (b < 0) {
        if (any) {
          throw new IOException("stream ended inside a frame length");
        }
        return null;
      }
      if (b < '0' || b > '9') {
        throw new IOException("not octet-counted framing: byte " + b);
      }
      length = length * 10 + (b - '0');
      any = true;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length);
    for (int i = 0; i < length; i++) {
      int x = in.read();
      if (x < 0) {
        throw new IOException("stream ended inside a frame");
      }
      out.write(x);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stopping the fake collector");
    }
  }
}
