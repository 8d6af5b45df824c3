package dev.rcx.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A logged-in session. Holds no token, so it is safe to log and to put in audit events.
 *
 * @param id a random 12-hex-character identifier for logs; not a credential
 * @param user the username
 * @param roles the user's roles at login
 * @param created when the session was created
 * @param clientIp the address it was created from
 */
public record Session(String id, String user, Set<String> roles, Instant created, String clientIp) {
  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(user, "user");
    roles = Names.requireRoles(roles);
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(clientIp, "clientIp");
  }
}
