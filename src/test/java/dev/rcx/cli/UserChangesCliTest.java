package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.auth.UserStore;
import dev.rcx.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rcx user}: the password policy (8+ characters, no common password, not the user name),
 * changing roles, and every change reaching the audit log, whether the server runs or starts later;
 * a change that cannot be journaled first is not made.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class UserChangesCliTest {
  private static final Duration AUDITED = Duration.ofSeconds(15);

  @TempDir Path dir;

  @org.junit.jupiter.api.BeforeEach
  void dataDir() throws Exception {
    Files.createDirectories(dir.resolve("data")); // where TestServer.start(dir) keeps its data
  }

  private static Cli.Result add(Path data, String user, String password, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("user", "add", user, "--password-stdin", "--data-dir", data.toString()));
    args.addAll(List.of(more));
    return Cli.withStdin(password + "\n", args.toArray(String[]::new));
  }

  private static boolean exists(Path data, String user) throws Exception {
    return UserStore.open(data.resolve(UserStore.DEFAULT_FILE_NAME)).find(user).isPresent();
  }

  @Test
  void add_shortCommonOrOwnName_refusedWith254AndNothingWritten() throws Exception {
    Path data = dir.resolve("data");
    Cli.Result shortPw = add(data, "alice", "x");
    assertThat(shortPw.code()).as(shortPw.toString()).isEqualTo(254);
    assertThat(shortPw.err()).contains("at least 8").doesNotContain("\"x\"");
    Cli.Result seven = add(data, "alice", "7-chars");
    assertThat(seven.code()).isEqualTo(254);
    Cli.Result common = add(data, "alice", "Password123");
    assertThat(common.code()).as(common.toString()).isEqualTo(254);
    assertThat(common.err()).contains("common passwords");
    Cli.Result ownName = add(data, "alicealice", "AliceAlice");
    assertThat(ownName.code()).isEqualTo(254);
    assertThat(ownName.err()).contains("user name");
    assertThat(exists(data, "alice")).isFalse();

    Cli.Result passphrase = add(data, "alice", "correct horse battery");
    assertThat(passphrase.code()).as(passphrase.toString()).isZero();
    Cli.Result eight = add(data, "bob", "8 chars!");
    assertThat(eight.code()).as("no composition rules; 8 is enough").isZero();

    Cli.Result passwd =
        Cli.withStdin(
            "12345678\n",
            "user",
            "passwd",
            "bob",
            "--password-stdin",
            "--data-dir",
            data.toString());
    assertThat(passwd.code()).isEqualTo(254);
    assertThat(passwd.err()).contains("common passwords").contains("nothing was changed");
  }

  @Test
  void changes_whileServerRuns_auditedInOrderWithoutSecrets() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      Path data = s.dataDir();
      assertThat(add(data, "carol", "carol-first-pw", "--roles", "ops").code()).isZero();
      Cli.Result roles =
          Cli.run("user", "roles", "carol", "ops,dev", "--data-dir", data.toString());
      assertThat(roles.code()).as(roles.toString()).isZero();
      assertThat(roles.out()).contains("roles of carol: dev,ops");
      assertThat(Cli.run("user", "list", "--data-dir", data.toString()).out())
          .contains("carol\tdev,ops");
      Cli.Result passwd =
          Cli.withStdin(
              "carol-second-pw\n",
              "user",
              "passwd",
              "carol",
              "--password-stdin",
              "--data-dir",
              data.toString());
      assertThat(passwd.code()).isZero();
      assertThat(Cli.run("user", "remove", "carol", "--data-dir", data.toString()).code()).isZero();

      s.awaitAudit(
          "user_changed",
          e ->
              e.path("change").asText().equals("user_removed")
                  && e.path("user").asText().equals("carol"),
          AUDITED);
      List<JsonNode> carol =
          s.auditEvents("user_changed").stream()
              .filter(e -> e.path("user").asText().equals("carol"))
              .toList();
      assertThat(carol)
          .extracting(e -> e.path("change").asText())
          .containsExactly("user_added", "roles_changed", "password_changed", "user_removed");
      assertThat(roles(carol.get(1))).containsExactly("dev", "ops");
      assertThat(carol.get(0).path("by").asText()).isEqualTo(System.getProperty("user.name"));
      assertThat(carol.get(0).path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(String.join("\n", s.auditLines()))
          .doesNotContain("carol-first-pw")
          .doesNotContain("carol-second-pw")
          .doesNotContain("argon2");
      assertThat(Files.size(data.resolve(UserStore.JOURNAL_FILE_NAME))).isZero();
    }
  }

  @Test
  void changes_whileNoServerRuns_auditedAtItsNextStart() throws Exception {
    Path data = dir.resolve("data"); // TestServer's data dir under `dir`
    assertThat(add(data, "dave", "dave-password-1").code()).isZero();
    assertThat(Cli.run("user", "roles", "dave", "ops", "--data-dir", data.toString()).code())
        .isZero();
    assertThat(Files.size(data.resolve(UserStore.JOURNAL_FILE_NAME))).isPositive();
    try (TestServer s = TestServer.start(dir)) {
      JsonNode added =
          s.awaitAudit(
              "user_changed",
              e ->
                  e.path("user").asText().equals("dave")
                      && e.path("change").asText().equals("user_added"),
              AUDITED);
      JsonNode started = s.auditEvents("server_started").getFirst();
      assertThat(added.path("seq").asLong()).isGreaterThan(started.path("seq").asLong());
      s.awaitAudit(
          "user_changed",
          e ->
              e.path("user").asText().equals("dave")
                  && e.path("change").asText().equals("roles_changed"),
          AUDITED);
    }
  }

  @Test
  void change_journalCannotBeWritten_changeNotMade() throws Exception {
    Path data = dir.resolve("data");
    assertThat(add(data, "erin", "erin-password-1").code()).isZero();
    // A directory where the journal file should be: appending to it fails, as a full or read-only
    // disk would make it fail.
    Path journal = data.resolve(UserStore.JOURNAL_FILE_NAME);
    Files.delete(journal);
    Files.createDirectory(journal);
    Cli.Result r = add(data, "frank", "frank-password-1");
    assertThat(r.code()).as(r.toString()).isNotZero();
    assertThat(r.err()).contains(UserStore.JOURNAL_FILE_NAME);
    assertThat(exists(data, "frank")).isFalse();
    Cli.Result roles = Cli.run("user", "roles", "erin", "ops", "--data-dir", data.toString());
    assertThat(roles.code()).isNotZero();
    assertThat(
            UserStore.open(data.resolve(UserStore.DEFAULT_FILE_NAME))
                .find("erin")
                .orElseThrow()
                .roles())
        .isEmpty();
  }

  private static List<String> roles(JsonNode e) {
    return StreamSupport.stream(e.path("roles").spliterator(), false)
        .map(JsonNode::asText)
        .toList();
  }
}
