package dev.rcx.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class HostCpuTest {
  @Test
  void otherCpus_busyBeyondOwnTicks_isTheRestInCpus() {
    HostCpu.Snapshot start = new HostCpu.Snapshot(1_000, 400);
    HostCpu.Snapshot end = new HostCpu.Snapshot(1_600, 500); // 600 ticks busy, 100 of them ours

    assertThat(HostCpu.otherCpus(start, end, 2.0))
        .isEqualTo(2.5); // 500 ticks = 5 CPU-seconds over 2 s
  }

  @Test
  void otherCpus_missingSnapshot_isUnknown() {
    assertThat(HostCpu.otherCpus(null, new HostCpu.Snapshot(1, 1), 1.0)).isNull();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void read_onLinux_countsOwnTicksWithinMachineTicks() {
    HostCpu.Snapshot s = HostCpu.read();

    assertThat(s).isNotNull();
    assertThat(s.self()).isPositive().isLessThanOrEqualTo(s.busy());
  }
}
