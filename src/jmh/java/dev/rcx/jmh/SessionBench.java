package dev.rcx.jmh;

import dev.rcx.auth.NewSession;
import dev.rcx.auth.PasswordHasher;
import dev.rcx.auth.SessionManager;
import dev.rcx.auth.TokenCheck;
import dev.rcx.auth.User;
import dev.rcx.auth.UserStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The per-command authorization steps of the request handler: the token check (SHA-256 of the
 * token, map lookup) and the fresh user lookup (a stat of users.json to notice edits, then a map
 * lookup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SessionBench {
  private Path dir;
  private UserStore users;
  private SessionManager sessions;
  private String token;

  @Setup
  public void setup() throws IOException {
    Path base = Path.of(System.getProperty("rcx.jmh.dir", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(base);
    dir = Files.createTempDirectory(base, "session-bench");
    // Cheap Argon2 parameters: only the lookup is measured here.
    users =
        UserStore.open(
            dir.resolve("users.json"), new PasswordHasher(new PasswordHasher.Params(64, 1, 1), 1));
    User alice = users.add("alice", "pw".toCharArray(), Set.of("ops"));
    sessions = new SessionManager(Clock.systemUTC());
    NewSession issued = sessions.create(alice, "127.0.0.1");
    token = issued.token();
  }

  @TearDown
  public void tearDown() {
    Samples.deleteTree(dir);
  }

  @Benchmark
  public TokenCheck sessionCheck() {
    return sessions.check(token, "127.0.0.1");
  }

  @Benchmark
  public Optional<User> userFind() throws IOException {
    return users.find("alice");
  }
}
