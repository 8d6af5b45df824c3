package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The start-up warm-up of a connecting client run (see {@link ClientPrewarm}). */
class ClientPrewarmTest {
  @Test
  void warm_theJdkSetUpItOverlaps_succeeds() {
    assertThat(ClientPrewarm.warm()).as("TLS context, Jackson and a P-256 key pair").isTrue();
  }

  @Test
  void startFor_connectingSubcommands_startsADaemonThatFinishes() throws InterruptedException {
    assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one core: no warm-up by design");
    for (String sub : new String[] {"exec", "login", "logout", "shell", "status"}) {
      Thread t = ClientPrewarm.startFor(new String[] {sub, "--host", "h"}).orElseThrow();
      assertThat(t.isDaemon()).as("%s: never keeps the JVM alive", sub).isTrue();
      assertThat(t.join(Duration.ofMinutes(1))).as("%s: the warm-up ends", sub).isTrue();
    }
  }

  @Test
  void startFor_otherRuns_startsNothing() {
    for (String[] args :
        new String[][] {{}, {"--version"}, {"server"}, {"bench"}, {"user", "add"}, {"help"}}) {
      assertThat(ClientPrewarm.startFor(args)).as(String.join(" ", args)).isEmpty();
    }
  }
}
