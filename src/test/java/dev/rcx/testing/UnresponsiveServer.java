package dev.rcx.testing;

import dev.rcx.tls.KeyMaterial;
import dev.rcx.tls.ServerIdentity;
import dev.rcx.tls.ServerTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A real socket on 127.0.0.1 port 0 that misbehaves as {@link Behaviour} says, to prove that a
 * client gives up in time. Every connection is held open (never closed by the server) until {@link
 * #close}, so only the client's own deadlines can end its wait.
 */
public final class UnresponsiveServer implements AutoCloseable {
  /** How the server fails to answer. */
  public enum Behaviour {
    /** Accepts TCP and never reads or writes: no TLS handshake ever completes. */
    ACCEPT_ONLY,
    /** Completes the TLS handshake, then reads requests and never replies. */
    TLS_THEN_SILENT,
    /** Completes TLS, answers the login with success, then never answers the command. */
    TLS_LOGIN_THEN_SILENT,
    /** Completes TLS, then sends one byte of a reply every 200 ms and never ends the line. */
    TLS_TRICKLE
  }

  private final Behaviour behaviour;
  private final ServerSocket listener;
  private final KeyMaterial identity;
  private final SSLSocketFactory tls;
  private final ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();

  private UnresponsiveServer(Behaviour behaviour, Path dir) throws IOException {
    this.behaviour = behaviour;
    this.identity = ServerIdentity.loadOrCreate(dir);
    this.tls = ServerTls.context(identity, List.of()).getSocketFactory();
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("unresponsive-accept").start(this::acceptLoop);
  }

  /** Starts one; {@code dir} receives its generated certificate and key. */
  public static UnresponsiveServer start(Behaviour behaviour, Path dir) throws IOException {
    return new UnresponsiveServer(behaviour, dir);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** SHA-256 fingerprint of its certificate, for clients to pin. */
  public String fingerprint() {
    return identity.fingerprint();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket tcp = listener.accept();
        open.add(tcp);
        Thread.ofVirtual().name("unresponsive-conn").start(() -> serve(tcp));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket tcp) {
    try {
      if (behaviour == Behaviour.ACCEPT_ONLY) {
        return; // held open in `open`, never touched
      }
      SSLSocket s = (SSLSocket) tls.createSocket(tcp, null, /* autoClose= */ true);
      s.setUseClientMode(false);
      s.startHandshake();
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      switch (behaviour) {
        case TLS_THEN_SILENT -> drain(in);
        case TLS_LOGIN_THEN_SILENT -> {
          skipLine(in);
          out.write(
              ("{\"type\":\"auth_response\",\"status\":\"success\",\"session_token\":\"t\","
                      + "\"expires_in\":60,\"idle_timeout\":60}\n")
                  .getBytes(StandardCharsets.UTF_8));
          out.flush();
          drain(in);
        }
        case TLS_TRICKLE -> {
          skipLine(in);
          for (int i = 0; i < 3000 && !tcp.isClosed(); i++) {
            out.write(i == 0 ? '{' : ' ');
            out.flush();
            Thread.sleep(200);
          }
        }
        case ACCEPT_ONLY -> throw new AssertionError("handled above");
      }
    } catch (IOException e) {
      // The client gave up and closed: what the tests expect.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void skipLine(InputStream in) throws IOException {
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      // discard the request
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[1024];
    while (in.read(buf) != -1) {
      // read and never answer
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
