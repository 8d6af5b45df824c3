package dev.rcx.tls;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A real TLS server on 127.0.0.1, port 0. For each connection it reads one line and answers {@code
 * "echo:LINE user=NAME"}, where NAME comes from {@link ClientCertificates#username} ({@code -} if
 * none). Server-side failures are kept in {@link #failures} for diagnosis.
 */
final class LoopbackServer implements AutoCloseable {
  static final int TIMEOUT_MILLIS = 5_000;

  final ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
  private final SSLServerSocket serverSocket;
  private final Thread acceptor;

  /**
   * {@code parameters == null} leaves the JDK's defaults on the server socket (used as a control).
   */
  LoopbackServer(SSLContext context, SSLParameters parameters) throws IOException {
    serverSocket =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
    if (parameters != null) {
      serverSocket.setSSLParameters(parameters);
    }
    acceptor = Thread.ofPlatform().name("test-tls-acceptor").daemon().start(this::acceptLoop);
  }

  int port() {
    return serverSocket.getLocalPort();
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try {
        Socket socket = serverSocket.accept();
        Thread.ofVirtual().name("test-tls-connection").start(() -> serve((SSLSocket) socket));
      } catch (IOException e) {
        if (!serverSocket.isClosed()) {
          failures.add(e);
        }
      }
    }
  }

  private void serve(SSLSocket socket) {
    try (socket) {
      socket.setSoTimeout(TIMEOUT_MILLIS);
      var in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null) {
        return;
      }
      SSLSession session = socket.getSession();
      Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
      out.write(
          "echo:" + line + " user=" + ClientCertificates.username(session).orElse("-") + "\n");
      out.flush();
    } catch (IOException e) {
      failures.add(e);
    }
  }

  @Override
  public void close() throws IOException {
    serverSocket.close();
    try {
      acceptor.join(TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The outcome of one client exchange: the server's reply and the negotiated session. */
  record Reply(String line, String protocol, String cipherSuite) {}

  /**
   * Connects to 127.0.0.1:{@code port} naming the server {@code host} (for SNI and the hostname
   * check), applies {@code parameters}, sends one line and reads the reply. Sending and reading
   * matter: with TLS 1.3 a refused client certificate shows up only there, not in the handshake.
   */
  static Reply exchange(
      SSLContext context, SSLParameters parameters, String host, int port, String line)
      throws IOException {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
      plain.setSoTimeout(TIMEOUT_MILLIS);
      try (SSLSocket socket =
          (SSLSocket)
              context.getSocketFactory().createSocket(plain, host, port, /* autoClose= */ true)) {
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
        out.write(line + "\n");
        out.flush();
        var in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String reply = in.readLine();
        if (reply == null) {
          throw new EOFException("server closed the connection without a reply");
        }
        SSLSession session = socket.getSession();
        return new Reply(reply, session.getProtocol(), session.getCipherSuite());
      }
    }
  }
}
