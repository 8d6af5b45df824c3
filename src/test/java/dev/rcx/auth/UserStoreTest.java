package dev.rcx.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class UserStoreTest {
  @TempDir Path dir;

  private final PasswordHasher hasher = Fixtures.cheapHasher();

  private Path file() {
    return dir.resolve(UserStore.DEFAULT_FILE_NAME);
  }

  private UserStore open() throws IOException {
    return UserStore.open(file(), hasher);
  }

  private List<String> dirListing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void open_missingFile_isEmptyAndCreatesNothing() throws IOException {
    UserStore store = open();

    assertThat(store.list()).isEmpty();
    assertThat(store.find("alice")).isEmpty();
    assertThat(store.find(null)).isEmpty();
    assertThat(store.find("Bad Name")).isEmpty();
    assertThat(dirListing()).isEmpty();
  }

  @Test
  void add_thenFind_returnsUserWhosePasswordVerifies() throws IOException {
    UserStore store = open();
    store.add("alice", "s3cret".toCharArray(), Set.of("ops", "admin"));

    User alice = store.find("alice").orElseThrow();
    assertThat(alice.roles()).containsExactly("admin", "ops");
    assertThat(hasher.verify(Fixtures.proof("s3cret"), alice.passwordHash())).isTrue();
    assertThat(open().find("alice")).contains(alice);
  }

  @Test
  void add_existingUser_rejectedNamingIt() throws IOException {
    UserStore store = open();
    store.addWithSha256("alice", Fixtures.proof("a"), Set.of());

    assertThatThrownBy(() -> store.addWithSha256("alice", Fixtures.proof("b"), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user 'alice' already exists in " + file());
    assertThat(hasher.verify(Fixtures.proof("a"), store.find("alice").orElseThrow().passwordHash()))
        .isTrue();
  }

  @Test
  void add_badNameOrRole_rejectedNamingRuleAndValue() throws IOException {
    UserStore store = open();

    assertThatThrownBy(() -> store.addWithSha256("Alice", Fixtures.proof("a"), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("username must match [a-z_][a-z0-9_.-]{0,31} but was 'Alice'");
    assertThatThrownBy(() -> store.addWithSha256("a".repeat(33), Fixtures.proof("a"), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("username must match");
    assertThatThrownBy(
            () -> store.addWithSha256("bob", Fixtures.proof("a"), Set.of("ops", "no way")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("role must match [a-z_][a-z0-9_.-]{0,31} but was 'no way'");
    assertThatThrownBy(() -> store.addWithSha256("bob", "not-a-hash", Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 lowercase hex characters");
    assertThat(store.list()).isEmpty();
    assertThat(dirListing()).isEmpty();
  }

  @Test
  void remove_existingUser_goneForNewReaders() throws IOException {
    UserStore store = open();
    store.addWithSha256("alice", Fixtures.proof("a"), Set.of());
    store.addWithSha256("bob", Fixtures.proof("b"), Set.of());

    store.remove("alice");

    assertThat(store.find("alice")).isEmpty();
    assertThat(open().list()).extracting(User::name).containsExactly("bob");
  }

  @Test
  void removeOrPasswd_unknownUser_rejectedNamingIt() throws IOException {
    UserStore store = open();

    assertThatThrownBy(() -> store.remove("ghost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no such user 'ghost' in " + file());
    assertThatThrownBy(() -> store.passwdWithSha256("ghost", Fixtures.proof("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no such user 'ghost'");
  }

  @Test
  void passwd_existingUser_newPasswordVerifiesOldDoesNotRolesKept() throws IOException {
    UserStore store = open();
    store.add("alice", "old".toCharArray(), Set.of("ops"));

    store.passwd("alice", "new".toCharArray());

    User alice = open().find("alice").orElseThrow();
    assertThat(alice.roles()).containsExactly("ops");
    assertThat(hasher.verify(Fixtures.proof("new"), alice.passwordHash())).isTrue();
    assertThat(hasher.verify(Fixtures.proof("old"), alice.passwordHash())).isFalse();
  }

  @Test
  void list_manyUsers_sortedByName() throws IOException {
    UserStore store = open();
    for (String name : List.of("carol", "_svc", "alice", "bob")) {
      store.addWithSha256(name, Fixtures.proof(name), Set.of());
    }

    assertThat(store.list())
        .extracting(User::name)
        .containsExactly("_svc", "alice", "bob", "carol");
  }

  @Test
  void writes_leaveNoTempFilesAndMode600() throws IOException {
    UserStore store = open();
    store.addWithSha256("alice", Fixtures.proof("a"), Set.of());
    store.addWithSha256("bob", Fixtures.proof("b"), Set.of());
    store.remove("alice");

    assertThat(dirListing()).containsExactly("users.journal", "users.json", "users.json.lock");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("users.json.lock"))))
        .isEqualTo("rw-------");
  }

  @Test
  void writes_groupReadableFileBefore_isMode600After() throws IOException {
    UserStore store = open();
    store.addWithSha256("alice", Fixtures.proof("a"), Set.of());
    Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r--r--"));

    store.addWithSha256("bob", Fixtures.proof("b"), Set.of());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
        .isEqualTo("rw-------");
  }

  @Test
  void file_format_isVersionedSortedJson() throws IOException {
    UserStore store = open();
    store.addWithSha256("bob", Fixtures.proof("b"), Set.of("z", "a"));
    store.addWithSha256("alice", Fixtures.proof("a"), Set.of());

    String json = Files.readString(file());
    assertThat(json).startsWith("{").endsWith("}\n").contains("\"version\" : 1");
    assertThat(json.indexOf("\"alice\"")).isLessThan(json.indexOf("\"bob\""));
    assertThat(json).containsPattern("\"roles\" : \\[ \"a\", \"z\" \\]");
    assertThat(json).contains("\"password_hash\" : \"$argon2id$v=19$m=64,t=1,p=1$");
  }

  @Test
  void open_notJson_clearErrorWithPathAndPosition() throws IOException {
    Files.writeString(file(), "{\"version\": 1,\n \"users\": [ oops ]}");

    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptUserFileException.class)
        .hasMessageContaining("users file " + file() + " is unusable: not valid JSON at line 2")
        .hasMessageContaining("rcx will not overwrite it");
  }

  @Test
  void open_emptyFile_clearError() throws IOException {
    Files.writeString(file(), "");

    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptUserFileException.class)
        .hasMessageContaining("it is empty");
  }

  @Test
  void open_invalidContent_errorsNameTheEntryAndNeverTheHash() throws IOException {
    String hash = hasher.hash(Fixtures.proof("a"));
    String[][] cases = {
      {"{\"version\":2,\"users\":[]}", "\"version\" must be 1 but was 2"},
      {"{\"version\":1}", "\"users\" must be an array"},
      {"{\"version\":1,\"users\":[],\"extra\":0}", "unknown field 'extra'"},
      {"{\"version\":1,\"version\":1,\"users\":[]}", "Duplicate field 'version'"},
      {
        "{\"version\":1,\"users\":[{\"name\":\"a\",\"password_hash\":\"H\",\"roles\":[]},"
            + "{\"name\":\"a\",\"password_hash\":\"H\",\"roles\":[]}]}",
        "users[1]: duplicate user 'a'"
      },
      {
        "{\"version\":1,\"users\":[{\"name\":\"A\",\"password_hash\":\"H\",\"roles\":[]}]}",
        "username must match"
      },
      {
        "{\"version\":1,\"users\":[{\"name\":\"a\",\"password_hash\":\"H\",\"roles\":[1]}]}",
        "users[0]: \"roles\" must be an array of strings"
      },
      {
        "{\"version\":1,\"users\":[{\"name\":\"a\",\"password_hash\":\"H!\",\"roles\":[]}]}",
        "users[0]: password hash is not a valid Argon2id PHC string"
      },
      {
        "{\"version\":1,\"users\":[{\"name\":\"a\",\"roles\":[]}]}",
        "users[0]: \"password_hash\" must be a string"
      },
      {"{\"version\":1,\"users\":[]} []", "not valid JSON"},
    };
    for (String[] c : cases) {
      Files.writeString(
          file(), c[0].replace("\"H\"", "\"" + hash + "\"").replace("H!", hash + "!"));
      assertThatThrownBy(this::open)
          .as(c[0])
          .isInstanceOf(CorruptUserFileException.class)
          .hasMessageContaining(c[1])
          .hasMessageNotContaining(hash.substring(30));
    }
  }

  @Test
  void open_longUnquotedTokenInJson_errorOmitsTheToken() throws IOException {
    String secretish = "k" + "Q7".repeat(30);
    Files.writeString(
        file(), "{\"version\":1,\"users\":[{\"name\":\"a\",\"password_hash\":" + secretish + "}]}");

    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptUserFileException.class)
        .hasMessageContaining("not valid JSON at line 1")
        .hasMessageContaining("'<61 characters>'")
        .hasMessageNotContaining("Q7Q7Q7");
  }

  @Test
  void write_onCorruptFile_refusedAndFileUntouched() throws IOException {
    UserStore store = open();
    store.addWithSha256("alice", Fixtures.proof("a"), Set.of());
    byte[] corrupt = "{\"version\": 1, \"users\": [".getBytes(StandardCharsets.UTF_8);
    Files.write(file(), corrupt);

    assertThatThrownBy(() -> store.addWithSha256("bob", Fixtures.proof("b"), Set.of()))
        .isInstanceOf(CorruptUserFileException.class);
    assertThatThrownBy(() -> store.remove("alice")).isInstanceOf(CorruptUserFileException.class);
    assertThat(Files.readAllBytes(file())).isEqualTo(corrupt);
    assertThat(dirListing()).containsExactly("users.journal", "users.json", "users.json.lock");
  }

  @Test
  void find_afterAnotherProcessLikeWriter_seesTheChange() throws IOException {
    UserStore server = open();
    assertThat(server.find("alice")).isEmpty();

    open().addWithSha256("alice", Fixtures.proof("a"), Set.of("ops"));

    assertThat(server.find("alice")).map(User::roles).contains(Set.of("ops"));
  }

  @Test
  void find_afterExternalCorruption_failsInsteadOfServingStaleUsers_recoversWhenFixed()
      throws IOException {
    UserStore server = open();
    server.addWithSha256("alice", Fixtures.proof("a"), Set.of());
    String good = Files.readString(file());

    Files.writeString(file(), good.replace("\"users\"", "\"userz\""));
    assertThatThrownBy(() -> server.find("alice")).isInstanceOf(CorruptUserFileException.class);
    assertThatThrownBy(() -> server.find("alice")).isInstanceOf(CorruptUserFileException.class);

    Files.writeString(file(), good);
    assertThat(server.find("alice")).isPresent();
  }

  @Test
  void find_afterExternalDeletion_seesNoUsers() throws IOException {
    UserStore server = open();
    server.addWithSha256("alice", Fixtures.proof("a"), Set.of());

    Files.delete(file());

    assertThat(server.find("alice")).isEmpty();
  }

  @Test
  @Timeout(60)
  void add_concurrentWritersOnTwoStores_noUpdateLost() throws Exception {
    UserStore a = open();
    UserStore b = open();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      var futures = new ArrayList<Future<User>>();
      for (int i = 0; i < 16; i++) {
        UserStore store = i % 2 == 0 ? a : b;
        String name = "user" + i;
        futures.add(pool.submit(() -> store.addWithSha256(name, Fixtures.proof(name), Set.of())));
      }
      for (Future<User> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(open().list()).hasSize(16);
    assertThat(dirListing()).containsExactly("users.journal", "users.json", "users.json.lock");
  }

  @Test
  void atomicReplace_failingRename_leavesTargetAndNoTempFile() throws IOException {
    Path target = dir.resolve("target");
    Files.createDirectory(target);
    Files.writeString(target.resolve("keep"), "x");

    assertThatThrownBy(() -> AtomicFiles.replace(target, "new".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThat(dirListing()).containsExactly("target");
    assertThat(Files.readString(target.resolve("keep"))).isEqualTo("x");
  }

  @Test
  void user_toString_omitsPasswordHash() {
    var user = new User("alice", "$argon2id$secret-material", Set.of("ops"));

    assertThat(user.toString()).isEqualTo("User[name=alice, roles=[ops]]");
  }
}
