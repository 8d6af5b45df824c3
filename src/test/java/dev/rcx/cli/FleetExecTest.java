package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rcx exec} on many hosts: three real servers on loopback ports, one closed port (down) and
 * one socket that accepts and never answers (hangs).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FleetExecTest {
  private static final String PW = "fleet-password";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How long the hanging host is given: long enough for a live host to connect, handshake and log
   * in (Argon2id) on a loaded 2-core machine, which has taken several seconds.
   */
  private static final String HANG_TIMEOUT = "12s";

  @TempDir static Path shared;
  @TempDir Path dir;
  private static final List<TestServer> servers = new ArrayList<>();
  private static int downPort;
  private static ServerSocket hanging;
  private static final List<Socket> held = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    for (int i = 0; i < 3; i++) {
      TestServer s =
          TestServer.builder(shared.resolve("s" + i))
              .commands(
                  c ->
                      c.script(
                          "lines",
                          "i=0; while [ $i -lt 3000 ]; do"
                              + " echo \"line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\";"
                              + " i=$((i+1)); done",
                          e -> e.timeout("60s")))
              .start();
      s.addUser("alice", PW);
      servers.add(s);
    }
    try (ServerSocket s = new ServerSocket(0)) {
      downPort = s.getLocalPort();
    }
    hanging = new ServerSocket(0);
    Thread.ofPlatform()
        .daemon()
        .name("hanging-acceptor")
        .start(
            () -> {
              while (!hanging.isClosed()) {
                try {
                  held.add(hanging.accept()); // accepts and never answers
                } catch (IOException e) {
                  return;
                }
              }
            });
  }

  @AfterAll
  static void stop() throws IOException {
    servers.forEach(TestServer::close);
    hanging.close();
    for (Socket s : held) {
      s.close();
    }
  }

  private static String addr(int port) {
    return "127.0.0.1:" + port;
  }

  private static String liveHosts() {
    return String.join(",", servers.stream().map(s -> addr(s.port())).toList());
  }

  private Cli.Result fleet(String... rest) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "exec",
                "-u",
                "alice",
                "--password-stdin",
                "--known-hosts",
                dir.resolve("known_hosts").toString(),
                "--client-config",
                dir.resolve("no-config.yaml").toString()));
    if (!List.of(rest).contains("--connect-timeout")) {
      args.addAll(List.of("--connect-timeout", "30s")); // generous on a loaded machine
    }
    args.addAll(List.of(rest));
    return Cli.withStdin(PW + "\n", args.toArray(String[]::new));
  }

  @Test
  void fanout_liveDownAndHanging_prefixedOutputTableAndExit255() {
    long start = System.nanoTime();
    Cli.Result r =
        fleet(
            "--accept-new",
            "--connect-timeout",
            HANG_TIMEOUT,
            "--hosts",
            liveHosts() + "," + addr(downPort) + "," + addr(hanging.getLocalPort()),
            "echo",
            "hello");
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(r.code()).as(r.toString()).isEqualTo(255);
    for (TestServer s : servers) {
      assertThat(r.out()).contains(addr(s.port()) + " | hello\n");
      assertThat(r.out()).containsPattern(addr(s.port()) + " +ok +0 +\\d+ ms");
    }
    assertThat(r.out()).containsPattern(addr(downPort) + " +unreachable +- .*cannot connect");
    assertThat(r.out())
        .containsPattern(
            addr(hanging.getLocalPort()) + " +no_answer +- .*no answer within the connect timeout");
    assertThat(r.out()).contains("5 hosts: 1 no_answer, 3 ok, 1 unreachable");
    assertThat(r.err()).contains(addr(downPort) + " ! cannot connect to");
    // The hanging host costs its own connect timeout, not more.
    assertThat(ms).isLessThan(40_000);
  }

  @Test
  void fanout_json_oneObjectPerHost_liveOnesBeforeTheHangingOne() throws Exception {
    Cli.Result r =
        fleet(
            "--accept-new",
            "--json",
            "--connect-timeout",
            HANG_TIMEOUT,
            "--hosts",
            addr(hanging.getLocalPort()) + "," + addr(downPort) + "," + liveHosts(),
            "exit",
            "0");
    assertThat(r.code()).as(r.toString()).isEqualTo(255);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : r.out().strip().lines().toList()) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines).hasSize(5);
    // Printed as each host finishes: the hanging host, listed first, is settled last.
    assertThat(lines.getLast().get("status").asText()).isEqualTo("no_answer");
    assertThat(lines.getLast().get("host").asText()).isEqualTo(addr(hanging.getLocalPort()));
    assertThat(lines.stream().filter(j -> j.get("status").asText().equals("ok")).count())
        .isEqualTo(3);
    JsonNode ok =
        lines.stream().filter(j -> j.get("status").asText().equals("ok")).findFirst().orElseThrow();
    assertThat(ok.get("exit_code").asInt()).isZero();
    assertThat(ok.get("user").asText()).isEqualTo("alice");
    assertThat(ok.get("error").isNull()).isTrue();
    assertThat(ok.get("duration_ms").asLong()).isLessThan(12_000);
    assertThat(ok.has("stdout") && ok.has("stderr") && ok.has("truncated")).isTrue();
  }

  @Test
  void fanout_group_blocksInGivenOrderWithStderrApart() {
    List<String> order = new ArrayList<>(servers.stream().map(s -> addr(s.port())).toList());
    java.util.Collections.reverse(order);
    Cli.Result r = fleet("--accept-new", "--group", "--hosts", String.join(",", order), "both");
    assertThat(r.code()).as(r.toString()).isZero();
    StringBuilder expected = new StringBuilder();
    for (String h : order) {
      assertThat(r.out())
          .containsPattern(
              "== " + java.util.regex.Pattern.quote(h) + " \\(ok, exit 0, \\d+ ms\\) ==\nout\n");
    }
    int last = -1;
    for (String h : order) {
      int at = r.out().indexOf("== " + h + " ");
      assertThat(at).isGreaterThan(last);
      last = at;
    }
    assertThat(r.err()).isEqualTo("err\nerr\nerr\n");
    assertThat(expected).isEmpty();
  }

  @Test
  void fanout_oneHostFails_exit1_andTableShowsItsExitCode() {
    Path hosts = dir.resolve("hosts.txt");
    try {
      Files.writeString(
          hosts,
          "# the fleet\n"
              + addr(servers.get(0).port())
              + "   # first\n\n"
              + addr(servers.get(1).port())
              + "\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Cli.Result r = fleet("--accept-new", "--hosts-file", hosts.toString(), "exit", "3");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).containsPattern(addr(servers.get(0).port()) + " +failed +3 ");
    assertThat(r.out()).contains("2 hosts: 2 failed");
  }

  @Test
  void fanout_wrongPassword_exit252_perHost() {
    Cli.Result r =
        Cli.withStdin(
            "wrong\n",
            "exec",
            "-u",
            "alice",
            "--password-stdin",
            "--accept-new",
            "--known-hosts",
            dir.resolve("kh").toString(),
            "--client-config",
            dir.resolve("none.yaml").toString(),
            "--hosts",
            addr(servers.get(0).port()) + "," + addr(servers.get(1).port()),
            "echo",
            "x");
    assertThat(r.code()).as(r.toString()).isEqualTo(252);
    assertThat(r.out()).contains("2 hosts: 2 auth_failed");
    assertThat(r.out()).contains("invalid username or password");
  }

  @Test
  void trust_unknownHostsWithoutAcceptNew_refusedPerHostAndPasswordNeverSent() {
    int before =
        servers.get(0).auditEvents("auth_failed").size()
            + servers.get(0).auditEvents("auth_succeeded").size();
    Cli.Result r = fleet("--hosts", liveHosts(), "echo", "x");
    assertThat(r.code()).as(r.toString()).isEqualTo(255);
    assertThat(r.out()).contains("3 hosts: 3 unreachable");
    assertThat(r.err()).contains("is not in").contains("--accept-new");
    assertThat(
            servers.get(0).auditEvents("auth_failed").size()
                + servers.get(0).auditEvents("auth_succeeded").size())
        .isEqualTo(before);
    assertThat(dir.resolve("known_hosts")).doesNotExist();
  }

  @Test
  void trust_acceptNew_recordsEveryHostOnce_thenKnownHostsSuffice() throws IOException {
    assertThat(fleet("--accept-new", "--hosts", liveHosts(), "echo", "x").code()).isZero();
    List<String> known =
        Files.readAllLines(dir.resolve("known_hosts")).stream()
            .filter(l -> !l.startsWith("#"))
            .toList();
    assertThat(known).hasSize(3);
    for (TestServer s : servers) {
      assertThat(known).contains(addr(s.port()) + " " + s.fingerprint());
    }
    Cli.Result again = fleet("--hosts", liveHosts(), "echo", "x");
    assertThat(again.code()).as(again.toString()).isZero();
  }

  @Test
  void config_groupWithPinnedFingerprints_runsOnGroup_andAWrongPinIsRefused() throws IOException {
    TestServer a = servers.get(0);
    TestServer b = servers.get(1);
    Path config = dir.resolve("config.yaml");
    Files.writeString(
        config,
        """
        hosts:
          web1: {host: 127.0.0.1, port: %d, user: alice, fingerprint: "%s"}
          web2: {host: 127.0.0.1, port: %d, fingerprint: "%s"}
          evil: {host: 127.0.0.1, port: %d, fingerprint: "%s"}
        groups:
          web: [web1, web2]
          all: [web1, web2, evil]
        """
            .formatted(
                a.port(),
                a.fingerprint(),
                b.port(),
                b.fingerprint(),
                servers.get(2).port(),
                "AB".repeat(32)));
    Cli.Result r =
        Cli.withStdin(
            PW + "\n",
            "exec",
            "-u",
            "alice",
            "--password-stdin",
            "--known-hosts",
            dir.resolve("kh").toString(),
            "--client-config",
            config.toString(),
            "@web",
            "echo",
            "hi");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("web1 | hi\n").contains("web2 | hi\n");
    Cli.Result all =
        Cli.withStdin(
            PW + "\n",
            "exec",
            "-u",
            "alice",
            "--password-stdin",
            "--known-hosts",
            dir.resolve("kh").toString(),
            "--client-config",
            config.toString(),
            "@all",
            "echo",
            "hi");
    assertThat(all.code()).as(all.toString()).isEqualTo(255);
    assertThat(all.out()).containsPattern("evil +unreachable +- +\\d+ ms +TLS handshake");
    assertThat(dir.resolve("kh")).doesNotExist();
  }

  @Test
  void config_unknownGroup_usage254_namingKnownOnes() throws IOException {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "hosts:\n  web1: {}\ngroups:\n  web: [web1]\n");
    Cli.Result r = Cli.run("exec", "--client-config", config.toString(), "@db", "uptime");
    assertThat(r.code()).isEqualTo(254);
    assertThat(r.err()).contains("'@db'").contains("groups: web").contains("hosts: web1");
  }

  @Test
  void hostsFile_badLine_usage254_namingFileAndLine() throws IOException {
    Path hosts = dir.resolve("hosts.txt");
    Files.writeString(hosts, "127.0.0.1:1\nnot a host\n");
    Cli.Result r = fleet("--hosts-file", hosts.toString(), "echo", "x");
    assertThat(r.code()).isEqualTo(254);
    assertThat(r.err()).contains(hosts + " line 2").contains("'not a host'");
  }

  @Test
  void prefixed_threeHostsPrintingThousandsOfLinesAtOnce_everyLineWholeAndInOrder() {
    Cli.Result r = fleet("--accept-new", "--hosts", liveHosts(), "lines");
    assertThat(r.code()).as(r.err()).isZero();
    java.util.Map<String, Integer> next = new java.util.HashMap<>();
    java.util.regex.Pattern shape =
        java.util.regex.Pattern.compile("(127\\.0\\.0\\.1:\\d+) *\\| line-(\\d+)-x{40}");
    String body = r.out().substring(0, r.out().indexOf("\nHOST "));
    for (String line : body.lines().toList()) {
      java.util.regex.Matcher m = shape.matcher(line);
      assertThat(m.matches()).as("a whole line of one host: '%s'", line).isTrue();
      int n = Integer.parseInt(m.group(2));
      assertThat(n).as("next line of %s", m.group(1)).isEqualTo(next.getOrDefault(m.group(1), 0));
      next.put(m.group(1), n + 1);
    }
    assertThat(next.values()).containsExactly(3000, 3000, 3000);
  }

  @Test
  void noStream_outputOfEachHostPrintedWhenItEnds() {
    Cli.Result r = fleet("--accept-new", "--no-stream", "--hosts", liveHosts(), "both");
    assertThat(r.code()).as(r.toString()).isZero();
    for (TestServer s : servers) {
      assertThat(r.out()).containsPattern(addr(s.port()) + " +\\| out\n");
      assertThat(r.err()).containsPattern(addr(s.port()) + " +\\| err\n");
    }
  }

  @Test
  void parallelOne_stillRunsEveryHost() {
    Cli.Result r = fleet("--accept-new", "--parallel", "1", "--hosts", liveHosts(), "echo", "x");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("3 hosts: 3 ok");
  }
}
