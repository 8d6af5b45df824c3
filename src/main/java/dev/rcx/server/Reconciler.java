package dev.rcx.server;

import dev.rcx.audit.AuditEvent;
import dev.rcx.audit.AuditEvent.CommandAbandoned;
import dev.rcx.audit.AuditSink;
import dev.rcx.audit.CommandLedger;
import dev.rcx.exec.ProcStat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs once at server start, before anything is accepted: every command the audit log records as
 * started but never ended belonged to a server that died. A process group of such a command that is
 * still alive is killed (after checking, by the start time recorded at launch, that its pid still
 * names that command), and each one gets a {@code command_abandoned} record, so the log ends every
 * command it starts.
 */
final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private Reconciler() {}

  /** Returns the records written, one per abandoned command. */
  static List<CommandAbandoned> run(Path auditFile, AuditSink audit) {
    List<CommandAbandoned> written = new ArrayList<>();
    for (CommandLedger.Open open : CommandLedger.scanAll(auditFile)) {
      CommandAbandoned record = settle(open);
      audit.append(record);
      written.add(record);
      if (record.outcome().equals(CommandAbandoned.KILLED)) {
        LOG.warn(
            "killed command {} (pid {}, {}) left running by a server that died",
            open.commandId(),
            open.pid(),
            open.command());
      }
    }
    return written;
  }

  private static CommandAbandoned settle(CommandLedger.Open open) {
    String id = open.commandId();
    if (open.pid() == null) {
      return new CommandAbandoned(
          id,
          null,
          CommandAbandoned.NOT_LAUNCHED,
          "server stopped before the launch was recorded; no pid to check");
    }
    long pid = open.pid();
    Optional<ProcStat> now = ProcStat.of(pid).filter(s -> !s.zombie());
    boolean same =
        now.isPresent() && (open.startTime() == null || now.get().startTime() == open.startTime());
    if (now.isPresent() && !same) {
      return new AuditEvent.CommandAbandoned(
          id,
          pid,
          CommandAbandoned.PID_REUSED,
          "pid "
              + pid
              + " now belongs to another process (start time "
              + now.get().startTime()
              + ", recorded "
              + open.startTime()
              + "); left alone");
    }
    long self = ProcessHandle.current().pid();
    int killed = 0;
    Long group = open.processGroup();
    if (group != null && group > 1 && group != self) {
      // Also when the leader is gone: Linux gives no new process a pid that is still a group's id.
      killed = ProcStat.killGroup(group, self);
    } else if (same && pid != self) {
      Optional<ProcessHandle> p = ProcessHandle.of(pid);
      if (p.isPresent()) {
        p.get().descendants().forEach(ProcessHandle::destroyForcibly);
        killed = p.get().destroyForcibly() ? 1 : 0;
      }
    }
    if (killed > 0) {
      return new CommandAbandoned(
          id,
          pid,
          CommandAbandoned.KILLED,
          "still running after its server died; killed "
              + killed
              + " process(es)"
              + (group != null ? " of group " + group : ""));
    }
    return new CommandAbandoned(
        id,
        pid,
        CommandAbandoned.GONE,
        "no process left; its server died before recording the end");
  }
}
