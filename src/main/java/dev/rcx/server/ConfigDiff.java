package dev.rcx.server;

import dev.rcx.config.ServerConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which settings differ between two configurations, named as config-file keys ({@code
 * limits.idle_timeout}). Used by reload to say what only a restart applies.
 */
final class ConfigDiff {
  /** Settings a reload applies; every other difference needs a restart. */
  static final Set<String> RELOADABLE = Set.of("commands");

  private ConfigDiff() {}

  /** Keys whose values differ, except the reloadable ones, in declaration order. */
  static List<String> restartNeeded(ServerConfig running, ServerConfig loaded) {
    List<String> out = new ArrayList<>();
    collect("", running, loaded, out);
    out.removeIf(RELOADABLE::contains);
    return out;
  }

  private static void collect(String prefix, Record a, Record b, List<String> out) {
    for (RecordComponent c : a.getClass().getRecordComponents()) {
      Object x = value(c, a);
      Object y = value(c, b);
      String key = prefix + key(c.getName());
      if (x instanceof Record ra && y instanceof Record rb && ra.getClass() == rb.getClass()) {
        collect(key + ".", ra, rb, out);
      } else if (!Objects.equals(x, y)) {
        out.add(key);
      }
    }
  }

  private static Object value(RecordComponent c, Record r) {
    try {
      return c.getAccessor().invoke(r);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c.getName() + " of " + r, e);
    }
  }

  /** {@code idleTimeout} → {@code idle_timeout}; {@code commandsFile} → {@code commands}. */
  static String key(String component) {
    if (component.equals("commandsFile")) {
      return "commands";
    }
    if (component.equals("allowTls12")) {
      return "allow_tls12";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < component.length(); i++) {
      char ch = component.charAt(i);
      if (Character.isUpperCase(ch)) {
        b.append('_').append(Character.toLowerCase(ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }
}
