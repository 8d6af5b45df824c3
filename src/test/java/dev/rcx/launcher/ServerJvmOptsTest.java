package dev.rcx.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The small-daemon JVM defaults that ./rcx gives {@code rcx server} (from .ci/server-jvm.sh): only
 * for the server, replaceable with RCX_SERVER_JVM_OPTS, a heap cap that grows with the cores
 * (Argon2id hashes one per core at once), and flags the JDK really accepts and applies; and the
 * one-shot client flags (C1 only, serial GC) for client subcommands only, replaceable with
 * RCX_CLIENT_JVM_OPTS.
 */
@Timeout(60)
class ServerJvmOptsTest {
  private static final Path REPO = Path.of("").toAbsolutePath();

  /** Sources the script, calls the function for {@code subcommand}, prints args then the arena. */
  private static List<String> opts(String subcommand, Map<String, String> env) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                "-c",
                ". .ci/server-jvm.sh; rcx_server_jvm_opts \"$1\";"
                    + " printf '%s\\n' ${RCX_JVM_ARGS[@]+\"${RCX_JVM_ARGS[@]}\"}"
                    + " \"arena=${MALLOC_ARENA_MAX:-unset}\"",
                "sh",
                subcommand)
            .directory(REPO.toFile());
    pb.environment().remove("RCX_SERVER_JVM_OPTS");
    pb.environment().remove("MALLOC_ARENA_MAX");
    pb.environment().putAll(env);
    return run(pb);
  }

  private static List<String> run(ProcessBuilder pb) throws Exception {
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().toList();
  }

  private static int expectedHeapMiB() throws Exception {
    int cores = Integer.parseInt(run(new ProcessBuilder("nproc")).getFirst().strip());
    return Math.max(256, 128 + 24 * cores);
  }

  @Test
  void server_defaults_smallInitialHeapCapByCoresSerialReturnsMemory() throws Exception {
    List<String> lines = opts("server", Map.of());
    assertThat(lines)
        .contains(
            "-XX:+UseSerialGC",
            "-Xms16m",
            "-Xmx" + expectedHeapMiB() + "m",
            "-XX:MaxHeapFreeRatio=30",
            "arena=2");
  }

  @Test
  void otherSubcommands_getNoDaemonFlags() throws Exception {
    assertThat(opts("exec", Map.of())).containsExactly("arena=unset");
    assertThat(opts("bench", Map.of())).containsExactly("arena=unset");
  }

  @Test
  void override_replacesDefaultsOrEmptiesThem() throws Exception {
    assertThat(opts("server", Map.of("RCX_SERVER_JVM_OPTS", "-Xmx64m -XX:+UseG1GC")))
        .containsExactly("-Xmx64m", "-XX:+UseG1GC", "arena=2");
    assertThat(opts("server", Map.of("RCX_SERVER_JVM_OPTS", ""))).containsExactly("arena=2");
    assertThat(opts("server", Map.of("MALLOC_ARENA_MAX", "8"))).contains("arena=8");
  }

  /** Both functions as ./rcx calls them: server flags, then client flags. */
  private static List<String> launcherOpts(String subcommand, Map<String, String> env)
      throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                "-c",
                ". .ci/server-jvm.sh; rcx_server_jvm_opts \"$1\"; rcx_client_jvm_opts \"$1\";"
                    + " printf '%s\\n' ${RCX_JVM_ARGS[@]+\"${RCX_JVM_ARGS[@]}\"}",
                "sh",
                subcommand)
            .directory(REPO.toFile());
    pb.environment().remove("RCX_SERVER_JVM_OPTS");
    pb.environment().remove("RCX_CLIENT_JVM_OPTS");
    pb.environment().putAll(env);
    return run(pb).stream().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void clientRuns_getC1SerialGcNoPerfData_othersKeepTheirs() throws Exception {
    List<String> client =
        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData");
    for (String sub : List.of("exec", "login", "logout", "status", "shell", "--version", "")) {
      assertThat(launcherOpts(sub, Map.of())).as(sub).containsExactlyElementsOf(client);
    }
    for (String sub : List.of("bench", "demo", "user", "audit", "policy")) {
      assertThat(launcherOpts(sub, Map.of())).as(sub).isEmpty();
    }
    assertThat(launcherOpts("server", Map.of()))
        .contains("-XX:+UseSerialGC", "-Xms16m")
        .doesNotContain("-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");
  }

  @Test
  void clientOverride_replacesOrEmptiesThem() throws Exception {
    assertThat(launcherOpts("exec", Map.of("RCX_CLIENT_JVM_OPTS", "-Xint -Xmx32m")))
        .containsExactly("-Xint", "-Xmx32m");
    assertThat(launcherOpts("exec", Map.of("RCX_CLIENT_JVM_OPTS", ""))).isEmpty();
  }

  @Test
  void clientDefaults_acceptedAndAppliedByTheJdk() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(launcherOpts("exec", Map.of()));
    cmd.addAll(Arrays.asList("-XX:+PrintFlagsFinal", "-version"));
    List<String> printed = run(new ProcessBuilder(cmd));
    assertThat(flag(printed, "TieredStopAtLevel")).isEqualTo("1");
    assertThat(flag(printed, "UseSerialGC")).isEqualTo("true");
    assertThat(flag(printed, "UsePerfData")).isEqualTo("false");
  }

  @Test
  void defaults_acceptedAndAppliedByTheJdk() throws Exception {
    List<String> flags = new ArrayList<>(opts("server", Map.of()));
    flags.removeIf(f -> f.startsWith("arena="));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    cmd.addAll(Arrays.asList("-XX:+PrintFlagsFinal", "-version"));
    List<String> printed = run(new ProcessBuilder(cmd));
    assertThat(flag(printed, "MaxHeapSize")).isEqualTo(expectedHeapMiB() * 1024L * 1024L + "");
    assertThat(flag(printed, "UseSerialGC")).isEqualTo("true");
    assertThat(flag(printed, "UseG1GC")).isEqualTo("false");
    assertThat(flag(printed, "MaxHeapFreeRatio")).isEqualTo("30");
    assertThat(flag(printed, "TieredStopAtLevel")).as("C2 for the daemon").isEqualTo("4");
  }

  /** Sources the script, calls the bench function for {@code subcommand}, prints what it set. */
  private static List<String> benchOpts(String subcommand, Map<String, String> env)
      throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                "-c",
                ". .ci/server-jvm.sh; RCX_JVM_ARGS=(); rcx_bench_server_jvm_opts \"$1\";"
                    + " printf '%s\\n' \"servers=${RCX_BENCH_SERVER_JVM_OPTS-unset}\""
                    + " \"own=${RCX_JVM_ARGS[*]}\" \"arena=${MALLOC_ARENA_MAX:-unset}\"",
                "sh",
                subcommand)
            .directory(REPO.toFile());
    pb.environment().remove("RCX_SERVER_JVM_OPTS");
    pb.environment().remove("RCX_BENCH_SERVER_JVM_OPTS");
    pb.environment().remove("MALLOC_ARENA_MAX");
    pb.environment().putAll(env);
    return run(pb);
  }

  @Test
  void bench_passesTheServersFlagsToItsServerProcesses_keepsItsOwnJvmDefaults() throws Exception {
    String server =
        String.join(
            " ", opts("server", Map.of()).stream().filter(f -> !f.startsWith("arena=")).toList());

    assertThat(benchOpts("bench", Map.of()))
        .containsExactly("servers=" + server, "own=", "arena=2");
    assertThat(benchOpts("bench", Map.of("RCX_SERVER_JVM_OPTS", "-Xmx64m")))
        .containsExactly("servers=-Xmx64m", "own=", "arena=2");
    assertThat(benchOpts("bench", Map.of("RCX_BENCH_SERVER_JVM_OPTS", "-Xmx99m")))
        .containsExactly("servers=-Xmx99m", "own=", "arena=unset");
    assertThat(benchOpts("server", Map.of()))
        .containsExactly("servers=unset", "own=", "arena=unset");
    assertThat(benchOpts("exec", Map.of())).containsExactly("servers=unset", "own=", "arena=unset");
  }

  private static String flag(List<String> printed, String name) {
    return printed.stream()
        .map(String::strip)
        .map(l -> l.split("\\s+"))
        .filter(f -> f.length >= 4 && f[1].equals(name))
        .map(f -> f[3])
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not printed"));
  }
}
