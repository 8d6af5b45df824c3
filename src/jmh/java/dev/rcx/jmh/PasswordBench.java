package dev.rcx.jmh;

import dev.rcx.auth.PasswordHasher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of one password login on the server: Argon2id verification with the default parameters
 * (m=19 MiB, t=2, p=1). Paid once per login, never per command in session mode.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PasswordBench {
  private PasswordHasher hasher;
  private String proof;
  private String stored;

  @Setup
  public void setup() {
    hasher = new PasswordHasher();
    proof = PasswordHasher.sha256Hex("correct horse battery staple".toCharArray());
    stored = hasher.hash(proof);
  }

  @Benchmark
  public boolean verifyArgon2id() {
    if (!hasher.verify(proof, stored)) {
      throw new IllegalStateException("stored hash does not verify");
    }
    return true;
  }

  /** The client's half: SHA-256 of the typed password. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public String clientSha256() {
    return PasswordHasher.sha256Hex("correct horse battery staple".toCharArray());
  }
}
