package dev.rcx.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK choice shared by ./rcx and .ci/run: JAVA_HOME if >= 21, else the newest under the JVM
 * root, else an error.
 */
@Timeout(60)
class JdkPickerTest {
  @TempDir Path tmp;

  private record Result(int exit, String out, String err) {}

  private Result pick(Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", ". .ci/jdk.sh && rcx_pick_jdk && echo \"$JAVA_HOME\"")
            .directory(Path.of("").toAbsolutePath().toFile());
    pb.environment().remove("JAVA_HOME");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out, err);
  }

  /** A fake JDK directory whose release file claims {@code version}. */
  private Path fakeJdk(Path root, String name, String version) throws IOException {
    Path jdk = Files.createDirectories(root.resolve(name).resolve("bin"));
    for (String tool : new String[] {"java", "javac"}) {
      Path f = jdk.resolve(tool);
      Files.writeString(f, "#!/bin/sh\n");
      f.toFile().setExecutable(true);
    }
    Files.writeString(root.resolve(name).resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    return root.resolve(name);
  }

  @Test
  void pick_javaHomeUnset_choosesNewestUnderRoot() throws Exception {
    Path root = tmp.resolve("jvm");
    fakeJdk(root, "jdk-17", "17.0.15");
    Path newest = fakeJdk(root, "jdk-25", "25.0.3");
    fakeJdk(root, "jdk-21", "21.0.2");
    Result r = pick(Map.of("RCX_JVM_ROOT", root.toString()));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(newest.toString());
  }

  @Test
  void pick_javaHome17_fallsBackToNewest() throws Exception {
    Path root = tmp.resolve("jvm");
    Path old = fakeJdk(root, "jdk-17", "17.0.15");
    Path newest = fakeJdk(root, "jdk-21", "21.0.2");
    Result r = pick(Map.of("RCX_JVM_ROOT", root.toString(), "JAVA_HOME", old.toString()));
    assertThat(r.out()).isEqualTo(newest.toString());
  }

  @Test
  void pick_javaHome21_isKept() throws Exception {
    Path root = tmp.resolve("jvm");
    fakeJdk(root, "jdk-25", "25.0.3");
    Path mine = fakeJdk(tmp, "my-jdk", "21.0.2");
    Result r = pick(Map.of("RCX_JVM_ROOT", root.toString(), "JAVA_HOME", mine.toString()));
    assertThat(r.out()).isEqualTo(mine.toString());
  }

  @Test
  void pick_bogusJavaHome_fallsBackToNewest() throws Exception {
    Path root = tmp.resolve("jvm");
    Path newest = fakeJdk(root, "jdk-25", "25.0.3");
    Result r = pick(Map.of("RCX_JVM_ROOT", root.toString(), "JAVA_HOME", "/no/such/jdk"));
    assertThat(r.out()).isEqualTo(newest.toString());
  }

  @Test
  void pick_noJdk21Anywhere_failsWithClearError() throws Exception {
    Path root = tmp.resolve("jvm");
    Path old = fakeJdk(root, "jdk-17", "17.0.15");
    Result r = pick(Map.of("RCX_JVM_ROOT", root.toString(), "JAVA_HOME", old.toString()));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("needs a JDK 21 or newer").contains(old.toString());
  }

  @Test
  void pick_realMachine_findsAJdkOf21OrNewer() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/usr/lib/jvm")), "no /usr/lib/jvm on this machine");
    Result r = pick(Map.of());
    assertThat(r.exit()).isZero();
    String release = Files.readString(Path.of(r.out(), "release"));
    assertThat(release).containsPattern("JAVA_VERSION=\"(2[1-9]|[3-9][0-9])");
  }
}
