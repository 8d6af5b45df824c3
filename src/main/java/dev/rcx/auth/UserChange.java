package dev.rcx.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One change to the users file, as journaled before it is made (see {@link UserStore}).
 *
 * @param id random, to tell a change recorded twice (a crash between the audit record and the
 *     journal's truncation) from two changes
 * @param time when the change was requested
 * @param kind what changed
 * @param user the user it changed
 * @param roles the user's roles after the change (empty for a removal)
 * @param by the operating-system account that made it, as the JVM reports it
 * @param pid the process that made it
 */
public record UserChange(
    String id,
    Instant time,
    Kind kind,
    String user,
    List<String> roles,
    @Nullable String by,
    long pid) {
  public UserChange {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(user, "user");
    roles = List.copyOf(roles);
  }

  /** What a change did; {@link #wireName()} is its name in the journal and the audit log. */
  public enum Kind {
    USER_ADDED("user_added"),
    USER_REMOVED("user_removed"),
    PASSWORD_CHANGED("password_changed"),
    ROLES_CHANGED("roles_changed"),
    /** A journal line that could not be read: recorded so that it is not lost silently. */
    UNREADABLE("unreadable");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    static Kind fromWire(String name) {
      for (Kind k : values()) {
        if (k.wireName.equals(name)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown change '" + name + "'");
    }
  }
}
