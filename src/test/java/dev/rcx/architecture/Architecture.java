package dev.rcx.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one statement of rcx's package structure: which package may use which, and which libraries
 * stay inside which package. docs/ARCHITECTURE.md shows {@link #MAY_USE} (ArchitectureTest checks
 * that the two agree), and {@link #rules} turns both tables into ArchUnit rules over any root
 * package, so the same rules can be shown to fail on a planted violation.
 */
final class Architecture {
  private Architecture() {}

  /**
   * rcx package (below the root) -> the rcx packages its classes may use. Order is the docs' order.
   */
  static final Map<String, Set<String>> MAY_USE = new LinkedHashMap<>();

  static {
    MAY_USE.put("files", Set.of());
    MAY_USE.put("protocol", Set.of());
    MAY_USE.put("config", Set.of());
    MAY_USE.put("tls", Set.of("files"));
    MAY_USE.put("auth", Set.of("files"));
    MAY_USE.put("spawn", Set.of());
    MAY_USE.put("exec", Set.of("spawn"));
    MAY_USE.put("audit", Set.of("files"));
    MAY_USE.put("metrics", Set.of());
    MAY_USE.put("syslog", Set.of("files", "config", "tls", "audit"));
    MAY_USE.put(
        "server",
        Set.of("protocol", "config", "tls", "auth", "exec", "audit", "metrics", "syslog"));
    MAY_USE.put("client", Set.of("files", "protocol", "config", "tls"));
    MAY_USE.put("fanout", Set.of("config"));
    MAY_USE.put("bench", Set.of("protocol", "config", "tls", "auth", "client", "server"));
    MAY_USE.put(
        "cli",
        Set.of(
            "files",
            "protocol",
            "config",
            "tls",
            "auth",
            "exec",
            "audit",
            "metrics",
            "server",
            "client",
            "fanout",
            "bench"));
  }

  /** A library (by its Java package) and the rcx packages that alone may import it. */
  record Confined(String library, String libraryPackage, Set<String> onlyIn) {}

  static final List<Confined> CONFINED =
      List.of(
          new Confined("picocli", "picocli..", Set.of("cli")),
          new Confined("JLine", "org.jline..", Set.of("cli")),
          new Confined("XChart", "org.knowm.xchart..", Set.of("bench")),
          new Confined("progressbar", "me.tongfei.progressbar..", Set.of("bench")),
          new Confined("the Prometheus client", "io.prometheus..", Set.of("metrics")));

  /** Packages that must not touch a logging framework, so a one-shot client starts lean. */
  static final Set<String> NO_LOGGING = Set.of("protocol", "client", "fanout");

  static List<ArchRule> rules(String root) {
    List<ArchRule> rules = new ArrayList<>();
    String[] known =
        MAY_USE.keySet().stream().map(p -> root + "." + p + "..").toArray(String[]::new);
    rules.add(
        classes()
            .that()
            .resideInAPackage(root + "..")
            .should()
            .resideInAnyPackage(known)
            .because(
                "every package appears in the dependency table (test/.../architecture/Architecture.java"
                    + " and docs/ARCHITECTURE.md): add a new package there with what it may use"));
    for (Map.Entry<String, Set<String>> e : MAY_USE.entrySet()) {
      String[] forbidden =
          MAY_USE.keySet().stream()
              .filter(p -> !p.equals(e.getKey()) && !e.getValue().contains(p))
              .map(p -> root + "." + p + "..")
              .toArray(String[]::new);
      if (forbidden.length == 0) {
        continue;
      }
      rules.add(
          noClasses()
              .that()
              .resideInAPackage(root + "." + e.getKey() + "..")
              .should()
              .dependOnClassesThat()
              .resideInAnyPackage(forbidden)
              .because(
                  e.getKey()
                      + " may use only "
                      + (e.getValue().isEmpty() ? "no other rcx package" : e.getValue())
                      + " (docs/ARCHITECTURE.md)"));
    }
    rules.add(slices().matching(root + ".(*)..").should().beFreeOfCycles());
    for (Confined c : CONFINED) {
      String[] outside = c.onlyIn().stream().map(p -> root + "." + p + "..").toArray(String[]::new);
      rules.add(
          noClasses()
              .that()
              .resideInAPackage(root + "..")
              .and()
              .resideOutsideOfPackages(outside)
              .should()
              .dependOnClassesThat()
              .resideInAPackage(c.libraryPackage())
              .because(c.library() + " belongs to " + c.onlyIn() + " only"));
    }
    String[] lean = NO_LOGGING.stream().map(p -> root + "." + p + "..").toArray(String[]::new);
    rules.add(
        noClasses()
            .that()
            .resideInAnyPackage(lean)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.slf4j..", "ch.qos.logback..")
            .because("the client side starts without a logging framework"));
    return rules;
  }
}
