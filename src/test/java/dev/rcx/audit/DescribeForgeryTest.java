package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The class of "a client-controlled field forges structure in {@code rcx audit tail}": for every
 * event type and every text field (including each argv element), a hostile value must render as one
 * quoted value, so the rendered line has the same shape as with a harmless value, and no invisible
 * or line-breaking character reaches the screen.
 */
@Timeout(30)
class DescribeForgeryTest {
  /** Values that try to end the line, start a field, hide or reorder text. */
  static final List<String> HOSTILE =
      List.of(
          "admin@203.0.113.9:51515 reason=bad_password x",
          "alice s=deadbeef argv=[/bin/sh, -c, id] exit=0",
          "a\nb",
          "a\r\n2026-11-27T10:00:00Z #43 auth_succeeded root@10.0.0.1:22",
          "line\u2028sep",
          "para\u2029sep",
          "next\u0085line",
          "zero\u200bwidth",
          "join\u200d\u2060",
          "bom\ufeff",
          "rlo\u202egnp.exe",
          "iso\u2066late\u2069",
          "alm\u061c",
          "esc\u001b[2J\u001b]0;title\u0007",
          "nbsp\u00a0x",
          "ideo\u3000space",
          "soft\u00adhyphen",
          "tag\uDB40\uDC01",
          "private\uDB80\uDC00",
          "lone\ud800",
          "lone\udfff",
          "quote\"x",
          "back\\u0041slash\\",
          "k=v",
          "[x]",
          "a, b",
          "@",
          "");

  /** Forces quoting, so its rendering is the shape every hostile value must have too. */
  private static final String HARMLESS = "a b";

  private static final Pattern INVISIBLE =
      Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Co}\\p{Cn}\\p{Cs}]|[\\p{Zs}&&[^ ]]");

  @Test
  void describe_everyTextFieldOfEveryEvent_hostileValueKeepsTheLineShape() throws Exception {
    int checked = 0;
    for (Class<?> type : AuditEvent.class.getPermittedSubclasses()) {
      RecordComponent[] parts = type.getRecordComponents();
      Object[] base = baseValues(type);
      for (int i = 0; i < parts.length; i++) {
        if (!isText(parts[i])) {
          continue;
        }
        Object[] harmless = with(base, i, parts[i], HARMLESS);
        if (build(type, harmless) == null) {
          continue; // a value from a closed set, validated by the constructor: not client text
        }
        String expected = shape(render(build(type, harmless)));
        for (String hostile : HOSTILE) {
          AuditEvent e = build(type, with(base, i, parts[i], hostile));
          if (e == null) {
            continue;
          }
          String shown = render(e);
          String where = type.getSimpleName() + "." + parts[i].getName() + " = " + escape(hostile);
          assertThat(shape(shown)).as(where + " renders as " + shown).isEqualTo(expected);
          assertThat(INVISIBLE.matcher(shown).find())
              .as(where + " leaves an invisible character in " + escape(shown))
              .isFalse();
          checked++;
        }
      }
    }
    assertThat(checked).as("hostile renderings checked").isGreaterThan(300);
  }

  @Test
  void describe_forgedUserName_isQuotedBeforeTheClient() {
    String shown =
        render(
            new AuditEvent.AuthFailed(
                "198.51.100.7:40000",
                "admin@203.0.113.9:51515 reason=bad_password x",
                "unknown_user"));
    assertThat(shown)
        .endsWith(
            "auth_failed \"admin@203.0.113.9:51515 reason=bad_password x\"@198.51.100.7:40000"
                + " reason=unknown_user");
  }

  @Test
  void describe_backslashInValue_isEscapedSoEscapesCannotBeFaked() {
    String shown = render(new AuditEvent.AuthFailed("10.0.0.1:1", "a\\u202eb", "x"));
    assertThat(shown).contains("\"a\\\\u202eb\"@");
  }

  // ------------------------------------------------------------------ helpers

  static String render(AuditEvent e) {
    byte[] body = RecordEncoder.body(e);
    byte[] line = RecordEncoder.line(7, Instant.parse("2026-11-27T10:00:00Z"), body, Hashes.ZERO);
    return AuditLog.describe(new String(line, StandardCharsets.UTF_8));
  }

  /** The line with every quoted value replaced by {@code Q}: what a reader parses as structure. */
  static String shape(String rendered) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < rendered.length(); i++) {
      char c = rendered.charAt(i);
      if (c != '"') {
        out.append(c);
        continue;
      }
      int j = i + 1;
      while (j < rendered.length() && rendered.charAt(j) != '"') {
        j += rendered.charAt(j) == '\\' ? 2 : 1;
      }
      out.append('Q');
      i = j;
      if (rendered.startsWith("..", i + 1)) {
        i += 2; // a cut session id: the cut is shape-neutral
      }
    }
    return out.toString();
  }

  private static boolean isText(RecordComponent c) {
    return c.getType() == String.class || c.getType() == List.class;
  }

  private static Object[] with(Object[] base, int i, RecordComponent c, String value) {
    Object[] v = base.clone();
    v[i] = c.getType() == List.class ? List.of("/usr/bin/true", value, "end") : value;
    return v;
  }

  /**
   * Values every constructor accepts: plain text, or a constant of the event where one is needed.
   */
  private static Object[] baseValues(Class<?> type) throws Exception {
    RecordComponent[] parts = type.getRecordComponents();
    List<List<Object>> candidates = new ArrayList<>();
    for (RecordComponent p : parts) {
      candidates.add(candidatesFor(type, p));
    }
    int[] pick = new int[parts.length];
    for (int attempt = 0; attempt < 200; attempt++) {
      Object[] values = new Object[parts.length];
      for (int i = 0; i < parts.length; i++) {
        values[i] = candidates.get(i).get(pick[i]);
      }
      try {
        canonical(type).newInstance(values);
        return values;
      } catch (InvocationTargetException e) {
        if (!(e.getCause() instanceof IllegalArgumentException iae)) {
          throw e;
        }
        int bad = blamed(parts, iae.getMessage());
        if (bad < 0 || pick[bad] + 1 >= candidates.get(bad).size()) {
          throw new AssertionError(
              "cannot build a sample " + type.getSimpleName() + ": " + iae.getMessage());
        }
        pick[bad]++;
      }
    }
    throw new AssertionError("cannot build a sample " + type.getSimpleName());
  }

  private static List<Object> candidatesFor(Class<?> type, RecordComponent p) throws Exception {
    Class<?> t = p.getType();
    if (t == long.class || t == Long.class) {
      return List.of(1L);
    }
    if (t == int.class || t == Integer.class) {
      return List.of(0);
    }
    if (t == boolean.class || t == Boolean.class) {
      return List.of(false);
    }
    if (t == List.class) {
      return List.of(List.of("/usr/bin/true", "x"));
    }
    if (t == java.util.Map.class) {
      return List.of(java.util.Map.of("command_started", 1L)); // counts keyed by event name
    }
    List<Object> out = new ArrayList<>(List.of("v"));
    for (var f : type.getFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      Object v = f.get(null);
      if (v instanceof String s) {
        out.add(s);
      } else if (v instanceof List<?> l) {
        l.stream().filter(String.class::isInstance).forEach(out::add);
      }
    }
    out.addAll(Arrays.asList("TOKEN_EXPIRED", "INVALID_TOKEN"));
    return out;
  }

  private static int blamed(RecordComponent[] parts, String message) {
    String m = String.valueOf(message).toLowerCase(Locale.ROOT);
    for (int i = 0; i < parts.length; i++) {
      if (m.contains("." + snake(parts[i].getName()) + " ")) {
        return i;
      }
    }
    return -1;
  }

  private static String snake(String camel) {
    return camel.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
  }

  private static AuditEvent build(Class<?> type, Object[] values) throws Exception {
    try {
      return (AuditEvent) canonical(type).newInstance(values);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException) {
        return null;
      }
      throw e;
    }
  }

  private static Constructor<?> canonical(Class<?> type) throws NoSuchMethodException {
    Class<?>[] types =
        Arrays.stream(type.getRecordComponents())
            .map(RecordComponent::getType)
            .toArray(Class<?>[]::new);
    return type.getDeclaredConstructor(types);
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .forEach(
            cp -> {
              if (cp < 0x20 || cp > 0x7e) {
                b.append(String.format("\\u{%x}", cp));
              } else {
                b.append((char) cp);
              }
            });
    return b.toString();
  }
}
