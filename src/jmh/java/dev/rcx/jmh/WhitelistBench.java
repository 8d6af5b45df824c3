package dev.rcx.jmh;

import dev.rcx.exec.CommandSyntaxException;
import dev.rcx.exec.CommandWords;
import dev.rcx.exec.Decision;
import dev.rcx.exec.Whitelist;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Splitting the command line into words and checking them against the default whitelist. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WhitelistBench {
  private static final Set<String> ROLES = Set.of("ops");

  private Whitelist whitelist;
  private final List<String> allowed = List.of("ls", "-la", "/tmp");
  private final List<String> echo = List.of("echo", "hi");
  private final List<String> unknownCommand = List.of("rm", "-rf", "/");
  private final List<String> badArgument = List.of("ls", "--color=always", "/tmp");

  @Setup
  public void setup() {
    whitelist = Whitelist.defaults();
    if (!(whitelist.check("alice", ROLES, allowed) instanceof Decision.Allowed)
        || !(whitelist.check("alice", ROLES, echo) instanceof Decision.Allowed)
        || !(whitelist.check("alice", ROLES, badArgument) instanceof Decision.Denied)) {
      throw new IllegalStateException(
          "default whitelist does not give the expected decisions: " + whitelist);
    }
  }

  @Benchmark
  public List<String> split() throws CommandSyntaxException {
    return CommandWords.split("ls -la /tmp");
  }

  @Benchmark
  public List<String> splitQuoted() throws CommandSyntaxException {
    return CommandWords.split("echo 'hello world' \"a \\\"b\\\"\" c\\ d");
  }

  @Benchmark
  public Decision checkAllowedLs() {
    return whitelist.check("alice", ROLES, allowed);
  }

  @Benchmark
  public Decision checkAllowedEcho() {
    return whitelist.check("alice", ROLES, echo);
  }

  @Benchmark
  public Decision checkDeniedCommand() {
    return whitelist.check("alice", ROLES, unknownCommand);
  }

  @Benchmark
  public Decision checkDeniedArgument() {
    return whitelist.check("alice", ROLES, badArgument);
  }
}
