package dev.rcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionStoreTest {
  @TempDir Path dir;
  private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");

  private SessionStore at(Instant now) {
    return new SessionStore(dir.resolve("sessions"), Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void save_find_expiry_idleAndAbsolute() throws Exception {
    CachedSession s = at(t0).save("h:1", "alice", "tok", 3600, 900);
    assertThat(at(t0).find("h:1", "alice")).contains(s);
    assertThat(s.validAt(t0.plusSeconds(899))).isTrue();
    assertThat(s.validAt(t0.plusSeconds(900))).isFalse();
    CachedSession used = at(t0.plusSeconds(800)).touch(s);
    assertThat(used.validAt(t0.plusSeconds(1600))).isTrue();
    assertThat(used.usedAt(t0.plusSeconds(3000)).validAt(t0.plusSeconds(3600))).isFalse();
    assertThat(s.toString()).doesNotContain("tok");
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void file_everyNameStaysInsideTheDirectoryAndNamesNeverCollide() throws Exception {
    SessionStore store = at(t0);
    for (String[] p :
        new String[][] {
          {"../../etc:1", "alice"},
          {"h:1", "../x"},
          {"h:1", "."},
          {"h:1", ".."},
          {"h:1", "a/b"},
          {"h:1", "a@h"},
          {"a@h:1", "b"},
          {"[::1]:7443", "bob"},
          {"h:1", "é%2F"}
        }) {
      Path f = store.file(p[0], p[1]);
      assertThat(f.getParent()).isEqualTo(store.dir());
      assertThat(f.getFileName().toString()).doesNotStartWith(".").doesNotContain("/");
      store.save(p[0], p[1], "t", 10, 10);
      assertThat(store.find(p[0], p[1]).orElseThrow().user()).isEqualTo(p[1]);
    }
    assertThat(store.file("a@h:1", "b")).isNotEqualTo(store.file("h:1", "a@b"));
    assertThat(store.list()).hasSize(9);
  }

  @Test
  void damagedFile_errorNamesIt() throws Exception {
    SessionStore store = at(t0);
    store.save("h:1", "alice", "t", 10, 10);
    Files.writeString(store.file("h:1", "alice"), "{not json");
    assertThatThrownBy(() -> store.find("h:1", "alice"))
        .hasMessageContaining(store.file("h:1", "alice").toString())
        .hasMessageContaining("damaged");
  }
}
