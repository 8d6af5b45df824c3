package dev.rcx.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@link ProcessCpu} reads from {@code /proc}: a real process, its children, its JIT. */
@Timeout(60)
class ProcessCpuTest {
  @Test
  void parse_nameWithSpacesAndParentheses_countsFieldsFromTheLastParenthesis() {
    String line =
        "4242 (C2 Compiler) (x)) S 1 4242 4242 0 -1 4194368 10 0 0 0 17 5 23 9 20 0 1 0 100 0 0";

    ProcessCpu.Stat s = ProcessCpu.Stat.parse(line);

    assertThat(s.comm()).isEqualTo("C2 Compiler) (x)");
    assertThat(s.utime()).isEqualTo(17);
    assertThat(s.stime()).isEqualTo(5);
    assertThat(s.cutime()).isEqualTo(23);
    assertThat(s.cstime()).isEqualTo(9);
  }

  @Test
  void parse_truncatedLine_refused() {
    assertThatThrownBy(() -> ProcessCpu.Stat.parse("4242 (java) S 1 2 3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too few fields");
    assertThatThrownBy(() -> ProcessCpu.Stat.parse("garbage"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void read_thisJvm_ownTimeAndJitCompilerThreadsSeen() {
    ProcessCpu cpu = ProcessCpu.read(ProcessHandle.current().pid());

    assertThat(cpu.ownNanos()).isPositive();
    // By now this JVM has compiled JUnit and AssertJ code on its C1/C2 threads.
    assertThat(cpu.jitNanos()).isPositive().isLessThanOrEqualTo(cpu.ownNanos());
    assertThat(cpu.childrenNanos()).isNotNegative();
  }

  @Test
  void since_afterAReapedBusyChild_childrenTimeGrows() throws Exception {
    long pid = ProcessHandle.current().pid();
    ProcessCpu before = ProcessCpu.read(pid);
    // A bounded busy loop in a child process: tens of milliseconds of CPU at least.
    Process child =
        new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done").start();
    assertThat(child.waitFor(50, TimeUnit.SECONDS)).isTrue();

    ProcessCpu used = ProcessCpu.read(pid).since(before);

    assertThat(used.childrenNanos()).isGreaterThanOrEqualTo(20_000_000L);
    assertThat(used.ownNanos()).isNotNegative();
  }

  @Test
  void read_noSuchProcess_unknown() {
    ProcessCpu cpu = ProcessCpu.read(Integer.MAX_VALUE);

    assertThat(cpu).isEqualTo(ProcessCpu.UNKNOWN);
    assertThat(ProcessCpu.read(ProcessHandle.current().pid()).since(cpu).ownNanos()).isEqualTo(-1);
  }
}
