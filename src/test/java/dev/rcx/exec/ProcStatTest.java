package dev.rcx.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reading {@code /proc/PID/stat}: the fields reconciliation and the orphan guard compare. */
class ProcStatTest {
  private static final String LINE =
      "4242 (a) b) c) S 1 4200 4200 0 -1 4194560 120 0 0 0 1 2 0 0 20 0 1 0 987654321 1000 10"
          + " 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";

  @Test
  void parse_nameWithParenthesesAndSpaces_fieldsAfterTheLastParenthesis() {
    ProcStat s = ProcStat.parse(4242, LINE).orElseThrow();
    assertThat(s).isEqualTo(new ProcStat(4242, 'S', 4200, 987654321L));
    assertThat(s.zombie()).isFalse();
    assertThat(ProcStat.parse(7, "7 (z) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0\n"))
        .hasValueSatisfying(z -> assertThat(z.zombie()).isTrue());
  }

  @Test
  void parse_malformedLines_empty() {
    assertThat(ProcStat.parse(1, "")).isEmpty();
    assertThat(ProcStat.parse(1, "1 (no closing parenthesis S 1 1")).isEmpty();
    assertThat(ProcStat.parse(1, "1 (short) S 1 1 1 0\n")).isEmpty();
    assertThat(ProcStat.parse(1, LINE.replace(" 987654321 ", " 98x654321 "))).isEmpty();
    assertThat(ProcStat.parse(1, LINE.replace(") S ", ") SS "))).isEmpty();
  }

  @Test
  void of_liveProcess_matchesItsStatFile_andItsOwnGroup() throws Exception {
    Process p = new ProcessBuilder("setsid", "sleep", "30").start();
    try {
      // setsid(1) execs sleep in a new session (it forks first only when it already leads a
      // group), so the group is the pid or, after a fork, the child's; wait for the exec.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      ProcStat s = ProcStat.of(p.pid()).orElseThrow();
      while (!comm(p.pid()).equals("sleep") && System.nanoTime() < deadline) {
        Thread.sleep(10);
        s = ProcStat.of(p.pid()).orElseThrow();
      }
      List<String> fields = fieldsAfterName(p.pid());
      assertThat(s.pid()).isEqualTo(p.pid());
      assertThat(s.state()).isEqualTo(fields.get(0).charAt(0));
      assertThat(s.processGroup()).isEqualTo(Long.parseLong(fields.get(2)));
      assertThat(s.startTime()).isEqualTo(Long.parseLong(fields.get(19))).isPositive();
      assertThat(ProcStat.of(ProcessHandle.current().pid()).orElseThrow().startTime())
          .isLessThanOrEqualTo(s.startTime());
    } finally {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void of_noSuchProcess_empty() {
    // Above Linux's largest pid_max (2^22).
    assertThat(ProcStat.of(4_194_304L + 17)).isEmpty();
  }

  private static String comm(long pid) throws Exception {
    return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
  }

  private static List<String> fieldsAfterName(long pid) throws Exception {
    String text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return List.of(text.substring(text.lastIndexOf(')') + 2).strip().split(" "));
  }
}
