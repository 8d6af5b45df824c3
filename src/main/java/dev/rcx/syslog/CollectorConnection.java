package dev.rcx.syslog;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * One TCP connection to the collector, TLS layered over it when configured. TLS is layered over a
 * plain socket the connection keeps, so that a deadline can always close the TCP socket (closing an
 * {@code SSLSocket} from another thread can block behind its locks). Syslog over TCP has no
 * acknowledgements: {@link #stillOpen} is how a sender learns that the collector went away.
 */
final class CollectorConnection implements Closeable {
  private final Socket raw;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String description;
  private volatile boolean timedOut;

  private CollectorConnection(Socket raw, Socket socket, String description) throws IOException {
    this.raw = raw;
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    this.description = description;
  }

  /** Where and how to connect. {@code tls} null means plaintext (loopback only). */
  record Target(String host, int port, @Nullable Tls tls) {
    record Tls(SSLContext context, SSLParameters parameters) {}

    String address() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /**
   * Connects to {@code target} (each address of its host in turn) and, with TLS, completes the
   * handshake, checking the collector's certificate and name.
   *
   * @throws IOException naming what failed; an {@link javax.net.ssl.SSLException} for TLS
   */
  static CollectorConnection open(Target target, Duration timeout) throws IOException {
    InetAddress[] addresses = InetAddress.getAllByName(target.host());
    IOException failure = null;
    for (InetAddress address : addresses) {
      if (target.tls() == null && !address.isLoopbackAddress()) {
        throw new PlaintextRefusedException(
            target.address()
                + " resolves to "
                + address.getHostAddress()
                + ", which is not a loopback address: plaintext (audit.syslog.tls: false) is"
                + " refused off loopback; use TLS with audit.syslog.ca");
      }
      Socket raw = new Socket();
      try {
        raw.setTcpNoDelay(true);
        raw.setKeepAlive(true);
        raw.connect(new InetSocketAddress(address, target.port()), (int) timeout.toMillis());
        if (target.tls() == null) {
          return new CollectorConnection(raw, raw, "plaintext TCP");
        }
        SSLSocket tls =
            (SSLSocket)
                target
                    .tls()
                    .context()
                    .getSocketFactory()
                    .createSocket(raw, target.host(), target.port(), /* autoClose= */ true);
        tls.setSSLParameters(target.tls().parameters());
        tls.setSoTimeout((int) timeout.toMillis());
        tls.startHandshake();
        return new CollectorConnection(
            raw, tls, tls.getSession().getProtocol() + " " + tls.getSession().getCipherSuite());
      } catch (IOException e) {
        closeQuietly(raw);
        if (e instanceof javax.net.ssl.SSLException) {
          throw e; // the collector was reached: another address would not fix its certificate
        }
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    throw failure != null ? failure : new IOException("no address for " + target.host());
  }

  /** The protocol in use ({@code TLSv1.3 TLS_AES_256_GCM_SHA384}, or {@code plaintext TCP}). */
  String description() {
    return description;
  }

  /**
   * Writes {@code frames} and flushes them to the socket. A write that takes longer than {@code
   * deadline} (a collector that stopped reading) is ended by closing the socket.
   */
  void send(List<byte[]> frames, Duration deadline, ScheduledExecutorService timer)
      throws IOException {
    ScheduledFuture<?> watchdog =
        timer.schedule(
            () -> {
              timedOut = true;
              closeQuietly(raw);
            },
            deadline.toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      for (byte[] frame : frames) {
        out.write(frame);
      }
      out.flush();
    } catch (IOException e) {
      if (timedOut) {
        throw new IOException(
            "the collector did not take the records within "
                + deadline.toMillis()
                + " ms (it is not reading); reconnecting",
            e);
      }
      throw e;
    } finally {
      watchdog.cancel(/* mayInterruptIfRunning= */ false);
    }
  }

  /**
   * Whether the collector still holds the connection open, waiting up to {@code wait} for a sign
   * that it closed it (end of stream or a reset). A collector never sends anything, so any bytes
   * that come are read and dropped.
   */
  boolean stillOpen(Duration wait) {
    try {
      socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
      byte[] drop = new byte[512];
      return in.read(drop) >= 0;
    } catch (SocketTimeoutException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    closeQuietly(
        raw); // first: a TLS close_notify must not wait on a collector that stopped reading
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Closing is best effort: the connection is being given up.
    }
  }

  /** The collector's address is not loopback and plaintext was asked for. */
  static final class PlaintextRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    PlaintextRefusedException(String message) {
      super(message);
    }
  }
}
