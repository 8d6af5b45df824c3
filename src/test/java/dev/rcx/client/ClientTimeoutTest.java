package dev.rcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.protocol.Response;
import dev.rcx.testing.UnresponsiveServer;
import dev.rcx.testing.UnresponsiveServer.Behaviour;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RcxClient} never waits without bound: against real sockets that accept and then say
 * nothing (or too little), each phase ends at its deadline with a {@link
 * RcxClient.TimedOutException} that names the phase and the server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientTimeoutTest {
  /** Generous for a loaded 2-core machine; the deadlines under test are 1 s. */
  private static final long BOUND_MILLIS = 10_000;

  @TempDir Path dir;

  private static RcxClient.Endpoint endpoint(UnresponsiveServer s, Duration connect, Duration read)
      throws Exception {
    ClientTrust trust = new ClientTrust.PinnedFingerprint(s.fingerprint());
    return RcxClient.Endpoint.tls(
            "127.0.0.1", s.port(), ClientTls.context(trust), ClientTls.parameters(trust, false))
        .withTimeouts(connect, read);
  }

  @Test
  void connect_tcpAcceptedButNoHandshake_timesOutInHandshakePhase() throws Exception {
    try (UnresponsiveServer s = UnresponsiveServer.start(Behaviour.ACCEPT_ONLY, dir)) {
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> RcxClient.connect(endpoint(s, Duration.ofSeconds(1), Duration.ofMinutes(10))))
          .isInstanceOfSatisfying(
              RcxClient.TimedOutException.class,
              e -> {
                assertThat(e.phase()).isEqualTo(RcxClient.Phase.HANDSHAKE);
                assertThat(e.hostPort()).isEqualTo("127.0.0.1:" + s.port());
                assertThat(e.getMessage()).contains("127.0.0.1:" + s.port()).contains("1s");
              });
      assertThat(elapsedMillis(start)).isBetween(900L, BOUND_MILLIS);
    }
  }

  @Test
  void login_tlsButNoReply_timesOutInReplyPhaseAndCloses() throws Exception {
    try (UnresponsiveServer s = UnresponsiveServer.start(Behaviour.TLS_THEN_SILENT, dir)) {
      RcxClient c = RcxClient.connect(endpoint(s, Duration.ofSeconds(5), Duration.ofSeconds(1)));
      long start = System.nanoTime();
      assertThatThrownBy(() -> c.login("alice", "pw".toCharArray()))
          .isInstanceOfSatisfying(
              RcxClient.TimedOutException.class,
              e -> assertThat(e.phase()).isEqualTo(RcxClient.Phase.REPLY));
      assertThat(elapsedMillis(start)).isBetween(900L, BOUND_MILLIS);
      // The connection is unusable after a lost reply: replies would no longer match requests.
      assertThatThrownBy(c::ping).isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void exec_ownReplyTimeout_boundsTheCommandWaitNotTheEndpointDefault() throws Exception {
    try (UnresponsiveServer s = UnresponsiveServer.start(Behaviour.TLS_LOGIN_THEN_SILENT, dir)) {
      RcxClient c = RcxClient.connect(endpoint(s, Duration.ofSeconds(5), Duration.ofMinutes(10)));
      assertThat(c.login("alice", "pw".toCharArray()))
          .isInstanceOf(Response.AuthResponse.Success.class);
      long start = System.nanoTime();
      assertThatThrownBy(() -> c.exec("uptime", List.of(), Duration.ofSeconds(1)))
          .isInstanceOfSatisfying(
              RcxClient.TimedOutException.class,
              e -> {
                assertThat(e.phase()).isEqualTo(RcxClient.Phase.REPLY);
                assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(1));
              });
      assertThat(elapsedMillis(start)).isBetween(900L, BOUND_MILLIS);
    }
  }

  @Test
  void read_serverTricklesBytes_deadlineCoversTheWholeReplyNotEachRead() throws Exception {
    try (UnresponsiveServer s = UnresponsiveServer.start(Behaviour.TLS_TRICKLE, dir)) {
      // Each byte arrives well within 1 s of the last, so a per-read timeout would wait forever.
      RcxClient c = RcxClient.connect(endpoint(s, Duration.ofSeconds(5), Duration.ofSeconds(1)));
      long start = System.nanoTime();
      assertThatThrownBy(c::ping).isInstanceOf(RcxClient.TimedOutException.class);
      assertThat(elapsedMillis(start)).isBetween(900L, BOUND_MILLIS);
    }
  }

  private static long elapsedMillis(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
