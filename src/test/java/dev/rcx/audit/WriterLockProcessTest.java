package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second writer in another process is refused, even after the writer's process has read its own
 * log.
 */
@Timeout(60)
class WriterLockProcessTest {
  @TempDir Path dir;

  /**
   * Child process: opens the log, appends one record, reads the log the way {@code rcx audit} does
   * (opening and closing descriptors of the log file, which under POSIX would drop a lock held on
   * the log itself), says so, and holds the log until its stdin closes.
   */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    try (AuditLog log = AuditLog.open(file, Clock.systemUTC(), AuditLog.Options.unsealed())) {
      log.append(Samples.command("child", 1));
      AuditLog.tail(file, 1);
      AuditLog.verify(file);
      System.out.println("open");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the log until the parent closes our stdin
      }
    }
  }

  @Test
  void open_logHeldByAnotherProcess_isRefusedEvenAfterThatProcessReadTheLog() throws Exception {
    Path file = dir.resolve("audit.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                WriterLockProcessTest.class.getName(),
                file.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("open");
      assertThat(AuditLog.tail(file, 1)).hasSize(1);
      assertThat(AuditLog.verify(file)).isEqualTo(new VerifyResult.Intact(1));
      assertThatThrownBy(() -> AuditLog.open(file, Clock.systemUTC(), AuditLog.Options.unsealed()))
          .isInstanceOf(AuditException.class)
          .hasMessageContaining("another process");
    } finally {
      child.getOutputStream().close();
      if (!child.waitFor(20, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
    assertThat(child.exitValue()).isZero();
    AuditLog.open(file, Clock.systemUTC(), AuditLog.Options.unsealed()).close();
  }
}
