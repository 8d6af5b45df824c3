package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.audit.AuditEvent.AuthSucceeded;
import dev.rcx.audit.AuditEvent.CommandRun;
import dev.rcx.audit.AuditEvent.ConnectionClosed;
import dev.rcx.audit.AuditEvent.ProtocolError;
import dev.rcx.audit.AuditEvent.TokenRejected;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AuditEventTest {

  @Test
  void samples_coverEveryPermittedEvent() {
    Set<Class<?>> sampled =
        Samples.oneOfEach().stream().map(Object::getClass).collect(Collectors.toSet());
    assertThat(sampled).containsExactlyInAnyOrder(AuditEvent.class.getPermittedSubclasses());
  }

  @Test
  void eventName_everyEvent_isDistinctSnakeCase() {
    List<String> names =
        Arrays.stream(AuditEvent.class.getPermittedSubclasses())
            .map(
                c ->
                    Samples.oneOfEach().stream()
                        .filter(c::isInstance)
                        .findFirst()
                        .orElseThrow()
                        .eventName())
            .toList();
    assertThat(names).doesNotHaveDuplicates().allMatch(n -> n.matches("[a-z]+(_[a-z]+)*"));
  }

  @Test
  void commandRun_completedWithoutExitCode_isRejected() {
    assertThatThrownBy(
            () ->
                new CommandRun(
                    "c:1",
                    "u",
                    "s",
                    "ls",
                    List.of("ls"),
                    null,
                    CommandRun.COMPLETED,
                    0,
                    0,
                    0,
                    false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exit_code");
  }

  @Test
  void commandRun_unknownOutcome_isRejectedNamingTheValue() {
    assertThatThrownBy(
            () ->
                new CommandRun("c:1", "u", "s", "ls", List.of("ls"), 0, "exploded", 0, 0, 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("command_run.outcome")
        .hasMessageContaining("exploded");
  }

  @Test
  void commandRun_argv_isCopiedAndUnmodifiable() {
    List<String> argv = new ArrayList<>(List.of("/bin/echo", "hi"));
    CommandRun run =
        new CommandRun("c:1", "u", "s", "echo", argv, 0, CommandRun.COMPLETED, 0, 0, 0, false);
    argv.set(1, "changed");
    assertThat(run.argv()).containsExactly("/bin/echo", "hi");
    assertThatThrownBy(() -> run.argv().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void commandRun_tooManyArgs_keepsTheFirstAndCountsTheRest() {
    List<String> argv = Collections.nCopies(Text.MAX_ARGS + 5, "a");
    CommandRun run =
        new CommandRun("c:1", "u", "s", "echo", argv, 0, CommandRun.COMPLETED, 0, 0, 0, false);
    assertThat(run.argv()).hasSize(Text.MAX_ARGS + 1).last().isEqualTo("...(+5 more args)");
  }

  @Test
  void tokenRejected_unknownCode_isRejected() {
    assertThatThrownBy(() -> new TokenRejected("c:1", "SOMETHING", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token_rejected.code");
  }

  @Test
  void connectionClosed_negativeRequests_isRejectedWithTheValue() {
    assertThatThrownBy(() -> new ConnectionClosed("c:1", null, null, "eof", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connection_closed.requests must be >= 0, was -1");
  }

  @Test
  void authSucceeded_nullUser_isRejectedNamingTheField() {
    assertThatThrownBy(() -> new AuthSucceeded("c:1", null, "s"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("auth_succeeded.user must not be null");
  }

  @Test
  void protocolError_hugeDetail_isClippedWithTheCutLength() {
    String detail = "x".repeat(Text.MAX_TEXT + 100);
    ProtocolError e = new ProtocolError("c:1", null, null, "BAD", detail);
    assertThat(e.detail())
        .hasSize(Text.MAX_TEXT + "...(+100 chars)".length())
        .endsWith("...(+100 chars)");
  }

  @Test
  void protocolError_loneSurrogate_isReplaced() {
    ProtocolError e = new ProtocolError("c:1", null, null, "BAD", "a\uD800b\uDC00c\uD83D\uDE00");
    assertThat(e.detail()).isEqualTo("a\uFFFDb\uFFFDc\uD83D\uDE00");
  }
}
