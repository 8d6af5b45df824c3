package dev.rcx.jmh;

import dev.rcx.protocol.MessageCodec;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import dev.rcx.tls.KeyMaterial;
import dev.rcx.tls.ServerIdentity;
import dev.rcx.tls.ServerTls;
import dev.rcx.tls.TlsPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * TLS in memory, between two {@link SSLEngine}s configured as rcx configures its sockets (server
 * identity from {@link ServerIdentity}, client pinned to its fingerprint, TLS 1.3 only): one
 * request/response record round trip on an established session, and one full handshake (what {@code
 * reconnect} mode pays per command, without the TCP part). No sockets: this is the CPU cost of the
 * crypto and the JDK's TLS state machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TlsBench {
  private Path dir;
  private SSLContext serverContext;
  private SSLContext clientContext;
  private ClientTrust trust;
  private SSLEngine client;
  private SSLEngine server;
  private ByteBuffer clientToServer;
  private ByteBuffer serverToClient;
  private ByteBuffer app;
  private byte[] request;
  private byte[] response;

  @Setup
  public void setup() throws IOException {
    Path base = Path.of(System.getProperty("rcx.jmh.dir", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(base);
    dir = Files.createTempDirectory(base, "tls-bench");
    KeyMaterial identity = ServerIdentity.loadOrCreate(dir);
    serverContext = ServerTls.context(identity, List.of());
    trust = new ClientTrust.PinnedFingerprint(identity.fingerprint());
    clientContext = ClientTls.context(trust);
    MessageCodec codec = new MessageCodec(Samples.MAX_LINE_BYTES);
    request = codec.encode(Samples.COMMAND);
    response = codec.encode(Samples.OUTPUT);
    client = newClient();
    server = newServer();
    int packet = client.getSession().getPacketBufferSize();
    clientToServer = ByteBuffer.allocate(packet);
    serverToClient = ByteBuffer.allocate(packet);
    app = ByteBuffer.allocate(Math.max(client.getSession().getApplicationBufferSize(), 64 * 1024));
    handshake(client, server);
    roundTrip(); // delivers the server's session tickets to the client first
  }

  @TearDown
  public void tearDown() {
    Samples.deleteTree(dir);
  }

  /** One request record to the server and one response record back, on an established session. */
  @Benchmark
  public int roundTrip() throws SSLException {
    send(client, request, clientToServer);
    int got = receive(server, clientToServer);
    send(server, response, serverToClient);
    got += receive(client, serverToClient);
    if (got != request.length + response.length) {
      throw new IllegalStateException("round trip delivered " + got + " bytes");
    }
    return got;
  }

  /** A full TLS 1.3 handshake between fresh engines (no resumption). */
  @Benchmark
  public SSLEngine fullHandshake() throws SSLException {
    SSLEngine c = newClient();
    SSLEngine s = newServer();
    handshake(c, s);
    return c;
  }

  private SSLEngine newClient() {
    SSLEngine e = clientContext.createSSLEngine("127.0.0.1", 9443);
    e.setUseClientMode(true);
    e.setSSLParameters(ClientTls.parameters(trust, false));
    return e;
  }

  private SSLEngine newServer() {
    SSLEngine e = serverContext.createSSLEngine();
    e.setUseClientMode(false);
    e.setSSLParameters(ServerTls.parameters(TlsPolicy.DEFAULT));
    return e;
  }

  private void send(SSLEngine from, byte[] bytes, ByteBuffer net) throws SSLException {
    net.clear();
    ByteBuffer src = ByteBuffer.wrap(bytes);
    while (src.hasRemaining()) {
      from.wrap(src, net);
    }
    net.flip();
  }

  private int receive(SSLEngine to, ByteBuffer net) throws SSLException {
    app.clear();
    while (net.hasRemaining()) {
      SSLEngineResult r = to.unwrap(net, app);
      if (r.getStatus() != SSLEngineResult.Status.OK) {
        throw new IllegalStateException("unwrap: " + r);
      }
    }
    return app.position();
  }

  private void handshake(SSLEngine c, SSLEngine s) throws SSLException {
    ByteBuffer cToS = ByteBuffer.allocate(c.getSession().getPacketBufferSize());
    ByteBuffer sToC = ByteBuffer.allocate(c.getSession().getPacketBufferSize());
    ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
    c.beginHandshake();
    s.beginHandshake();
    for (int round = 0; round < 1000; round++) {
      boolean progress = step(c, sToC, cToS, sink) | step(s, cToS, sToC, sink);
      if (!progress && done(c) && done(s)) {
        // Whatever is left (the server's session tickets) is read as part of the first application
        // read.
        sToC.flip();
        while (sToC.hasRemaining()) {
          c.unwrap(sToC, sink);
        }
        return;
      }
    }
    throw new IllegalStateException(
        "handshake did not finish: client "
            + c.getHandshakeStatus()
            + ", server "
            + s.getHandshakeStatus());
  }

  private static boolean done(SSLEngine e) {
    HandshakeStatus hs = e.getHandshakeStatus();
    return hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED;
  }

  /** One move of one engine; {@code in} and {@code out} are in write mode between calls. */
  private static boolean step(SSLEngine e, ByteBuffer in, ByteBuffer out, ByteBuffer sink)
      throws SSLException {
    HandshakeStatus hs = e.getHandshakeStatus();
    switch (hs) {
      case NEED_TASK -> {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
          task.run();
        }
        return true;
      }
      case NEED_WRAP -> {
        SSLEngineResult r = e.wrap(ByteBuffer.allocate(0), out);
        return r.bytesProduced() > 0 || r.getHandshakeStatus() != hs;
      }
      case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
        in.flip();
        SSLEngineResult r = e.unwrap(in, sink);
        in.compact();
        return r.bytesConsumed() > 0 || r.getHandshakeStatus() != hs;
      }
      default -> {
        return false;
      }
    }
  }
}
