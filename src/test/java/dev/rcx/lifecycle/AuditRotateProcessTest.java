package dev.rcx.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.audit.AuditFiles;
import dev.rcx.auth.UserStore;
import dev.rcx.cli.Main;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestCommands;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit rotation with a real {@code rcx server} process and the real CLI: the server rotates by
 * {@code audit.max_file_bytes} under several clients, {@code rcx audit rotate} asks it to rotate
 * over the control socket, a command started before a rotation and left running by a killed server
 * is found and settled by the next start, {@code rcx audit rotate} without a server rotates
 * offline, and {@code rcx audit verify --key} checks every file as one chain, names a missing
 * middle file, and accepts a log whose oldest files were archived.
 */
class AuditRotateProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<String> NO_GUARD = List.of("-Drcx.exec.orphan_guard=false");

  @TempDir Path dir;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void rotateByConfigAndCli_restartSettlesACommandAcrossFiles_verifyAllFiles() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    UserStore users = UserStore.open(data.resolve("users.json"));
    for (int i = 0; i < 3; i++) {
      users.add("user" + i, "pw".toCharArray(), Set.of());
    }
    Path commands =
        TestCommands.in(dir.resolve("commands"))
            .command("echo", "/bin/echo", e -> e.maxArgs(2).patterns("[a-z0-9-]+"))
            .command("sleep", "/bin/sleep", e -> e.maxArgs(1).patterns("[0-9]+").timeout("60s"))
            .write();
    Path config =
        Files.writeString(
            dir.resolve("rcx.yaml"),
            "commands: "
                + commands
                + "\naudit:\n  max_file_bytes: 8192\n  seal_epoch_records: 16\n");

    String key;
    long sleepPid;
    String sleepId;
    try (ServerProcess server = ServerProcess.start(data, null, config, NO_GUARD)) {
      Poll.until(
          "the verification key printed", WAIT, () -> verificationKey(server.output()) != null);
      key = verificationKey(server.output());
      // 1. Several clients at once; the log rotates by size as they go.
      List<Future<Integer>> clients = new ArrayList<>();
      List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      try (var pool = Executors.newFixedThreadPool(3)) {
        for (int i = 0; i < 3; i++) {
          String user = "user" + i;
          clients.add(
              pool.submit(
                  () -> {
                    int ok = 0;
                    try (RcxClient c = server.loggedIn(user, "pw", WAIT)) {
                      for (int n = 0; n < 10; n++) {
                        Response r = c.exec("echo " + user + "-" + n);
                        if (r instanceof Response.CommandOutput) {
                          ok++;
                        } else {
                          failures.add(user + "-" + n + ": " + r);
                        }
                      }
                    }
                    return ok;
                  }));
        }
        for (Future<Integer> f : clients) {
          assertThat(f.get(120, TimeUnit.SECONDS)).as("failures: %s", failures).isEqualTo(10);
        }
      }
      assertThat(AuditFiles.inDataDir(data).size()).isGreaterThanOrEqualTo(3);

      // 2. A long command, then `rcx audit rotate`: its start record is now in a closed file.
      RcxClient sleeper = server.loggedIn("user0", "pw", Duration.ofSeconds(90));
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  sleeper.exec("sleep 50");
                } catch (IOException e) {
                  // The server is killed mid-command: no reply.
                }
              });
      Poll.until("the sleep's command_launched", WAIT, () -> sleepLaunch(data) != null);
      JsonNode launched = sleepLaunch(data);
      sleepPid = launched.path("pid").asLong();
      sleepId = launched.path("command_id").asText();
      int before = AuditFiles.inDataDir(data).size();
      Cli rotated = cli("audit", "rotate", "--data-dir", data.toString());
      assertThat(rotated.code()).as(rotated.toString()).isZero();
      assertThat(rotated.out()).contains("closed").contains("audit-").contains("continues");
      assertThat(AuditFiles.inDataDir(data).size()).isEqualTo(before + 1);
      JsonNode asked = events(data, "audit_rotated").getLast();
      assertThat(asked.path("trigger").asText()).isEqualTo("requested");
      assertThat(asked.path("open_commands").toString()).contains(sleepId);

      // 3. The server dies with the command running (no orphan guard here).
      server.kill();
      sleeper.close();
    }
    assertThat(ServerProcess.running(sleepPid)).as("the sleep outlived its server").isTrue();
    try (ServerProcess restarted = ServerProcess.start(data, null, config, NO_GUARD)) {
      Poll.until("command_abandoned", WAIT, () -> !events(data, "command_abandoned").isEmpty());
      JsonNode abandoned = events(data, "command_abandoned").getLast();
      assertThat(abandoned.path("command_id").asText()).isEqualTo(sleepId);
      assertThat(abandoned.path("outcome").asText()).isEqualTo("killed");
      Poll.until("the sleep is killed", WAIT, () -> !ServerProcess.running(sleepPid));
      try (RcxClient c = restarted.loggedIn("user1", "pw", WAIT)) {
        assertThat(c.exec("echo after-restart")).isInstanceOf(Response.CommandOutput.class);
      }
      assertThat(restarted.terminate(WAIT)).isZero();
    }

    // 4. No server: `rcx audit rotate` rotates offline under the writer lock.
    int before = AuditFiles.inDataDir(data).size();
    Cli offline = cli("audit", "rotate", "--data-dir", data.toString());
    assertThat(offline.code()).as(offline.toString()).isZero();
    assertThat(offline.out()).contains("rotated offline");
    assertThat(AuditFiles.inDataDir(data).size()).isEqualTo(before + 1);

    // 5. Every file verifies as one chain with the key.
    Cli ok = cli("audit", "verify", "--data-dir", data.toString(), "--key", key);
    assertThat(ok.code()).as(ok.toString()).isZero();
    assertThat(ok.out()).startsWith("OK:").contains("authentic").contains("files");

    // 6. A missing middle file is named, exit 1; archived oldest files are not tampering.
    List<AuditFiles.Segment> files = AuditFiles.inDataDir(data);
    Path middle = files.get(2).path();
    Path aside = Files.move(middle, dir.resolve(middle.getFileName()));
    Cli missing = cli("audit", "verify", "--data-dir", data.toString());
    assertThat(missing.code()).as(missing.toString()).isEqualTo(1);
    assertThat(missing.err())
        .startsWith("MISSING FILE: records seq " + files.get(2).firstSeq() + "..")
        .contains(middle.getFileName().toString());
    Files.move(aside, middle);
    Files.delete(files.get(0).path());
    Files.delete(files.get(1).path());
    Cli archived = cli("audit", "verify", "--data-dir", data.toString(), "--key", key);
    assertThat(archived.code()).as(archived.toString()).isZero();
    assertThat(archived.out())
        .contains("starts at file " + files.get(2).name())
        .contains("earlier files archived");
  }

  /** The {@code command_launched} record of the {@code sleep 50}, or null while there is none. */
  private static @org.jspecify.annotations.Nullable JsonNode sleepLaunch(Path data) {
    for (JsonNode started : events(data, "command_started")) {
      if (started.path("argv").path(1).asText().equals("50")) {
        String id = started.path("command_id").asText();
        for (JsonNode launched : events(data, "command_launched")) {
          if (launched.path("command_id").asText().equals(id)) {
            return launched;
          }
        }
      }
    }
    return null;
  }

  private static @org.jspecify.annotations.Nullable String verificationKey(List<String> output) {
    for (String line : output) {
      if (line.strip().startsWith("rcx-audit-key:")) {
        return line.strip();
      }
    }
    return null;
  }

  private static List<JsonNode> events(Path data, String name) {
    List<JsonNode> out = new ArrayList<>();
    for (AuditFiles.Segment f : AuditFiles.inDataDir(data)) {
      List<String> lines;
      try {
        lines = Files.readAllLines(f.path());
      } catch (IOException e) {
        continue; // renamed by a rotation meanwhile; the next poll reads it
      }
      for (String line : lines) {
        try {
          JsonNode n = JSON.readTree(line);
          if (name.equals(n.path("event").asText())) {
            out.add(n);
          }
        } catch (IOException e) {
          // a line being written
        }
      }
    }
    return out;
  }

  private record Cli(int code, String out, String err) {}

  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }
}
