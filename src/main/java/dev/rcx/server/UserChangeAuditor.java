package dev.rcx.server;

import dev.rcx.audit.AuditEvent;
import dev.rcx.audit.AuditException;
import dev.rcx.auth.UserChange;
import dev.rcx.auth.UserStore;
import java.io.IOException;

/**
 * Copies the users file's change journal into the audit log: at start (changes made while the
 * server was down) and then about once a second (changes made while it runs). The journal line is
 * the record made before the change; this makes it part of the tamper-evident log. A failed audit
 * write leaves the journal whole for the next attempt.
 */
final class UserChangeAuditor {
  private final UserStore users;
  private final ServerContext ctx;

  UserChangeAuditor(UserStore users, ServerContext ctx) {
    this.users = users;
    this.ctx = ctx;
  }

  /** Audits and clears what the journal holds; returns how many changes, or -1 on failure. */
  int drain() {
    try {
      return users.drainChanges(change -> ctx.audit(event(change)));
    } catch (IOException | AuditException | IllegalStateException e) {
      ctx.log().warn("cannot copy user changes into the audit log yet: {}", e.toString());
      return -1;
    }
  }

  static AuditEvent.UserChanged event(UserChange c) {
    return new AuditEvent.UserChanged(
        c.kind().wireName(),
        c.user(),
        c.roles(),
        c.by(),
        Math.max(0, c.pid()),
        c.time().toString(),
        c.id());
  }
}
