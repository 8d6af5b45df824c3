package dev.rcx.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy hash names what may run: formatting does not change it, any rule change does. */
class PolicyHashTest {
  @TempDir Path dir;

  private Whitelist load(String yaml) throws Exception {
    return Whitelist.load(Files.writeString(dir.resolve("w" + System.nanoTime() + ".yaml"), yaml));
  }

  @Test
  void hash_commentsAndKeyOrder_ignored_ruleChanges_counted() throws Exception {
    Whitelist a = load("commands:\n  - name: t\n    path: /bin/true\n    users: ['*']\n");
    Whitelist b =
        load(
            """
            # the same policy, written differently
            commands:
              - users: ["*"]   # everyone
                path: /bin/true
                name: t
                timeout: 10s
            """);
    Whitelist c = load("commands:\n  - name: t\n    path: /bin/true\n    users: ['bob']\n");
    Whitelist d =
        load("commands:\n  - name: t\n    path: /bin/true\n    users: ['*']\n    timeout: 11s\n");
    assertThat(a.hash()).matches("sha256:[0-9a-f]{64}").isEqualTo(b.hash());
    assertThat(c.hash()).isNotEqualTo(a.hash());
    assertThat(d.hash()).isNotEqualTo(a.hash());
    assertThat(Whitelist.defaults().hash()).isEqualTo(Whitelist.defaults().hash());
    assertThat(a.location("t")).isEqualTo(a.source().orElseThrow() + ":2");
    assertThat(b.location("t")).endsWith(":3");
  }
}
