package dev.rcx.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TestServerTest {
  @TempDir Path dir;

  @Test
  void standardCommands_loggedInClient_runAndAreAudited() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", "pw");
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        assertThat(((Response.CommandOutput) c.exec("echo hi")).output()).isEqualTo("hi\n");
        assertThat(((Response.CommandOutput) c.exec("args", List.of("a b", "c"))).output())
            .isEqualTo("[a b]\n[c]\n");
        assertThat(((Response.CommandOutput) c.exec("exit 3")).exitCode()).isEqualTo(3);
        Response.CommandOutput both = (Response.CommandOutput) c.exec("both");
        assertThat(both.output()).isEqualTo("out\n");
        assertThat(both.stderr()).isEqualTo("err\n");
      }
      assertThat(s.auditEvents("command_run")).hasSize(4);
      assertThat(s.auditEvents("server_started")).hasSize(1);
      s.assertStillServes();
    }
  }

  @Test
  void wire_ping_answersPong() throws Exception {
    try (TestServer s = TestServer.start(dir);
        Wire w = s.wire()) {
      assertThat(w.call("{\"type\":\"ping\",\"id\":\"p\"}").toString())
          .isEqualTo("{\"type\":\"pong\",\"id\":\"p\"}");
    }
  }
}
