package dev.rcx.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void parseClients_list_sortedAndDistinct() {
    assertThat(BenchOptions.parseClients("20, 1,5,10,5")).containsExactly(1, 5, 10, 20);
  }

  @Test
  void parseClients_notANumber_namesOptionAndValue() {
    assertThatThrownBy(() -> BenchOptions.parseClients("1,five"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--clients")
        .hasMessageContaining("'1,five'");
  }

  @Test
  void parseClients_zeroOrEmpty_refused() {
    assertThatThrownBy(() -> BenchOptions.parseClients("0"))
        .hasMessageContaining("from 1 to 10000");
    assertThatThrownBy(() -> BenchOptions.parseClients("1,,2")).hasMessageContaining("--clients");
    assertThatThrownBy(() -> BenchOptions.parseClients("10001")).hasMessageContaining("'10001'");
  }

  @Test
  void parseWorkloads_unknown_listsTheValidOnes() {
    assertThatThrownBy(() -> BenchOptions.parseWorkloads("session,ssh"))
        .hasMessage("--workload: expected session, reconnect or login, but got 'ssh'");
  }

  @Test
  void parseWorkloads_anyCaseAndDuplicates_keptInOrderOnce() {
    assertThat(BenchOptions.parseWorkloads("LOGIN,session,login"))
        .containsExactly(Workload.LOGIN, Workload.SESSION);
  }

  @Test
  void parseDuration_units_parsed() {
    assertThat(BenchOptions.parseDuration("--duration", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(BenchOptions.parseDuration("--warmup", "0s")).isEqualTo(Duration.ZERO);
  }

  @Test
  void parseDuration_noUnit_namesOption() {
    assertThatThrownBy(() -> BenchOptions.parseDuration("--duration", "10"))
        .hasMessageStartingWith("--duration: expected a duration")
        .hasMessageContaining("'10'");
  }

  @Test
  void parseRate_withOrWithoutPerSecond_parsed() {
    assertThat(BenchOptions.parseRate("200/s")).isEqualTo(200.0);
    assertThat(BenchOptions.parseRate("2.5")).isEqualTo(2.5);
  }

  @Test
  void parseRate_zeroOrGarbage_refused() {
    assertThatThrownBy(() -> BenchOptions.parseRate("0/s"))
        .hasMessageContaining("--rate")
        .hasMessageContaining("'0/s'");
    assertThatThrownBy(() -> BenchOptions.parseRate("fast")).hasMessageContaining("'fast'");
    assertThatThrownBy(() -> BenchOptions.parseRate("200/m")).hasMessageContaining("'200/m'");
  }

  @Test
  void clientsFor_defaults_loginUsesFewerCounts() {
    Map<Workload, List<Integer>> m = BenchOptions.clientsFor(List.of(Workload.values()), null);

    assertThat(m.get(Workload.SESSION)).containsExactly(1, 5, 10, 20);
    assertThat(m.get(Workload.RECONNECT)).containsExactly(1, 5, 10, 20);
    assertThat(m.get(Workload.LOGIN)).containsExactly(1, 5, 20);
  }

  @Test
  void clientsFor_explicit_appliesToEveryWorkload() {
    Map<Workload, List<Integer>> m =
        BenchOptions.clientsFor(List.of(Workload.LOGIN), List.of(2, 3));

    assertThat(m.get(Workload.LOGIN)).containsExactly(2, 3);
  }

  @Test
  void settings_zeroDuration_refused() {
    assertThatThrownBy(
            () ->
                new BenchSettings(
                    List.of(Workload.SESSION),
                    Map.of(Workload.SESSION, List.of(1)),
                    Duration.ZERO,
                    Duration.ZERO,
                    "echo hi",
                    null,
                    false,
                    false))
        .hasMessageContaining("--duration: must be positive");
  }

  @Test
  void words_quotesAndEscapes_grouped() {
    assertThat(Words.split("echo 'a b' \"c\\\"d\" e\\ f"))
        .containsExactly("echo", "a b", "c\"d", "e f");
    assertThatThrownBy(() -> Words.split("echo 'open")).hasMessageContaining("unterminated");
  }

  @Test
  void spawnTarget_echo_resolvedToAbsolutePath() {
    assertThat(SpawnTarget.forCommand("echo hi"))
        .get()
        .satisfies(t -> assertThat(t.argv().get(0)).endsWith("/echo"));
    assertThat(SpawnTarget.forCommand("no-such-command-rcx")).isEmpty();
  }
}
