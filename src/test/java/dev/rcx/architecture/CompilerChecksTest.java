package dev.rcx.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compiler checks of pom.xml are live. Each test copies the real pom.xml and .mvn/jvm.config
 * into a scratch project, plants one source file in it and compiles it with the real {@code ./mvnw}
 * (offline: the build that runs this test has already fetched every plugin). The compilation must
 * fail for the planted reason, so taking Error Prone, NullAway or {@code -Werror} (for main or test
 * code) out of the pom fails these tests. Each costs a Maven start and a two-file compile (10 to 30
 * s).
 */
final class CompilerChecksTest {
  private static final Path ROOT = Path.of(System.getProperty("rcx.test.root", "target"));
  private static final long TIMEOUT_SECONDS = 300;

  @Test
  void nullAway_returnNullFromNonNullMethod_failsCompilation() throws Exception {
    String planted =
        """
        package dev.rcx.planted;

        final class PlantedNull {
          static String name(boolean known) {
            return known ? "rcx" : null;
          }
        }
        """;
    Compilation c = compile("nullaway", "PlantedNull", planted);

    assertThat(c.exitCode()).as("exit code of ./mvnw compile; output:%n%s", c.output()).isNotZero();
    assertThat(c.output())
        .contains("PlantedNull.java:[5,")
        .contains(
            "[NullAway] returning @Nullable expression from method with @NonNull return type");
  }

  @Test
  void werror_deprecatedCall_failsCompilation() throws Exception {
    // Null-clean code whose only fault is a warning: the build must refuse it (-Werror), which
    // also shows the scratch project builds but for the planted fault.
    String planted =
        """
        package dev.rcx.planted;

        final class PlantedWarning {
          static long id() {
            return Thread.currentThread().getId();
          }
        }
        """;
    Compilation c = compile("werror", "PlantedWarning", planted);

    assertThat(c.exitCode()).as("exit code of ./mvnw compile; output:%n%s", c.output()).isNotZero();
    // -q keeps the warning itself out of the output; the error names the file that had one.
    assertThat(c.output()).contains("PlantedWarning.java: warnings found and -Werror specified");
  }

  @Test
  void werror_warningInTestCode_failsTestCompilation() throws Exception {
    // Test code is held to the same bar: an Error Prone warning (DefaultCharset) in a test source.
    String planted =
        """
        package dev.rcx.planted;

        final class PlantedTestWarning {
          static byte[] bytes() {
            return "rcx".getBytes();
          }
        }
        """;
    Compilation c = compile("werror-test", "PlantedTestWarning", planted, SourceSet.TEST);

    assertThat(c.exitCode())
        .as("exit code of ./mvnw test-compile; output:%n%s", c.output())
        .isNotZero();
    assertThat(c.output())
        .contains("PlantedTestWarning.java:[5,")
        .contains("[DefaultCharset]")
        .contains("warnings found and -Werror specified");
  }

  private record Compilation(int exitCode, String output) {}

  /**
   * Where the planted file goes, the goal that compiles it, and Maven's output level: test-compile
   * runs without -q, because only then does Error Prone's warning (which -Werror turns into the
   * failure) reach the output.
   */
  private enum SourceSet {
    MAIN("src/main/java", "compile", "-q"),
    TEST("src/test/java", "test-compile", "-B");

    final String dir;
    final String goal;
    final String outputFlag;

    SourceSet(String dir, String goal, String outputFlag) {
      this.dir = dir;
      this.goal = goal;
      this.outputFlag = outputFlag;
    }
  }

  private static Compilation compile(String name, String className, String source)
      throws IOException, InterruptedException {
    return compile(name, className, source, SourceSet.MAIN);
  }

  private static Compilation compile(
      String name, String className, String source, SourceSet sourceSet)
      throws IOException, InterruptedException {
    Path project = ROOT.resolve("compiler-checks").resolve(name).toAbsolutePath();
    deleteTree(project);
    Path pkg = Files.createDirectories(project.resolve(sourceSet.dir).resolve("dev/rcx/planted"));
    Files.copy(Path.of("pom.xml"), project.resolve("pom.xml"));
    Files.createDirectories(project.resolve(".mvn"));
    Files.copy(Path.of(".mvn/jvm.config"), project.resolve(".mvn/jvm.config"));
    Files.writeString(
        pkg.resolve("package-info.java"),
        "@NullMarked\npackage dev.rcx.planted;\n\nimport org.jspecify.annotations.NullMarked;\n");
    Files.writeString(pkg.resolve(className + ".java"), source);

    Path log = project.resolve("compile.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    Path.of("mvnw").toAbsolutePath().toString(),
                    "-B",
                    "-o",
                    sourceSet.outputFlag,
                    "-f",
                    project.resolve("pom.xml").toString(),
                    sourceSet.goal))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // The JDK running this test (>= 21, with javac): the one the build itself runs on.
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          "./mvnw "
              + sourceSet.goal
              + " of the planted project took over "
              + TIMEOUT_SECONDS
              + " s; output so far:\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new Compilation(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
