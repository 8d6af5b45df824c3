package dev.rcx.audit;

import dev.rcx.audit.AuditEvent.AuthFailed;
import dev.rcx.audit.AuditEvent.AuthSucceeded;
import dev.rcx.audit.AuditEvent.CancelRequested;
import dev.rcx.audit.AuditEvent.CommandDenied;
import dev.rcx.audit.AuditEvent.CommandRun;
import dev.rcx.audit.AuditEvent.ConnectionClosed;
import dev.rcx.audit.AuditEvent.ConnectionOpened;
import dev.rcx.audit.AuditEvent.ConnectionRejected;
import dev.rcx.audit.AuditEvent.LogRecovered;
import dev.rcx.audit.AuditEvent.LoggedOut;
import dev.rcx.audit.AuditEvent.ProtocolError;
import dev.rcx.audit.AuditEvent.RateLimited;
import dev.rcx.audit.AuditEvent.ServerStarted;
import dev.rcx.audit.AuditEvent.ServerStopped;
import dev.rcx.audit.AuditEvent.ServerStopping;
import dev.rcx.audit.AuditEvent.TlsHandshakeFailed;
import dev.rcx.audit.AuditEvent.TokenRejected;
import java.time.Duration;
import java.util.List;

/** One event of every kind, and a clock tests can move. */
final class Samples {
  static final String CLIENT = "127.0.0.1:5555";
  static final AuditLog.Options UNSEALED = AuditLog.Options.unsealed();

  /** Sealed, small epochs, no timer thread. */
  static final AuditLog.Options SEALED =
      AuditLog.Options.defaults().withEpochRecords(4).withSealInterval(Duration.ZERO);

  static final String POLICY = "sha256:" + "0f".repeat(32);

  private Samples() {}

  static List<AuditEvent> oneOfEach() {
    return List.of(
        new ServerStarted("127.0.0.1:7443", true, "ab:cd", "0.1.0"),
        new ServerStarted("[::1]:7443", false, null, "0.1.0"),
        new ServerStopping("SIGTERM", 3),
        new AuditEvent.UserChanged(
            "roles_changed",
            "alice",
            List.of("ops", "dev"),
            "root",
            4242,
            "2026-12-01T10:00:00Z",
            "5f0c"),
        new ServerStopped("SIGTERM"),
        new LogRecovered(41, 17, "audit.log.torn-20261127T100000.000Z"),
        new AuditEvent.Seal(3, 64, "0123456789abcdef", AuditEvent.Seal.EPOCH_FULL),
        new AuditEvent.AuditGap(
            "2026-11-27T10:00:00.000Z",
            "2026-11-27T10:05:00.000Z",
            13,
            java.util.Map.of("command_started", 12L, "connection_opened", 1L),
            "write failed: No space left on device",
            211),
        new AuditEvent.AuditRotated(
            "audit-000000000001.log",
            1200,
            "ab".repeat(32),
            18L,
            "0123456789abcdef",
            AuditEvent.AuditRotated.SIZE,
            List.of("00112233aabbccdd")),
        new AuditEvent.AuditRotated(
            "audit-000000000001.log",
            7,
            "cd".repeat(32),
            null,
            null,
            AuditEvent.AuditRotated.REQUESTED,
            List.of()),
        new ConnectionOpened(CLIENT),
        new ConnectionRejected(CLIENT, "max connections (200) reached"),
        new ConnectionClosed(CLIENT, "alice", "s1", "client closed", 7),
        new ConnectionClosed(CLIENT, null, null, "idle timeout", 0),
        new TlsHandshakeFailed(CLIENT, "no shared protocol"),
        new AuthSucceeded(CLIENT, "alice", "s1"),
        new AuthFailed(CLIENT, "mallory", "bad credentials"),
        new AuthFailed(CLIENT, null, "no user given"),
        new RateLimited(CLIENT, "bob", 1500),
        new CommandRun(
            CLIENT,
            "alice",
            "s1",
            "ls",
            List.of("/usr/bin/ls", "-la", "caf\u00e9 \u2603"),
            0,
            CommandRun.COMPLETED,
            12,
            1024,
            0,
            false),
        new CommandRun(
            CLIENT,
            "alice",
            "s1",
            "sleep",
            List.of("/bin/sleep", "99"),
            null,
            CommandRun.TIMED_OUT,
            5000,
            0,
            0,
            false),
        new AuditEvent.CommandStarted(
            CLIENT, "alice", "s1", "c0ffee01", "touch", List.of("/usr/bin/touch", "x"), 30_000),
        new AuditEvent.CommandLaunched(CLIENT, "alice", "s1", "c0ffee01", 4242, 4242L, 123456L),
        new AuditEvent.CommandLaunched(CLIENT, "alice", "s1", "c0ffee02", 4243, null, null),
        new AuditEvent.CommandAbandoned(
            "c0ffee01", 4242L, AuditEvent.CommandAbandoned.KILLED, "server restarted"),
        new AuditEvent.CommandAbandoned(
            "c0ffee03", null, AuditEvent.CommandAbandoned.NOT_LAUNCHED, "no pid recorded"),
        new CommandRun(
            CLIENT,
            "alice",
            "s1",
            "c0ffee01",
            "touch",
            List.of("/usr/bin/touch", "x"),
            0,
            CommandRun.COMPLETED,
            3,
            0,
            0,
            false),
        new CommandDenied(CLIENT, "alice", "s1", "rm", "NOT_WHITELISTED", "rm is not whitelisted"),
        new CommandDenied(
            CLIENT, "alice", "s1", "rm", "NOT_WHITELISTED", "rm is not whitelisted", POLICY),
        new AuditEvent.PolicyReloaded(
            POLICY, POLICY, 3, "/etc/rcx/commands.yaml", "signal", List.of("limits.idle_timeout")),
        new AuditEvent.PolicyReloadFailed(
            POLICY, "control", "whitelist /etc/rcx/commands.yaml, line 4: commands[1] 'x': bad"),
        new AuditEvent.ExecutableChanged(
            CLIENT, "alice", "s1", "ls", "/usr/bin/ls", "ab".repeat(32), "cd".repeat(32), POLICY),
        new TokenRejected(CLIENT, TokenRejected.TOKEN_EXPIRED, "alice", "s1"),
        new TokenRejected(CLIENT, TokenRejected.INVALID_TOKEN, null, null),
        new LoggedOut(CLIENT, "alice", "s1"),
        new AuditEvent.CommandsListed(CLIENT, "alice", "s1", 7),
        new CancelRequested(CLIENT, "alice", "s1", true),
        new ProtocolError(CLIENT, null, null, "LINE_TOO_LONG", "line exceeds 65536 bytes"),
        new AuditEvent.AuditSuppressed(
            "10.0.0.1", 1234, 60, "connection_opened:34,protocol_error:1200"));
  }

  static CommandRun command(String user, int i) {
    return new CommandRun(
        CLIENT,
        user,
        "s-" + user,
        "echo",
        List.of("/bin/echo", Integer.toString(i)),
        0,
        CommandRun.COMPLETED,
        i,
        2,
        0,
        false);
  }
}
