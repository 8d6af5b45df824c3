package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link FleetInterrupt} without a signal: what one press does to hosts in each phase. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FleetInterruptTest {
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();
  private final FleetInterrupt interrupt = new FleetInterrupt(new PrintWriter(err));

  @Test
  void press_hostNotStartedYet_doesNotStart() {
    interrupt.press();
    assertThat(interrupt.requested()).isTrue();
    assertThat(interrupt.begin()).isFalse();
  }

  @Test
  void press_hostStillPreparing_isInterrupted_andNamedInTheMessage() throws Exception {
    CountDownLatch begun = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    Thread host =
        Thread.ofVirtual()
            .start(
                () -> {
                  assertThat(interrupt.begin()).isTrue();
                  begun.countDown();
                  try {
                    Thread.sleep(60_000); // stands in for a connect that hangs
                  } catch (InterruptedException e) {
                    interrupted.set(true);
                  } finally {
                    interrupt.end();
                  }
                });
    begun.await();
    interrupt.press();
    host.join(Duration.ofSeconds(30));
    assertThat(interrupted).isTrue();
    assertThat(err.toString()).contains("cancelling the command on 0 hosts and stopping 1");
  }

  @Test
  void sent_afterThePress_cancelsTheCommandJustSent_neverBeforeIt() throws IOException {
    try (TestServer server = TestServer.start(dir.resolve("srv")).addUser("alice", "pw-interrupt");
        RcxClient client = server.loggedIn("alice", "pw-interrupt")) {
      assertThat(interrupt.begin()).isTrue();
      interrupt.press(); // Ctrl-C while this host was between its check and its request
      long start = System.nanoTime();
      Response r =
          client.exec(
              "pidsleep",
              List.of(),
              Duration.ofSeconds(60),
              new RcxClient.OutputListener() {
                @Override
                public void output(boolean isStderr, byte[] bytes) {}

                @Override
                public void sent() throws IOException {
                  interrupt.sent(client);
                }
              });
      interrupt.end();
      assertThat(r).isInstanceOf(Response.CommandOutput.class);
      assertThat(((Response.CommandOutput) r).status())
          .isEqualTo(Response.CommandOutput.Status.CANCELLED);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(45));
      assertThat(client.exec("echo", List.of("still", "usable")))
          .isInstanceOf(Response.CommandOutput.class);
    }
  }
}
