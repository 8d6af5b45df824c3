package dev.rcx.metrics;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/** {@link ServerMetrics#none()}. */
enum NoMetrics implements ServerMetrics {
  INSTANCE;

  @Override
  public void connectionOpened() {}

  @Override
  public void connectionClosed() {}

  @Override
  public void connectionRefused(String reason) {}

  @Override
  public void tlsHandshake(boolean succeeded) {}

  @Override
  public void login(String outcome) {}

  @Override
  public void command(String entry, String outcome, @Nullable Duration duration) {}

  @Override
  public void auditWrite(long nanos) {}

  @Override
  public void policyReload(String result) {}

  @Override
  public void sessionsLive(LongSupplier live) {}

  @Override
  public void syslogBacklog(LongSupplier backlog) {}

  @Override
  public void close() {}
}
