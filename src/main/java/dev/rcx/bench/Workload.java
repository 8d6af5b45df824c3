package dev.rcx.bench;

import java.io.IOException;
import java.util.Locale;

/** The three shapes of load {@code rcx bench} measures. */
public enum Workload {
  /**
   * Authenticate once per client, then commands back to back on that connection (the design's token
   * flow).
   */
  SESSION("session", "login once per client, then commands back to back on one connection") {
    @Override
    void prepare(Driver d, Sample s) throws IOException, OperationFailedException {
      s.connect(d);
      s.login(d);
    }

    @Override
    void perform(Driver d, Sample s) throws IOException, OperationFailedException {
      d.execute();
    }
  },

  /**
   * A new TCP + TLS connection per command that reuses the session token: a one-shot client with a
   * cached token.
   */
  RECONNECT("reconnect", "new TCP+TLS connection per command, reusing the session token") {
    @Override
    void prepare(Driver d, Sample s) throws IOException, OperationFailedException {
      s.connect(d);
      s.login(d);
      d.disconnect();
    }

    @Override
    void perform(Driver d, Sample s) throws IOException, OperationFailedException {
      try {
        s.connect(d);
        d.resume();
        d.execute();
      } finally {
        d.disconnect();
      }
    }
  },

  /**
   * A new connection and a full password login per command (then logout), as a one-shot client
   * without a token.
   */
  LOGIN("login", "new connection, password login, command and logout per command") {
    @Override
    void prepare(Driver d, Sample s) {}

    @Override
    void perform(Driver d, Sample s) throws IOException, OperationFailedException {
      try {
        s.connect(d);
        s.login(d);
        d.execute();
        d.logout();
      } finally {
        d.disconnect();
      }
    }
  };

  private final String label;
  private final String description;

  Workload(String label, String description) {
    this.label = label;
    this.description = description;
  }

  /** The name used on the command line and in results. */
  public String label() {
    return label;
  }

  /** One line saying what an operation consists of. */
  public String description() {
    return description;
  }

  /** Parses a label, case-insensitively. */
  public static Workload parse(String text) {
    for (Workload w : values()) {
      if (w.label.equals(text.trim().toLowerCase(Locale.ROOT))) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "--workload: expected session, reconnect or login, but got '" + text + "'");
  }

  /**
   * Once per client before the run (and again after a failure): whatever the operations rely on.
   */
  abstract void prepare(Driver d, Sample s) throws IOException, OperationFailedException;

  /** One measured operation. */
  abstract void perform(Driver d, Sample s) throws IOException, OperationFailedException;
}
