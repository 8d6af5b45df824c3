package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.fanout.HostResult;
import dev.rcx.fanout.HostStatus;
import dev.rcx.fanout.Target;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FleetPrinter} on its own: what reaches stdout and stderr, piece by piece. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetPrinterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Target a = new Target("a", "127.0.0.1", 1001, "alice", null);
  private final Target bee = new Target("bee", "127.0.0.1", 1002, "alice", null);
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private FleetPrinter printer(FleetPrinter.Mode mode) {
    return new FleetPrinter(mode, List.of(a, bee), new PrintWriter(out), new PrintWriter(err));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static HostResult ok(Target t) {
    return new HostResult(t, HostStatus.OK, 0, 5, false, null);
  }

  @Test
  void prefixed_eachCompleteLinePrintedAtOnce_partialLineWaitsForItsEnd() {
    FleetPrinter p = printer(FleetPrinter.Mode.PREFIXED);
    p.output(a, false, utf8("one\ntw"));
    assertThat(out.toString()).isEqualTo("a   | one\n");
    p.output(bee, false, utf8("fast\n"));
    p.output(bee, true, utf8("warn\n"));
    assertThat(out.toString()).isEqualTo("a   | one\nbee | fast\n");
    assertThat(err.toString()).isEqualTo("bee | warn\n");
    p.output(a, false, utf8("o\nthr"));
    assertThat(out.toString()).isEqualTo("a   | one\nbee | fast\na   | two\n");
    p.finished(ok(a)); // the command ended: its partial last line goes out
    assertThat(out.toString()).endsWith("a   | thr\n");
  }

  @Test
  void prefixed_invalidUtf8_lineEscaped_noteOnStderr_validLinesExact() {
    FleetPrinter p = printer(FleetPrinter.Mode.PREFIXED);
    p.output(a, false, new byte[] {'o', 'k', '\n', (byte) 0xff, '\\', 'x', '\n'});
    p.finished(ok(a));
    assertThat(out.toString()).isEqualTo("a   | ok\na   | \\xff\\\\x\n");
    assertThat(err.toString())
        .contains("a   ! output was not valid UTF-8")
        .contains("--group or --json keep the exact bytes");
  }

  @Test
  void prefixed_failedHost_errorLineOnStderr_outputAfterSettledDropped() {
    FleetPrinter p = printer(FleetPrinter.Mode.PREFIXED);
    p.finished(HostResult.failed(bee, HostStatus.NO_ANSWER, 9, "no answer within 1s"));
    p.output(bee, false, utf8("late\n"));
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).isEqualTo("bee ! no answer within 1s\n");
  }

  @Test
  void prefixed_manyHostsWritingAtOnce_neverTwoHostsInOneLine() throws Exception {
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      targets.add(new Target("h" + i, "127.0.0.1", 2000 + i, "alice", null));
    }
    FleetPrinter p =
        new FleetPrinter(
            FleetPrinter.Mode.PREFIXED, targets, new PrintWriter(out), new PrintWriter(err));
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (Target t : targets) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    // 500 lines in pieces of 7 bytes: lines cross pieces all the time.
                    StringBuilder all = new StringBuilder();
                    for (int n = 0; n < 500; n++) {
                      all.append(t.label()).append("-line-").append(n).append('\n');
                    }
                    byte[] b = utf8(all.toString());
                    for (int i = 0; i < b.length; i += 7) {
                      p.output(
                          t, false, java.util.Arrays.copyOfRange(b, i, Math.min(b.length, i + 7)));
                    }
                    p.finished(ok(t));
                  }));
    }
    go.countDown();
    for (Thread th : threads) {
      th.join(30_000);
    }
    String[] lines = out.toString().split("\n");
    assertThat(lines).hasSize(8 * 500);
    int[] next = new int[8];
    for (String line : lines) {
      assertThat(line).matches("h(\\d) \\| h\\1-line-\\d+");
      int host = line.charAt(1) - '0';
      assertThat(line).endsWith("-line-" + next[host]);
      next[host]++;
    }
  }

  @Test
  void grouped_blocksInGivenOrder_exactBytes_heldUntilEarlierHostsAreDone() {
    ByteArrayOutputStream rawOut = new ByteArrayOutputStream();
    ByteArrayOutputStream rawErr = new ByteArrayOutputStream();
    FleetPrinter p =
        new FleetPrinter(
            FleetPrinter.Mode.GROUPED,
            List.of(a, bee),
            new BytePrintWriter(rawOut, StandardCharsets.UTF_8),
            new BytePrintWriter(rawErr, StandardCharsets.UTF_8));
    byte[] binary = {(byte) 0xff, 0, (byte) 0xfe, '\n'};
    p.output(bee, false, utf8("bee out\n"));
    p.finished(ok(bee));
    assertThat(rawOut.size()).as("bee waits for a, listed first").isZero();
    p.output(a, false, binary);
    p.output(a, true, new byte[] {(byte) 0x80});
    p.finished(ok(a));
    byte[] expected =
        concat(
            utf8("== a (ok, exit 0, 5 ms) ==\n"),
            binary,
            utf8("== bee (ok, exit 0, 5 ms) ==\nbee out\n"));
    assertThat(rawOut.toByteArray()).isEqualTo(expected);
    assertThat(rawErr.toByteArray()).isEqualTo(new byte[] {(byte) 0x80, '\n'});
  }

  @Test
  void grouped_moreThanTheHoldLimit_keptUpToItAndSaid() {
    FleetPrinter p =
        new FleetPrinter(
            FleetPrinter.Mode.GROUPED, List.of(a), new PrintWriter(out), new PrintWriter(err), 10);
    p.output(a, false, utf8("0123456"));
    p.output(a, false, utf8("789abcdef\n"));
    p.finished(ok(a));
    assertThat(out.toString()).endsWith("==\n0123456789\n");
    assertThat(err.toString()).contains("a ! output past 10 bytes per stream was not kept");
  }

  @Test
  void json_textAsIs_binaryAsBase64WithEncoding() throws Exception {
    FleetPrinter p = printer(FleetPrinter.Mode.JSON);
    byte[] binary = {(byte) 0xff, (byte) 0xfe, 'x', '\n'};
    p.output(a, false, binary);
    p.output(a, true, utf8("warn\n"));
    p.finished(ok(a));
    JsonNode j = JSON.readTree(out.toString());
    assertThat(j.get("stdout_encoding").asText()).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(j.get("stdout").asText())).isEqualTo(binary);
    assertThat(j.get("stderr").asText()).isEqualTo("warn\n");
    assertThat(j.get("stderr_encoding").isNull()).isTrue();
    assertThat(j.get("truncated").asBoolean()).isFalse();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
