package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whitelist entries written the natural way, attacked over a real server: a {@code systemctl
 * status}-like entry whose unit pattern {@code [a-z0-9@._-]+} would also match {@code --host}, and
 * a tool taking {@code --directory=VALUE}. The option and the climbing value are refused and the
 * program never starts (a script that records its argv stands in for it); an entry with {@code
 * end_of_options} passes {@code --} before the caller's words.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OptionInjectionTest {
  private static final String FROM = "127.0.0.12";

  @TempDir Path dir;

  @Test
  void naturalPatterns_optionsAndClimbingValuesRefused_programNeverRuns() throws Exception {
    Path ran = dir.resolve("ran.txt");
    String record = "printf '%s\\n' \"$@\" >> '" + ran + "'";
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir)
                .commands(
                    c ->
                        c.script(
                                "status",
                                record,
                                e -> e.fixedArgs("status").maxArgs(2).patterns("[a-z0-9@._-]+"))
                            .script(
                                "archive",
                                record,
                                e -> e.maxArgs(2).patterns("--directory=[a-z./]+", "[a-z.]+"))
                            .script(
                                "unit",
                                record,
                                e ->
                                    e.fixedArgs("status", "--no-pager")
                                        .endOfOptions()
                                        .maxArgs(1)
                                        .positional(
                                            "[a-z0-9][a-z0-9@._-]{0,62}[.]service", false))))) {
      TestServer s = arena.server;
      String token = Hostile.token(s, "mallory", "pw");
      try (Wire w = Hostile.wireFrom(s, FROM)) {
        for (List<String> words :
            List.of(
                List.of("status", "--host", "attacker"),
                List.of("status", "-H", "root@attacker"),
                List.of("status", "nginx.service", "--host=attacker"),
                List.of("archive", "--directory=../secret"),
                List.of("archive", "--directory=a/../../secret"),
                List.of("archive", "x", "../secret"),
                List.of("unit", "--host=a.service"))) {
          JsonNode reply =
              w.call(Hostile.command(token, words.getFirst(), words.subList(1, words.size()), "x"));
          assertThat(reply.path("code").asText())
              .as(words.toString())
              .isEqualTo("ARGUMENT_NOT_ALLOWED");
        }
        assertThat(ran).as("a refused program never starts").doesNotExist();

        JsonNode ok = w.call(Hostile.command(token, "unit", List.of("nginx.service"), "ok"));
        assertThat(ok.path("exit_code").asInt(-1)).as(ok.toString()).isZero();
        assertThat(Files.readAllLines(ran))
            .as("argv after the executable")
            .containsExactly("status", "--no-pager", "--", "nginx.service");
      }
      assertThat(s.auditEvents("command_denied")).hasSizeGreaterThanOrEqualTo(7);
      arena.finish();
    }
  }
}
