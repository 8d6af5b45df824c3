package dev.rcx.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher of the jlink image (packaging/bin/rcx), run for real in a layout shaped like the
 * image: bin/java (runs this test's JDK), release, lib/jvm-opts.sh (the checkout's
 * .ci/server-jvm.sh, as the dist build copies it) and a lib/app/rcx.jar whose manifest points at
 * this test's class path. The image itself, with its AOT cache, is checked by .ci/dist-check.sh.
 */
@Timeout(180)
class ImageLauncherTest {
  private static final Path REPO = Path.of("").toAbsolutePath();

  @TempDir Path root;

  private record Run(String out, String err) {}

  private Path image(int javaFeature) throws IOException {
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("lib/app"));
    Files.copy(REPO.resolve("packaging/bin/rcx"), root.resolve("bin/rcx"));
    assertThat(root.resolve("bin/rcx").toFile().setExecutable(true)).isTrue();
    // A script, not a symbolic link (which JUnit warns about when it deletes the directory).
    Path java = root.resolve("bin/java");
    Files.writeString(
        java,
        "#!/bin/sh\nexec '"
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + "' \"$@\"\n");
    assertThat(java.toFile().setExecutable(true)).isTrue();
    Files.writeString(
        root.resolve("release"),
        "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + javaFeature + ".0.1\"\nMODULES=\"java.base\"\n");
    Files.copy(REPO.resolve(".ci/server-jvm.sh"), root.resolve("lib/jvm-opts.sh"));
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.rcx.cli.Main");
    List<String> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
      urls.add(Path.of(entry).toUri().toString());
    }
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    Path jar = root.resolve("lib/app/rcx.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out, m)) {
      j.flush();
    }
    return jar;
  }

  /** A file that is not an AOT cache, at lib/rcx.aot, newer than the jar. */
  private Path corruptCache(Path jar) throws IOException {
    Path aot = root.resolve("lib/rcx.aot");
    Files.write(aot, "not an AOT cache".repeat(1000).getBytes(StandardCharsets.US_ASCII));
    Files.setLastModifiedTime(
        aot, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
    return aot;
  }

  private Run run(Path launcher, Map<String, String> env, String... args) throws Exception {
    return run(launcher, root, env, args);
  }

  private static Run run(Path launcher, Path dir, Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    for (String v :
        List.of(
            "RCX_NO_AOT",
            "RCX_JAVA_OPTS",
            "RCX_CLIENT_JVM_OPTS",
            "RCX_SERVER_JVM_OPTS",
            "JAVA_HOME")) {
      pb.environment().remove(v);
    }
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "(stderr not readable: " + e + ")";
              }
            });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("stderr: %s", err.get()).isZero();
    return new Run(out, err.get());
  }

  private static String flag(String printed, String name) {
    return printed
        .lines()
        .filter(l -> l.matches("\\s*\\S+\\s+" + name + "\\s+:?=.*"))
        .map(l -> l.replaceFirst(".*:?=\\s*(\\S+).*", "$1"))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not printed"));
  }

  @Test
  void clientSubcommands_getTheClientFlags_serverItsOwn_overridesWin() throws Exception {
    image(Runtime.version().feature());
    Path rcx = root.resolve("bin/rcx");
    Map<String, String> print = Map.of("RCX_JAVA_OPTS", "-XX:+PrintFlagsFinal");

    String client = run(rcx, print, "--version").out();
    assertThat(flag(client, "TieredStopAtLevel")).isEqualTo("1");
    assertThat(flag(client, "UseSerialGC")).isEqualTo("true");
    assertThat(flag(client, "UsePerfData")).isEqualTo("false");

    String server = run(rcx, print, "server", "--help").out();
    assertThat(flag(server, "UseSerialGC")).isEqualTo("true");
    assertThat(flag(server, "UsePerfData")).isEqualTo("true");
    assertThat(flag(server, "TieredStopAtLevel")).isEqualTo("4");
    assertThat(flag(server, "MaxHeapFreeRatio")).isEqualTo("30");

    String user = run(rcx, print, "user", "--help").out();
    assertThat(flag(user, "TieredStopAtLevel")).isEqualTo("4");
    assertThat(flag(user, "UseSerialGC")).isEqualTo("false");

    Map<String, String> override = new HashMap<>(print);
    override.put("RCX_CLIENT_JVM_OPTS", "-XX:TieredStopAtLevel=2");
    String overridden = run(rcx, override, "--version").out();
    assertThat(flag(overridden, "TieredStopAtLevel")).isEqualTo("2");
    assertThat(flag(overridden, "UseSerialGC")).isEqualTo("false");
  }

  @Test
  void corruptCache_stdoutIsExactlyTheVersionLine_andNothingOnStderr() throws Exception {
    corruptCache(image(Runtime.version().feature()));
    Path rcx = root.resolve("bin/rcx");

    Run withCache = run(rcx, Map.of(), "--version");
    Run without = run(rcx, Map.of("RCX_NO_AOT", "1"), "--version");

    assertThat(withCache.out()).startsWith("rcx ").hasLineCount(1).isEqualTo(without.out());
    assertThat(withCache.err()).isEmpty();
  }

  @Test
  void cache_passedToJdk25AndLater_notToAnOlderRuntime_norWhenOlderThanTheJar() throws Exception {
    Path jar = image(Runtime.version().feature());
    Path aot = corruptCache(jar);
    Path rcx = root.resolve("bin/rcx");
    Path log = root.resolve("aot.log");
    // The JVM logs the cache it tries to map; the launcher silences that on stdout/stderr only.
    Map<String, String> logAot = Map.of("RCX_JAVA_OPTS", "-Xlog:aot=info:file=" + log);

    run(rcx, logAot, "--version");
    assertThat(Files.readString(log)).as("JDK 25+ image").contains(aot.toString());

    Files.setLastModifiedTime(
        aot, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
    run(rcx, logAot, "--version");
    assertThat(Files.readString(log)).as("cache older than the jar").doesNotContain("rcx.aot");

    Files.writeString(
        root.resolve("release"), "JAVA_VERSION=\"21.0.5\"\n", StandardCharsets.US_ASCII);
    corruptCache(jar);
    run(rcx, logAot, "--version");
    assertThat(Files.readString(log)).as("JDK 21 image").doesNotContain("rcx.aot");
  }

  @Test
  void jvmMessages_goToStderr_neverStdout() throws Exception {
    image(Runtime.version().feature());
    // The JVM prints this error to stdout by default.
    Run run =
        run(
            root.resolve("bin/rcx"),
            Map.of("RCX_JAVA_OPTS", "-XX:SharedArchiveFile=" + root.resolve("missing.jsa")),
            "--version");

    assertThat(run.out()).startsWith("rcx ").hasLineCount(1);
    assertThat(run.err()).contains("missing.jsa");
  }

  @Test
  void launcher_findsItsImage_throughASymlinkAndFromRelativePaths() throws Exception {
    image(Runtime.version().feature());
    Path elsewhere = Files.createDirectories(root.resolve("elsewhere/bin"));
    Path link = elsewhere.resolve("rcx");
    Files.createSymbolicLink(link, root.resolve("bin/rcx"));

    assertThat(run(link, elsewhere, Map.of(), "--version").out()).startsWith("rcx ");
    assertThat(run(Path.of("./rcx"), root.resolve("bin"), Map.of(), "--version").out())
        .startsWith("rcx ");
    assertThat(run(Path.of("bin/rcx"), root, Map.of(), "--version").out()).startsWith("rcx ");
    assertThat(run(Path.of("../bin/rcx"), root.resolve("lib"), Map.of(), "--version").out())
        .startsWith("rcx ");
  }
}
