package dev.rcx.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JDK choice shared by ./mvnw, ./rcx and .ci/run: JAVA_HOME if >= 21, else the newest under the
 * JVM root if >= 21, else javac on PATH if >= 21, else an error. The picker runs under bash (./rcx)
 * and POSIX sh (./mvnw); the wrapper itself is run too, with JAVA_HOME unset.
 */
@Timeout(120)
class JdkPickerTest {
  @TempDir Path tmp;

  private record Result(int exit, String out, String err) {}

  private static final Path REPO = Path.of("").toAbsolutePath();

  private Result run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile());
    pb.environment().remove("JAVA_HOME");
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Path outFile = tmp.resolve("out.txt");
    Path errFile = tmp.resolve("err.txt");
    pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    return new Result(
        p.exitValue(),
        Files.readString(outFile, StandardCharsets.UTF_8).strip(),
        Files.readString(errFile, StandardCharsets.UTF_8).strip());
  }

  private Result pick(String shell, Map<String, String> env)
      throws IOException, InterruptedException {
    return run(List.of(shell, "-c", ". .ci/jdk.sh && rcx_pick_jdk && echo \"$JAVA_HOME\""), env);
  }

  /**
   * A fake JDK directory whose release file claims {@code version}; its java prints who it is, so a
   * test sees which JDK ran Maven.
   */
  private Path fakeJdk(Path root, String name, String version) throws IOException {
    Path jdk = Files.createDirectories(root.resolve(name).resolve("bin"));
    for (String tool : new String[] {"java", "javac"}) {
      Path f = jdk.resolve(tool);
      Files.writeString(f, "#!/bin/sh\necho \"ran $0\"\n");
      f.toFile().setExecutable(true);
    }
    Files.writeString(root.resolve(name).resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    return root.resolve(name);
  }

  /**
   * An environment whose PATH starts with a javac from {@code pathJdk}, so the real machine's javac
   * does not decide the outcome.
   */
  private Map<String, String> env(Path root, Path pathJdk, String... more) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("pathbin-" + pathJdk.getFileName()));
    Path link = bin.resolve("javac");
    if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(link, pathJdk.resolve("bin").resolve("javac"));
    }
    Map<String, String> env = new HashMap<>();
    env.put("RCX_JVM_ROOT", root.toString());
    env.put("PATH", bin + ":/usr/bin:/bin");
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  @ParameterizedTest
  @ValueSource(strings = {"bash", "sh"})
  void pick_javaHomeUnset_choosesNewestUnderRoot(String shell) throws Exception {
    Path root = tmp.resolve("jvm");
    Path old = fakeJdk(root, "jdk-17", "17.0.15");
    Path newest = fakeJdk(root, "jdk-25", "25.0.3");
    fakeJdk(root, "jdk-21", "21.0.2");
    Result r = pick(shell, env(root, old));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(newest.toString());
    assertThat(r.err()).as("JAVA_HOME was unset: nothing overridden, nothing to say").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bash", "sh"})
  void pick_javaHome17_fallsBackToNewestAndSaysSo(String shell) throws Exception {
    Path root = tmp.resolve("jvm");
    Path old = fakeJdk(root, "jdk-17", "17.0.15");
    Path newest = fakeJdk(root, "jdk-21", "21.0.2");
    Result r = pick(shell, env(root, old, "JAVA_HOME", old.toString()));
    assertThat(r.out()).isEqualTo(newest.toString());
    assertThat(r.err()).contains("JAVA_HOME=" + old, "using " + newest);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bash", "sh"})
  void pick_javaHome21_isKept(String shell) throws Exception {
    Path root = tmp.resolve("jvm");
    Path old = fakeJdk(root, "jdk-17", "17.0.15");
    fakeJdk(root, "jdk-25", "25.0.3");
    Path mine = fakeJdk(tmp, "my-jdk", "21.0.2");
    Result r = pick(shell, env(root, old, "JAVA_HOME", mine.toString()));
    assertThat(r.out()).isEqualTo(mine.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bash", "sh"})
  void pick_newestUnderRoot_winsOverJavacOnPath21(String shell) throws Exception {
    Path root = tmp.resolve("jvm");
    Path newest = fakeJdk(root, "jdk-25", "25.0.3");
    Path onPath = fakeJdk(tmp.resolve("sdk"), "jdk-22", "22.0.1");
    Result r = pick(shell, env(root, onPath));
    assertThat(r.out()).isEqualTo(newest.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bash", "sh"})
  void pick_javacOnPath21_isUsedWhenNoneUnderRootIs21(String shell) throws Exception {
    Path root = tmp.resolve("jvm");
    fakeJdk(root, "jdk-17", "17.0.15");
    Path onPath = fakeJdk(tmp.resolve("sdk"), "jdk-22", "22.0.1");
    Result r = pick(shell, env(root, onPath));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(onPath.toString());
    assertThat(r.err()).isEmpty();
  }

  /**
   * ./rcx picks the JDK on every call: with JAVA_HOME unset and a JDK under the root, the picker
   * runs no other program (each fork and exec cost ~7 ms of a one-shot {@code rcx exec}). PATH
   * holds only a javac and a readlink that leaves a mark if it is run.
   */
  @Test
  void pick_jdkUnderRoot_runsNoOtherProgram() throws Exception {
    Path root = tmp.resolve("jvm");
    Path newest = fakeJdk(root, "jdk-25", "25.0.3");
    Path onPath = fakeJdk(tmp.resolve("sdk"), "jdk-17", "17.0.15");
    Map<String, String> env = env(root, onPath);
    Path bin = tmp.resolve("pathbin-" + onPath.getFileName());
    Path mark = tmp.resolve("readlink-ran");
    for (String tool : new String[] {"readlink", "dirname", "sed"}) {
      Path f = bin.resolve(tool);
      Files.writeString(f, "#!/bin/sh\necho " + tool + " >> " + mark + "\nexit 1\n");
      f.toFile().setExecutable(true);
    }
    Result r = pick("bash", env);
    assertThat(r.out()).isEqualTo(newest.toString());
    assertThat(mark).as("no external program ran").doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bash", "sh"})
  void pick_bogusJavaHome_fallsBackToNewest(String shell) throws Exception {
    Path root = tmp.resolve("jvm");
    Path old = fakeJdk(root, "jdk-17", "17.0.15");
    Path newest = fakeJdk(root, "jdk-25", "25.0.3");
    Result r = pick(shell, env(root, old, "JAVA_HOME", "/no/such/jdk"));
    assertThat(r.out()).isEqualTo(newest.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bash", "sh"})
  void pick_noJdk21Anywhere_failsWithClearError(String shell) throws Exception {
    Path root = tmp.resolve("jvm");
    Path old = fakeJdk(root, "jdk-17", "17.0.15");
    Result r = pick(shell, env(root, old, "JAVA_HOME", old.toString()));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("needs a JDK 21 or newer").contains(old.toString());
    assertThat(r.err()).contains("set JAVA_HOME");
  }

  @Test
  void pick_realMachine_findsAJdkOf21OrNewer() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/usr/lib/jvm")), "no /usr/lib/jvm on this machine");
    Result r = pick("bash", Map.of());
    assertThat(r.exit()).isZero();
    assertThat(Files.readString(Path.of(r.out(), "release")))
        .containsPattern("JAVA_VERSION=\"(2[1-9]|[3-9][0-9])");
  }

  // The wrapper: `./mvnw` must run Maven on the picked JDK, not on whatever java is first on PATH.

  @Test
  void mvnw_javaHomeUnset_runsMavenOnNewestJdkUnderRoot() throws Exception {
    Path root = tmp.resolve("jvm");
    Path old = fakeJdk(root, "jdk-17", "17.0.15");
    Path newest = fakeJdk(root, "jdk-25", "25.0.3");
    Result r = run(List.of("./mvnw", "-v"), env(root, old));
    assertThat(r.out()).contains("ran " + newest.resolve("bin/java"));
  }

  @Test
  void mvnw_noJdk21Anywhere_failsBeforeMavenWithClearError() throws Exception {
    Path root = tmp.resolve("jvm");
    Path old = fakeJdk(root, "jdk-17", "17.0.15");
    Result r = run(List.of("./mvnw", "-v"), env(root, old));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).doesNotContain("ran ");
    assertThat(r.err()).contains("needs a JDK 21 or newer", "JAVA_HOME=<unset>");
  }

  @Test
  void mvnw_realMachine_defaultJavaFirstOnPath_runsMavenOnJdk21OrNewer() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/usr/lib/jvm")), "no /usr/lib/jvm on this machine");
    // The machine's default java first on PATH (17 on CI's machines), JAVA_HOME unset.
    Result r = run(List.of("./mvnw", "-B", "-v"), Map.of());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("Java version: (2[1-9]|[3-9][0-9])");
  }
}
