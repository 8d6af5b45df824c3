package dev.rcx.cli;

import dev.rcx.client.CachedSession;
import dev.rcx.client.SessionStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rcx status}: the sessions cached by {@code rcx login}, with their expiry (offline). */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "List the sessions cached by 'rcx login' and when they expire (as this client knows it;",
      "the server is not asked)."
    })
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    SessionStore store = SessionLogin.defaultStore();
    List<CachedSession> sessions;
    try {
      sessions = store.list();
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, Errors.message(e));
    }
    if (sessions.isEmpty()) {
      out.println("No cached sessions in " + store.dir() + ". Use 'rcx login'.");
      return ExitCodes.OK;
    }
    Instant now = store.now();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SERVER", "USER", "EXPIRES", "IDLE EXPIRY", "STATE"});
    for (CachedSession s : sessions) {
      rows.add(
          new String[] {
            s.server(),
            s.user(),
            s.expiresAt().truncatedTo(ChronoUnit.SECONDS).toString(),
            s.lastUsed().plus(s.idleTimeout()).truncatedTo(ChronoUnit.SECONDS).toString(),
            s.validAt(now) ? "valid, " + left(Duration.between(now, s.expiresIfIdle())) : "expired"
          });
    }
    int[] w = new int[4];
    for (String[] r : rows) {
      for (int i = 0; i < 4; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      out.println(
          String.format(
              "%-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  %-" + w[3] + "s  %s",
              (Object[]) r));
    }
    return ExitCodes.OK;
  }

  private static String left(Duration d) {
    long m = d.toMinutes();
    return m >= 60 ? (m / 60) + " h " + (m % 60) + " min left" : Math.max(m, 0) + " min left";
  }
}
