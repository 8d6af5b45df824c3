package dev.rcx.bench;

import static dev.rcx.bench.FakeClock.ms;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The intended-time arithmetic of open and closed loops, on a fake clock with a fake slow
 * operation.
 */
@Timeout(10)
class LoadLoopTest {
  private final FakeClock clock = new FakeClock();
  private final RecordingSink sink = new RecordingSink();

  /** Takes {@code first} ms the first time and {@code rest} ms every later time. */
  private LoadLoop.Operation slowFirst(long first, long rest) {
    int[] calls = {0};
    return s -> clock.advance(calls[0]++ == 0 ? ms(first) : ms(rest));
  }

  @Test
  void openLoop_slowFirstOperation_countsQueueingFromIntendedTime() {
    Window window = new Window(0, ms(100), ms(1000));

    new LoadLoop(clock, new Schedule.Open(0, ms(10)), window, slowFirst(50, 1), sink).run();

    // Commands due at 10..40 ms waited behind the 50 ms stall; their latency includes that wait.
    assertThat(sink.latencies)
        .containsExactly(ms(50), ms(41), ms(32), ms(23), ms(14), ms(5), ms(1), ms(1), ms(1), ms(1));
    assertThat(sink.unsent).isZero();
  }

  @Test
  void closedLoop_slowFirstOperation_measuresFromActualSend() {
    Window window = new Window(0, ms(100), ms(1000));

    new LoadLoop(clock, new Schedule.Closed(), window, slowFirst(50, 1), sink).run();

    assertThat(sink.latencies.get(0)).isEqualTo(ms(50));
    assertThat(sink.latencies.subList(1, sink.latencies.size()))
        .hasSize(50)
        .allMatch(l -> l == ms(1));
  }

  @Test
  void openLoop_stalledPastHardStop_reportsUnsentCommands() {
    Window window = new Window(0, ms(100), ms(150));

    new LoadLoop(clock, new Schedule.Open(0, ms(10)), window, slowFirst(200, 200), sink).run();

    assertThat(sink.latencies).containsExactly(ms(200));
    assertThat(sink.unsent).isEqualTo(9); // due at 10, 20, ..., 90 ms
  }

  @Test
  void openLoop_operationsDueInWarmup_areNotReported() {
    Window window = new Window(ms(50), ms(100), ms(1000));

    new LoadLoop(clock, new Schedule.Open(0, ms(10)), window, slowFirst(1, 1), sink).run();

    assertThat(sink.latencies).hasSize(5);
    assertThat(sink.finished).isEqualTo(10);
  }

  @Test
  void failure_inWindow_isReportedWithItsCode() {
    Window window = new Window(0, ms(25), ms(1000));
    LoadLoop.Operation failing =
        s -> {
          clock.advance(ms(1));
          throw new OperationFailedException("COMMAND_NOT_ALLOWED", "no");
        };

    new LoadLoop(clock, new Schedule.Closed(), window, failing, sink).run();

    // 1 ms per attempt plus the 10 ms pause after each failure: attempts at 0, 11 and 22 ms.
    assertThat(sink.failures)
        .containsExactly("COMMAND_NOT_ALLOWED", "COMMAND_NOT_ALLOWED", "COMMAND_NOT_ALLOWED");
    assertThat(sink.latencies).isEmpty();
  }

  @Test
  void openForClient_fourClients_spreadEvenlyOverTheRate() {
    List<Long> firstDue = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Schedule.Open s = Schedule.Open.forClient(100, 4, i, ms(1000));
      long first = s.next(0);
      firstDue.add(first);
      assertThat(s.next(0) - first).isEqualTo(ms(40));
    }

    assertThat(firstDue).containsExactly(ms(1000), ms(1010), ms(1020), ms(1030));
  }

  private static final class RecordingSink implements LoadLoop.Sink {
    final List<Long> latencies = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    long unsent;
    int finished;

    @Override
    public void success(long latencyNanos, Sample s) {
      latencies.add(latencyNanos);
    }

    @Override
    public void failure(String code, String message, Sample s) {
      failures.add(code);
    }

    @Override
    public void unsent(long count) {
      unsent += count;
    }

    @Override
    public void finished() {
      finished++;
    }
  }
}
