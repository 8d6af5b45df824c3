package dev.rcx.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every {@link Launcher} promises, checked on each with real processes. */
@Timeout(60)
class LauncherTest {
  static Stream<Launcher> launchers() {
    return Stream.of(Launcher.jdk(), Launcher.nativeLauncher());
  }

  private static int exitOf(Child child) throws Exception {
    int code = child.exited().get(30, TimeUnit.SECONDS);
    child.drained().get(30, TimeUnit.SECONDS);
    return code;
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void launch_writesBothStreams_capturesEachAndExitCode(Launcher launcher) throws Exception {
    Child child =
        launcher.launch(
            List.of("/bin/sh", "-c", "printf out; printf err >&2; exit 3"), Path.of("/"), 1024);

    assertThat(exitOf(child)).isEqualTo(3);
    assertThat(child.pid()).isPositive();
    assertThat(child.stdout().text()).isEqualTo("out");
    assertThat(child.stderr().text()).isEqualTo("err");
    assertThat(child.stdout().truncated()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void launch_outputPastCap_keepsCapAndCountsAll(Launcher launcher) throws Exception {
    Child child =
        launcher.launch(List.of("/usr/bin/head", "-c", "100000", "/dev/zero"), Path.of("/"), 1000);

    assertThat(exitOf(child)).isZero();
    assertThat(child.stdout().bytes()).hasSize(1000);
    assertThat(child.stdout().total()).isEqualTo(100_000);
    assertThat(child.stdout().truncated()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void launch_workdirAndEnvironment_exactlyAsGiven(Launcher launcher) throws Exception {
    Child child = launcher.launch(List.of("/bin/sh", "-c", "pwd; env"), Path.of("/tmp"), 4096);

    assertThat(exitOf(child)).isZero();
    List<String> lines = child.stdout().text().lines().toList();
    assertThat(lines.getFirst()).isEqualTo("/tmp");
    // sh adds PWD (and may add SHLVL, _); everything else is the launcher's environment.
    assertThat(lines.subList(1, lines.size()))
        .filteredOn(l -> !l.startsWith("PWD=") && !l.startsWith("SHLVL=") && !l.startsWith("_="))
        .containsExactlyInAnyOrderElementsOf(
            Launcher.ENVIRONMENT.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList());
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void kill_runningProcess_exitsBySigkill(Launcher launcher) throws Exception {
    Child child = launcher.launch(List.of("/bin/sleep", "60"), Path.of("/"), 1024);

    child.kill();

    assertThat(exitOf(child)).isEqualTo(128 + 9);
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void launch_missingExecutable_throwsNamingIt(Launcher launcher) {
    assertThatThrownBy(
            () -> launcher.launch(List.of("/nonexistent/rcx-no-such"), Path.of("/"), 1024))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("/nonexistent/rcx-no-such");
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void journal_afterExit_handsOutEveryKeptByteThenEnds(Launcher launcher) throws Exception {
    Child child = launcher.launch(List.of("/bin/echo", "hello"), Path.of("/"), 1024);
    exitOf(child);
    child.stdout().journal().close();

    long kept = 0;
    OutputJournal.Run run;
    while ((run = child.stdout().journal().take(TimeUnit.SECONDS.toNanos(5))) != null) {
      assertThat(run.stream()).isEqualTo(OutputJournal.STDOUT);
      kept += run.length();
    }
    assertThat(kept).isEqualTo("hello\n".length());
    assertThat(child.stdout().journal().finished()).isTrue();
  }
}
