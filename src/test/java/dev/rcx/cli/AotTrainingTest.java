package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache's training run drives the client paths against a real server in another JVM, and
 * leaves neither that server nor the client's files behind.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AotTrainingTest {
  @TempDir Path work;

  @Test
  void train_runsTheClientPathsAgainstAServerInAnotherJvm_andStopsIt() throws Exception {
    long before = ProcessHandle.current().children().count();

    AotTraining.train(work);

    // The session cached by `rcx login` was revoked and deleted by `rcx logout`; known hosts kept.
    assertThat(work.resolve("home/known_hosts")).exists();
    try (var sessions = Files.list(work.resolve("home/sessions"))) {
      assertThat(sessions).isEmpty();
    }
    assertThat(work.resolve("data/audit.log")).content().contains("aot-trainer");
    assertThat(ProcessHandle.current().children().count()).isEqualTo(before);
    assertThat(System.getProperty("rcx.home")).isNull();
  }
}
