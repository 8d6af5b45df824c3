package dev.rcx.auth;

import java.util.Objects;
import java.util.Set;

/**
 * A user from the users file.
 *
 * @param name matches {@code [a-z_][a-z0-9_.-]{0,31}}
 * @param passwordHash the Argon2id PHC string; kept out of {@link #toString()}
 * @param roles each matching the same rule as names; stored as an unmodifiable sorted set
 */
public record User(String name, String passwordHash, Set<String> roles) {
  public User {
    Names.requireUsername(name);
    Objects.requireNonNull(passwordHash, "passwordHash");
    roles = Names.requireRoles(roles);
  }

  /** Whether this user holds {@code role}. */
  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  @Override
  public String toString() {
    return "User[name=" + name + ", roles=" + roles + "]";
  }
}
