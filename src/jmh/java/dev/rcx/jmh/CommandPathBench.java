package dev.rcx.jmh;

import dev.rcx.audit.AuditEvent;
import dev.rcx.audit.AuditLog;
import dev.rcx.audit.AuditSink;
import dev.rcx.audit.Durability;
import dev.rcx.auth.PasswordHasher;
import dev.rcx.auth.Session;
import dev.rcx.auth.SessionManager;
import dev.rcx.auth.TokenCheck;
import dev.rcx.auth.User;
import dev.rcx.auth.UserStore;
import dev.rcx.exec.CommandSyntaxException;
import dev.rcx.exec.CommandWords;
import dev.rcx.exec.Decision;
import dev.rcx.exec.Whitelist;
import dev.rcx.protocol.LineReader;
import dev.rcx.protocol.MessageCodec;
import dev.rcx.protocol.ProtocolException;
import dev.rcx.protocol.Request;
import dev.rcx.protocol.Response;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Everything the server does for one command in session mode except TLS, the socket and the
 * process: frame and decode the request, check the token, look the user up, split and
 * whitelist-check the words, append the {@code command_run} record, encode the reply and hand it to
 * a buffered stream. It mirrors {@code RequestHandler.command} step by step through public APIs.
 * {@code audit=none} drops the record, to show the audit share.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CommandPathBench {
  @Param({"none", "FLUSH", "FSYNC"})
  public String audit;

  private Path dir;
  private MessageCodec codec;
  private LineReader reader;
  private SessionManager sessions;
  private UserStore users;
  private Whitelist whitelist;
  private AuditSink sink;
  private OutputStream out;
  private String token;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    Path base = Path.of(System.getProperty("rcx.jmh.dir", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(base);
    dir = Files.createTempDirectory(base, "path-bench");
    codec = new MessageCodec(Samples.MAX_LINE_BYTES);
    users =
        UserStore.open(
            dir.resolve("users.json"), new PasswordHasher(new PasswordHasher.Params(64, 1, 1), 1));
    User alice = users.add("alice", "pw".toCharArray(), Set.of("ops"));
    sessions = new SessionManager(Clock.systemUTC());
    token = sessions.create(alice, "127.0.0.1").token();
    whitelist = Whitelist.defaults();
    Request.Command request = new Request.Command(token, "ls -la /tmp", List.of(), "req-17");
    reader = new LineReader(new ReplayInputStream(codec.encode(request)), Samples.MAX_LINE_BYTES);
    out = new BufferedOutputStream(OutputStream.nullOutputStream(), 16 * 1024);
  }

  @Setup(Level.Iteration)
  public void openAudit() {
    sink =
        switch (audit) {
          case "none" -> AuditSink.discarding();
          default ->
              AuditLog.open(
                  dir.resolve("audit-" + System.nanoTime() + ".log"),
                  Clock.systemUTC(),
                  AuditLog.Options.defaults()
                      .withDurability(Durability.valueOf(audit))
                      .withSealInterval(Duration.ZERO));
        };
  }

  @TearDown(Level.Iteration)
  public void closeAudit() throws IOException {
    sink.close();
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith("audit-")).toList()) {
        Files.delete(p);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    Samples.deleteTree(dir);
  }

  @Benchmark
  public Response serverSideWithoutSpawn()
      throws IOException, ProtocolException, CommandSyntaxException {
    Request.Command c = (Request.Command) codec.decodeRequest(reader.readLine());
    if (!(sessions.check(c.sessionToken(), "127.0.0.1") instanceof TokenCheck.Valid valid)) {
      throw new IllegalStateException("token rejected");
    }
    Session session = valid.session();
    Set<String> roles = users.find(session.user()).orElseThrow().roles();
    List<String> words = new ArrayList<>(CommandWords.split(c.command()));
    words.addAll(c.args());
    if (!(whitelist.check(session.user(), roles, words) instanceof Decision.Allowed allowed)) {
      throw new IllegalStateException("command refused");
    }
    // The process would run here.
    sink.append(
        new AuditEvent.CommandRun(
            "127.0.0.1:50123",
            session.user(),
            session.id(),
            allowed.rule().name(),
            allowed.argv(),
            0,
            AuditEvent.CommandRun.COMPLETED,
            2,
            3,
            0,
            false));
    Response response =
        new Response.CommandOutput("success", "hi\n", "", 0, 2, false, false, c.id());
    out.write(codec.encode(response));
    out.flush();
    return response;
  }
}
