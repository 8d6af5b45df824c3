package dev.rcx.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./rcx with the JDK's AOT cache: a corrupt cache, or one older than the jar, never breaks the
 * launcher nor reaches stdout. Runs the real script in a copy of the checkout's layout (the script,
 * .ci/jdk.sh, .ci/server-jvm.sh, pom.xml, and a target/rcx.jar whose manifest points at this test's
 * class path).
 */
@Timeout(180)
class LauncherAotTest {
  @TempDir Path root;

  private Path layout() throws IOException {
    Path repo = Path.of("").toAbsolutePath();
    Files.createDirectories(root.resolve(".ci"));
    Files.createDirectories(root.resolve("target"));
    Files.copy(repo.resolve("rcx"), root.resolve("rcx"));
    Files.copy(repo.resolve(".ci/jdk.sh"), root.resolve(".ci/jdk.sh"));
    Files.copy(repo.resolve(".ci/server-jvm.sh"), root.resolve(".ci/server-jvm.sh"));
    Files.copy(repo.resolve("pom.xml"), root.resolve("pom.xml"));
    root.resolve("rcx").toFile().setExecutable(true);
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.rcx.cli.Main");
    List<String> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
      urls.add(Path.of(entry).toUri().toString());
    }
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    Path jar = root.resolve("target/rcx.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out, m)) {
      j.flush();
    }
    // The jar is newer than pom.xml, and there is no src/main: the launcher does not build.
    Files.setLastModifiedTime(
        root.resolve("pom.xml"), FileTime.from(Instant.now().minusSeconds(60)));
    return jar;
  }

  private String run(String... args) throws Exception {
    return run(Map.of(), args);
  }

  private String run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(root.resolve("rcx").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("RCX_NO_AOT");
    pb.environment().remove("RCX_CLIENT_JVM_OPTS");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("stderr: %s", err).isZero();
    return out;
  }

  @Test
  void launcher_corruptCacheNewerThanJar_runsWithoutItAndStdoutStaysClean() throws Exception {
    Path jar = layout();
    Path aot = root.resolve("target/rcx.aot");
    Files.write(aot, "not an AOT cache".repeat(1000).getBytes(StandardCharsets.US_ASCII));
    Files.setLastModifiedTime(
        aot, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));

    assertThat(run("--version")).startsWith("rcx ").hasLineCount(1);
  }

  @Test
  void launcher_trainingThatFails_leavesAMarkerAndIsNotRetriedForThisJar() throws Exception {
    layout();
    Path target = root.resolve("target");
    Path failed = target.resolve("rcx.aot.failed");
    Path lock = target.resolve("rcx.aot.lock");
    // The training runs with the client's JVM flags; `rcx user` does not, so only the training
    // fails (the JVM refuses to start).
    Map<String, String> env = Map.of("RCX_CLIENT_JVM_OPTS", "-XX:+RcxNoSuchFlag");

    assertThat(run(env, "user", "--help")).contains("Usage: rcx user");
    for (int i = 0; i < 600 && !(Files.exists(failed) && !Files.exists(lock)); i++) {
      Thread.sleep(100);
    }
    assertThat(failed).exists();
    assertThat(lock).doesNotExist();
    assertThat(target.resolve("rcx.aot")).doesNotExist();
    FileTime marked = Files.getLastModifiedTime(failed);

    assertThat(run(env, "user", "--help")).contains("Usage: rcx user");
    assertThat(lock).as("no second training for this jar").doesNotExist();
    assertThat(Files.getLastModifiedTime(failed)).isEqualTo(marked);
  }

  @Test
  void launcher_cacheOlderThanJarWhileAnotherIsBeingMade_runsWithoutIt() throws Exception {
    Path jar = layout();
    Path aot = root.resolve("target/rcx.aot");
    Files.write(aot, new byte[] {1, 2, 3});
    Files.setLastModifiedTime(
        aot, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
    // A training run holds the lock, so this call starts none and must not wait for one.
    Files.createDirectory(root.resolve("target/rcx.aot.lock"));

    assertThat(run("--version")).startsWith("rcx ").hasLineCount(1);
    assertThat(Files.readAllBytes(aot)).containsExactly(1, 2, 3);
  }

  @Test
  void jvmWarning_goesToStderr_stdoutIsOnlyRcxOutput() throws Exception {
    layout();
    // No large pages are configured on these machines: the JVM warns, through its unified
    // logging, whose default output is stdout.
    String out =
        run(
            Map.of(
                "RCX_NO_AOT", "1",
                "RCX_JAVA_OPTS", "-XX:+UseLargePages -XX:LargePageSizeInBytes=1g"),
            "--version");

    assertThat(out).startsWith("rcx ").doesNotContain("warning").hasLineCount(1);
  }
}
