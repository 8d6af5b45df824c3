package dev.rcx.bench.openssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.bench.BenchResults;
import dev.rcx.bench.Latency;
import dev.rcx.bench.Machine;
import dev.rcx.bench.PointResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SideBySideTest {
  private static PointResult point(
      String workload, String transport, int clients, double throughput, long errors) {
    Latency latency = new Latency(100, 2.5, 3, 12.25, 20, 30, 2.7);
    return PointResult.builder(workload, transport, clients)
        .window(5, (long) (throughput * 5))
        .throughput(throughput)
        .latency(latency)
        .errors(errors)
        .build();
  }

  private static BenchResults results(List<PointResult> points) {
    Machine machine = new Machine("Linux", "amd64", 2, "cpu", 1024, "jdk", "abc");
    BenchResults.Meta meta =
        new BenchResults.Meta("compare.sh", "test", "t0", "t1", 0.5, 0.7, machine);
    BenchResults.Settings settings =
        new BenchResults.Settings(List.of("session"), Map.of(), "1s", "5s", "echo hi", null, true);
    return new BenchResults(meta, settings, points, List.of());
  }

  @Test
  void rcxVersusOpenSsh_sameWorkloadAndClients_rowHoldsBothAndTheirRatio() {
    BenchResults r =
        results(
            List.of(
                point(PointResult.FLOOR, "spawn", 5, 800, 0),
                point("session", "tls", 5, 300, 0),
                point("session", "openssh", 5, 120, 2),
                point("session", "tls", 1, 999, 0),
                point("session", "openssh", 1, 1, 0)));

    Table t = SideBySide.rcxVersusOpenSsh(r);

    assertThat(t.rows()).hasSize(2);
    List<String> five = t.rows().get(1);
    assertThat(five.subList(0, 6))
        .containsExactly(
            "5",
            SideBySide.rcxLabel("session"),
            SideBySide.sshLabel("session"),
            "300",
            "120",
            "2.50x");
    assertThat(five.subList(6, 12)).containsExactly("2.50", "2.50", "12.3", "12.3", "800", "0/2");
  }

  @Test
  void rcxVersusOpenSsh_missingOpenSshPoint_showsDashesNotARatio() {
    Table t = SideBySide.rcxVersusOpenSsh(results(List.of(point("login", "tls", 10, 15, 0))));

    assertThat(t.rows())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get(4)).isEqualTo("-");
              assertThat(row.get(5)).isEqualTo("-");
              assertThat(row.get(10)).isEqualTo("-");
              assertThat(row.get(11)).isEqualTo("0/-");
            });
  }

  @Test
  void sshBinary_threeModes_issueFiguresAndRcxRatiosBesideThem() {
    BenchResults binary =
        results(
            List.of(
                point("session", "ssh-mux", 1, 50, 0),
                point("session", "ssh-new", 1, 4, 1),
                point("session", "ssh-new-c25519", 1, 8, 0)));
    BenchResults rcx =
        results(List.of(point("session", "tls", 1, 200, 0), point("reconnect", "tls", 1, 60, 0)));

    Table t = SideBySide.sshBinary(binary, rcx);

    assertThat(t.rows())
        .containsExactly(
            List.of("1", "50.0", "99.0", "4.0", "4.5", "8.0", "7.5", "4.00x", "15x", "1"));
  }

  @Test
  void ratio_ofZeroOrMissing_isADash() {
    assertThat(SideBySide.ratio(10.0, 0.0)).isEqualTo("-");
    assertThat(SideBySide.ratio(null, 3.0)).isEqualTo("-");
    assertThat(SideBySide.ratio(3.0, 2.0)).isEqualTo("1.50x");
  }

  @Test
  void emptyPoints_aPointWithoutSuccesses_isNamed() {
    BenchResults r =
        results(List.of(point("session", "tls", 1, 200, 0), point("session", "openssh", 1, 0, 7)));

    assertThat(SideBySide.emptyPoints(r)).containsExactly("session/openssh@1");
  }
}
