package dev.rcx.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package structure of docs/ARCHITECTURE.md, checked against the compiled main classes. */
final class ArchitectureTest {
  private static JavaClasses main;
  private static JavaClasses mainAndTests;

  /** Classes compiled from src/main (tests are imported beside them only to count as users). */
  private static final DescribedPredicate<JavaClass> MAIN_CLASSES =
      DescribedPredicate.describe(
          "are main classes",
          c ->
              c.getSource()
                  .map(s -> !s.getUri().toString().contains("/test-classes/"))
                  .orElse(true));

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.rcx");
    mainAndTests =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.rcx");
  }

  @Test
  void publicApi_exposesOnlyJdkAndApiTypes() {
    Architecture.apiExposesOnlyApiTypes("dev.rcx").check(main);
  }

  @Test
  void internalPackages_publicOnlyWhereAnotherPackageUsesIt() {
    assertThat(mainAndTests.size()).isGreaterThan(main.size());
    Architecture.publicOnlyWhereUsed("dev.rcx", MAIN_CLASSES).check(mainAndTests);
  }

  @Test
  void plantedApiLeak_failsTheApiRule() {
    JavaClasses planted = new ClassFileImporter().importPackages("dev.rcx.architecture.planted");
    assertThatThrownBy(
            () ->
                Architecture.apiExposesOnlyApiTypes("dev.rcx.architecture.planted").check(planted))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("PlantedApi.server()")
        .hasMessageContaining("exposes the internal type")
        .hasMessageContaining("PlantedServer");
  }

  @Test
  void plantedUnusedPublicType_failsThePublicOnlyWhereUsedRule() {
    JavaClasses planted = new ClassFileImporter().importPackages("dev.rcx.architecture.planted");
    assertThatThrownBy(
            () ->
                Architecture.publicOnlyWhereUsed(
                        "dev.rcx.architecture.planted",
                        DescribedPredicate.describe("are any class", c -> true))
                    .check(planted))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("PlantedStray is public but no class outside")
        .hasMessageNotContaining("PlantedServer is public");
  }

  @Test
  void mainClasses_followTheDependencyTable() {
    assertThat(main.size()).as("classes imported from target/classes").isGreaterThan(100);
    for (ArchRule rule : Architecture.rules("dev.rcx")) {
      rule.check(main);
    }
  }

  @Test
  void everyPackage_hasPackageInfo_nullMarked() {
    Set<String> missing = new TreeSet<>();
    for (String name : Architecture.MAY_USE.keySet()) {
      JavaPackage pkg = main.getPackage("dev.rcx." + name);
      boolean marked =
          pkg.tryGetPackageInfo().map(info -> info.isAnnotatedWith(NullMarked.class)).orElse(false);
      if (!marked) {
        missing.add(pkg.getName());
      }
    }
    assertThat(missing)
        .as(
            "packages without a package-info.java annotated @NullMarked (say what the package is for)")
        .isEmpty();
  }

  @Test
  void plantedImport_protocolUsingServer_failsTheRules() {
    JavaClasses planted = new ClassFileImporter().importPackages("dev.rcx.architecture.planted");
    assertThatThrownBy(
            () -> {
              // The fixture has only protocol and server: rules about other packages match nothing.
              for (ArchRule rule : Architecture.rules("dev.rcx.architecture.planted")) {
                rule.allowEmptyShould(true).check(planted);
              }
            })
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("protocol may use only no other rcx package")
        .hasMessageContaining("PlantedServerCall");
  }

  @Test
  void docsTable_isTheDependencyTable() throws IOException {
    Path doc = Path.of("docs/ARCHITECTURE.md");
    Map<String, Set<String>> documented = new LinkedHashMap<>();
    Pattern row = Pattern.compile("^\\| `([a-z]+)` \\|[^|]*\\| ([^|]*) \\|.*$");
    for (String line : Files.readAllLines(doc)) {
      Matcher m = row.matcher(line);
      if (m.matches()) {
        String uses = m.group(2).replace("`", "").replace("—", "").trim();
        documented.put(
            m.group(1),
            uses.isEmpty()
                ? Set.of()
                : Arrays.stream(uses.split(","))
                    .map(String::trim)
                    .collect(Collectors.toCollection(TreeSet::new)));
      }
    }
    Map<String, Set<String>> expected = new LinkedHashMap<>();
    Architecture.MAY_USE.forEach((k, v) -> expected.put(k, new TreeSet<>(v)));
    assertThat(documented)
        .as(
            "the '| package | what lives there | may use | ...' table of %s must list exactly"
                + " Architecture.MAY_USE",
            doc)
        .containsExactlyEntriesOf(expected);
  }
}
