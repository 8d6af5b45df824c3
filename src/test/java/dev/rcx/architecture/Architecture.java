package dev.rcx.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

  /**
   * The public API (docs/ARCHITECTURE.md, "Public API"): packages whose public types are meant for
   * code outside rcx. Every other package is internal: its types are public only where another rcx
   * package (or a test in one) uses them.
   */
  static final Set<String> API_PACKAGES = Set.of("client", "protocol");

  /** Audit verification: the audit types that are public API (with {@code AuditLog.verify}). */
  static final Set<String> API_AUDIT_TYPES =
      Set.of("AuditFiles", "VerifyResult", "KeyedVerifyResult", "FilesVerifyResult");

  /**
   * Public types of internal packages used only from outside this build, so no imported class shows
   * their use: type name below the root -> who uses it.
   */
  static final Map<String, String> PUBLIC_FOR_OUTSIDE =
      Map.of(
          "bench.Latency", "bench/openssh (a separate Maven project on the rcx jar)",
          "bench.Machine", "bench/openssh (a separate Maven project on the rcx jar)");

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

  /** Whether {@code c} is part of the public API below {@code root}. */
  static boolean isApi(String root, JavaClass c) {
    String pkg = c.getPackageName();
    for (String api : API_PACKAGES) {
      if (pkg.equals(root + "." + api) || pkg.startsWith(root + "." + api + ".")) {
        return true;
      }
    }
    if (pkg.equals(root + ".audit")) {
      String top = c.getName().substring(pkg.length() + 1).split("\\$", -1)[0];
      return API_AUDIT_TYPES.contains(top);
    }
    return false;
  }

  /**
   * The API stands alone: public and protected members of the public API's public types mention
   * only JDK, JSpecify and API types, so a caller never needs an internal package.
   */
  static ArchRule apiExposesOnlyApiTypes(String root) {
    return classes()
        .that(
            DescribedPredicate.describe(
                "are public types of the public API",
                c -> c.getModifiers().contains(JavaModifier.PUBLIC) && isApi(root, c)))
        .should(
            new ArchCondition<JavaClass>(
                "mention only JDK, JSpecify and public API types in their public signatures") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                for (JavaMember m : c.getMembers()) {
                  Set<JavaModifier> mods = m.getModifiers();
                  if (!(mods.contains(JavaModifier.PUBLIC) || mods.contains(JavaModifier.PROTECTED))
                      || mods.contains(JavaModifier.SYNTHETIC)
                      || mods.contains(JavaModifier.BRIDGE)) {
                    continue;
                  }
                  for (JavaClass t : signatureTypes(m)) {
                    if (!allowedInApi(root, t)) {
                      events.add(
                          SimpleConditionEvent.violated(
                              m,
                              m.getFullName()
                                  + " exposes the internal type "
                                  + t.getName()
                                  + " in the public API (docs/ARCHITECTURE.md, Public API)"));
                    }
                  }
                }
              }
            })
        .allowEmptyShould(true);
  }

  private static Set<JavaClass> signatureTypes(JavaMember m) {
    Set<JavaClass> types = new java.util.LinkedHashSet<>();
    if (m instanceof JavaField f) {
      types.addAll(f.getType().getAllInvolvedRawTypes());
    } else if (m instanceof JavaCodeUnit u) {
      types.addAll(u.getReturnType().getAllInvolvedRawTypes());
      u.getParameterTypes().forEach(p -> types.addAll(p.getAllInvolvedRawTypes()));
      u.getThrowsClause().getTypes().forEach(types::add);
    }
    return types;
  }

  private static boolean allowedInApi(String root, JavaClass t) {
    JavaClass base = t;
    while (base.isArray()) {
      base = base.getComponentType();
    }
    String name = base.getName();
    return base.isPrimitive()
        || name.startsWith("java.")
        || name.startsWith("javax.")
        || name.startsWith("org.jspecify.")
        || (name.startsWith(root + ".") && isApi(root, base));
  }

  /**
   * Public only where needed: a public top-level type of an internal package is used from another
   * rcx package (main or test code), appears in a public signature of a type that is, is an entry
   * point ({@code main}) that a launcher starts by name, or is listed in {@link
   * #PUBLIC_FOR_OUTSIDE}; otherwise it should be package-private. Checked over the classes that
   * {@code checked} selects (main classes, when tests are imported too only to count as users).
   */
  static ArchRule publicOnlyWhereUsed(String root, DescribedPredicate<JavaClass> checked) {
    Set<String> internal = new TreeSet<>(MAY_USE.keySet());
    internal.removeAll(API_PACKAGES);
    String[] packages = internal.stream().map(p -> root + "." + p + "..").toArray(String[]::new);
    return classes()
        .that()
        .resideInAnyPackage(packages)
        .and()
        .arePublic()
        .and()
        .areTopLevelClasses()
        .and(checked)
        .and(
            DescribedPredicate.describe("are not the audit verification API", c -> !isApi(root, c)))
        .should(
            new ArchCondition<JavaClass>(
                "be used from another rcx package (else package-private)") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                String below = c.getName().substring(root.length() + 1);
                if (PUBLIC_FOR_OUTSIDE.containsKey(below)
                    || isEntryPoint(c)
                    || usedFromAnotherPackage(root, c)
                    || inSignatureOfUsedType(root, c)) {
                  return;
                }
                events.add(
                    SimpleConditionEvent.violated(
                        c,
                        c.getName()
                            + " is public but no class outside "
                            + c.getPackageName()
                            + " uses it: make it package-private"));
              }
            })
        .allowEmptyShould(true);
  }

  /** A class with {@code public static void main(String[])}: started by name by a launcher. */
  private static boolean isEntryPoint(JavaClass c) {
    return c.getMethods().stream()
        .anyMatch(
            m ->
                m.getName().equals("main")
                    && m.getModifiers()
                        .containsAll(Set.of(JavaModifier.PUBLIC, JavaModifier.STATIC))
                    && m.getRawParameterTypes().size() == 1
                    && m.getRawParameterTypes().get(0).getName().equals("[Ljava.lang.String;"));
  }

  /**
   * Whether a public member of another public type of the package, itself used from another
   * package, names {@code c} in its signature (a parameter type of a method the server calls, for
   * instance: callers pass a lambda or read a value without naming the type).
   */
  private static boolean inSignatureOfUsedType(String root, JavaClass c) {
    for (JavaClass d : c.getPackage().getClasses()) {
      if (d.equals(c) || !d.getModifiers().contains(JavaModifier.PUBLIC)) {
        continue;
      }
      JavaClass top = d;
      while (top.getEnclosingClass().isPresent()) {
        top = top.getEnclosingClass().get();
      }
      if (top.equals(c) || !usedFromAnotherPackage(root, top)) {
        continue;
      }
      for (JavaMember m : d.getMembers()) {
        if (m.getModifiers().contains(JavaModifier.PUBLIC) && signatureTypes(m).contains(c)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean usedFromAnotherPackage(String root, JavaClass c) {
    String prefix = c.getName() + "$";
    List<JavaClass> selfAndNested = new ArrayList<>();
    selfAndNested.add(c);
    for (JavaClass other : c.getPackage().getClasses()) {
      if (other.getName().startsWith(prefix)) {
        selfAndNested.add(other);
      }
    }
    for (JavaClass target : selfAndNested) {
      boolean used =
          target.getDirectDependenciesToSelf().stream()
              .map(d -> d.getOriginClass().getPackageName())
              .anyMatch(p -> !p.equals(c.getPackageName()) && p.startsWith(root + "."));
      if (used) {
        return true;
      }
    }
    return false;
  }
}
