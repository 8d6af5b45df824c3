package dev.rcx.bench.openssh;

import dev.rcx.bench.Driver;
import dev.rcx.bench.OperationFailedException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.session.ClientSession;
import org.jspecify.annotations.Nullable;

/**
 * One simulated SSH client. {@code connect} is the TCP connection and the key exchange, {@code
 * login} is public-key authentication, {@code execute} is one exec channel whose stdout is read to
 * the end and whose exit status must be 0. SSH has no credential a new connection could reuse, so
 * {@code resume} authenticates with the key again: for SSH the {@code reconnect} and {@code login}
 * workloads are the same thing, a new connection per command.
 */
final class MinaSshDriver implements Driver {
  private final MinaSshTarget target;
  private volatile @Nullable ClientSession session;

  MinaSshDriver(MinaSshTarget target) {
    this.target = target;
  }

  @Override
  public long connect() throws IOException {
    disconnect();
    long start = System.nanoTime();
    ClientSession s =
        target
            .client()
            .connect(target.user(), target.host(), target.port())
            .verify(target.timeout())
            .getSession();
    session = s;
    try {
      MinaSshTarget.kexDone(s).get(target.timeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IOException(
          "ssh key exchange with " + endpoint() + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(
          "ssh key exchange with " + endpoint() + " took longer than " + target.timeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during the ssh key exchange", e);
    }
    long nanos = System.nanoTime() - start;
    target.noteNegotiated(s);
    return nanos;
  }

  @Override
  public void login() throws IOException, OperationFailedException {
    ClientSession s = open();
    AuthFuture auth = s.auth();
    if (!auth.await(target.timeout())) {
      throw new IOException(
          "ssh public-key authentication as '"
              + target.user()
              + "' took longer than "
              + target.timeout());
    }
    if (!auth.isSuccess()) {
      Throwable why = auth.getException();
      throw new OperationFailedException(
          "AUTH_FAILED",
          "ssh public-key authentication as '"
              + target.user()
              + "' failed"
              + (why == null ? "" : ": " + why));
    }
  }

  @Override
  public void resume() throws IOException, OperationFailedException {
    login();
  }

  @Override
  public void execute() throws IOException, OperationFailedException {
    ClientSession s = open();
    try (ChannelExec channel = s.createExecChannel(target.command())) {
      channel.setOut(OutputStream.nullOutputStream());
      channel.setErr(OutputStream.nullOutputStream());
      channel.open().verify(target.timeout());
      Set<ClientChannelEvent> events =
          channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), target.timeout());
      if (!events.contains(ClientChannelEvent.CLOSED)) {
        throw new OperationFailedException(
            "TIMED_OUT", "'" + target.command() + "' did not finish within " + target.timeout());
      }
      Integer exit = channel.getExitStatus();
      if (exit == null) {
        throw new OperationFailedException(
            "NO_EXIT_STATUS",
            "the channel of '" + target.command() + "' closed without an exit status");
      }
      if (exit != 0) {
        throw new OperationFailedException(
            "EXIT_" + exit, "'" + target.command() + "' exited with " + exit);
      }
    }
  }

  @Override
  public void logout() {}

  @Override
  public void disconnect() {
    ClientSession s = session;
    session = null;
    if (s != null) {
      s.close(true);
    }
  }

  @Override
  public void close() {
    disconnect();
  }

  private ClientSession open() throws IOException {
    ClientSession s = session;
    if (s == null) {
      throw new IOException("not connected");
    }
    return s;
  }

  private String endpoint() {
    return target.host() + ":" + target.port();
  }
}
