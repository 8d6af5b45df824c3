package dev.rcx.syslog;

import dev.rcx.audit.AuditFiles;
import dev.rcx.config.ConfigException;
import dev.rcx.config.Durations;
import dev.rcx.config.ServerConfig;
import dev.rcx.syslog.Problems.Level;
import dev.rcx.syslog.RecordReader.Batch;
import dev.rcx.syslog.RecordReader.Start;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import dev.rcx.tls.ServerIdentity;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;

/**
 * Forwards every audit record to a syslog collector, in seq order, as it is written; the local log
 * is the queue.
 *
 * <h2>Delivery</h2>
 *
 * The forwarder reads whole records from the log file(s) after the cursor ({@code
 * DATA_DIR/syslog.cursor}: seq and hash of the last record delivered), sends them in batches of up
 * to {@value #MAX_BATCH}, and then writes the cursor (atomically, fsynced). Syslog over TCP has no
 * acknowledgement, so a batch counts as delivered once it is flushed to the connection and the
 * collector has not closed the connection {@link #SETTLE} later; a collector that went away while
 * the forwarder was idle is noticed before the next batch is sent. A batch that fails is sent again
 * on the next connection, so in normal operation each record arrives once; after a crash between
 * the send and the cursor update, the records of that batch arrive again (same seq: the collector
 * drops them). Records the collector's TCP stack took but the collector never processed (its host
 * vanished mid-batch) can be lost to it: the local log keeps them and the seq shows the gap.
 *
 * <h2>Outages</h2>
 *
 * While the collector cannot be reached, commands go on (the audit write path never waits for the
 * forwarder), the backlog grows ({@link #backlog()}, exported as a metric), and the forwarder
 * reconnects with bounded exponential back-off; when the collector returns, the backlog is sent in
 * order, then new records as they come. Each failure is logged naming the address, what failed and
 * what to do, at most once a minute per kind of failure; the transitions (connected, unreachable)
 * are logged too.
 *
 * <h2>Threads</h2>
 *
 * One virtual thread, {@code rcx-syslog}, does everything (read, connect, send, cursor); an idle
 * forwarder looks for new records every {@link Options#idlePoll()}. One daemon timer thread, {@code
 * rcx-syslog-deadline}, ends a write to a collector that stopped reading.
 */
public final class SyslogForwarder implements AutoCloseable {
  static final int MAX_BATCH = 512;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration WRITE_DEADLINE = Duration.ofSeconds(30);
  static final Duration SETTLE = Duration.ofMillis(20);
  static final Duration DRAIN = Duration.ofSeconds(5);
  static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
  private static final String PREFIX = "audit syslog: ";

  /**
   * How a forwarder runs; {@link #of} gives the server's defaults.
   *
   * @param settings the {@code audit.syslog} settings (forwarding on)
   * @param dataDir where the cursor file lives
   * @param files the audit log's files, oldest first, the one being written last
   * @param lastWrittenSeq the seq of the last record written to the log (for the backlog)
   * @param sink where messages go
   * @param idlePoll how often an idle forwarder looks for new records
   * @param drain how long {@link #close()} lets the forwarder send what is left
   * @param writeDeadline how long a send may block on a collector that stopped reading
   * @param random uniform in [0, 1), for the back-off's jitter
   * @param nanos a monotonic clock, for throttling messages
   */
  record Options(
      ServerConfig.Syslog settings,
      Path dataDir,
      Supplier<List<Path>> files,
      LongSupplier lastWrittenSeq,
      Problems.Sink sink,
      Duration idlePoll,
      Duration drain,
      Duration writeDeadline,
      DoubleSupplier random,
      LongSupplier nanos) {
    Options {
      if (!settings.enabled()) {
        throw new IllegalArgumentException("audit.syslog.address is not set");
      }
    }

    static Options of(ServerConfig.Syslog settings, Path dataDir, LongSupplier lastWrittenSeq) {
      SecureRandom random = new SecureRandom();
      return new Options(
          settings,
          dataDir,
          () ->
              AuditFiles.inDataDir(dataDir).stream()
                  .map(AuditFiles.Segment::path)
                  .toList(), // closed files by first seq, then audit.log
          lastWrittenSeq,
          Problems.slf4j(),
          Duration.ofMillis(50),
          DRAIN,
          WRITE_DEADLINE,
          random::nextDouble,
          System::nanoTime);
    }

    Options withSink(Problems.Sink value) {
      return new Options(
          settings,
          dataDir,
          files,
          lastWrittenSeq,
          value,
          idlePoll,
          drain,
          writeDeadline,
          random,
          nanos);
    }

    Options withFiles(Supplier<List<Path>> value) {
      return new Options(
          settings,
          dataDir,
          value,
          lastWrittenSeq,
          sink,
          idlePoll,
          drain,
          writeDeadline,
          random,
          nanos);
    }

    Options withWriteDeadline(Duration value) {
      return new Options(
          settings, dataDir, files, lastWrittenSeq, sink, idlePoll, drain, value, random, nanos);
    }
  }

  private final Options options;
  private final ServerConfig.Syslog settings;
  private final String address;
  private final Cursor cursor;
  private final RecordReader reader;
  private final SyslogFrame frame;
  private final Backoff backoff;
  private final Problems problems;
  private final ScheduledExecutorService timer;
  private final Object signal = new Object();
  private final Thread thread;
  private final Cursor.@Nullable Position stored;
  private @Nullable CollectorConnection connection;
  private volatile long delivered;
  private volatile boolean connected;
  private volatile boolean draining;
  private volatile boolean stopped;
  private boolean started;
  private boolean everConnected;

  private SyslogForwarder(Options options) {
    this.options = options;
    this.settings = options.settings();
    this.address = Objects.requireNonNull(settings.address());
    this.cursor = new Cursor(options.dataDir());
    this.problems = new Problems(options.sink(), options.nanos(), LOG_INTERVAL);
    this.reader =
        new RecordReader(
            options.files(), p -> problems.report("log:" + p, Level.ERROR, PREFIX + p));
    this.frame = new SyslogFrame(localHostName(), ProcessHandle.current().pid());
    this.backoff = new Backoff(settings.maxBackoff(), options.random());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rcx-syslog-deadline");
              t.setDaemon(true);
              return t;
            });
    Cursor.Position p;
    try {
      p = cursor.read();
    } catch (IOException e) {
      problems.report(
          "cursor-read",
          Level.ERROR,
          PREFIX
              + e.getMessage()
              + "; forwarding every record of the audit log again (the collector drops those it"
              + " has by seq); delete the file to silence this");
      p = null;
    }
    this.stored = p;
    this.delivered = p == null ? 0 : p.seq();
    this.thread = Thread.ofVirtual().name("rcx-syslog").unstarted(this::run);
  }

  /**
   * Checks {@code settings} before the server starts: plaintext only to a loopback address, and
   * with TLS a readable CA file (and client certificate and key, if given).
   *
   * @throws ConfigException naming the setting, the value and what to do
   */
  public static void check(ServerConfig.Syslog settings) {
    if (!settings.enabled()) {
      return;
    }
    if (!settings.tls()) {
      InetAddress[] all;
      try {
        all = InetAddress.getAllByName(settings.host());
      } catch (UnknownHostException e) {
        throw new ConfigException(
            "audit.syslog.address: cannot resolve '"
                + settings.host()
                + "' to check that it is a loopback address; plaintext (audit.syslog.tls: false)"
                + " is allowed only on loopback");
      }
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          throw new ConfigException(
              "audit.syslog.tls: false is refused for the collector "
                  + settings.address()
                  + " ("
                  + a.getHostAddress()
                  + " is not a loopback address): the records name users and their commands, so"
                  + " they leave this host only over TLS; set audit.syslog.ca and remove"
                  + " audit.syslog.tls, or relay through a syslog daemon on loopback");
        }
      }
      return;
    }
    try {
      tlsContext(settings);
    } catch (IOException e) {
      throw new ConfigException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
    }
  }

  /** Starts forwarding as configured; see the class comment. */
  public static SyslogForwarder start(
      ServerConfig.Syslog settings, Path dataDir, LongSupplier lastWrittenSeq) {
    return start(Options.of(settings, dataDir, lastWrittenSeq));
  }

  static SyslogForwarder start(Options options) {
    SyslogForwarder f = new SyslogForwarder(options);
    f.thread.start();
    return f;
  }

  /** Records written to the log but not yet delivered to the collector. */
  public long backlog() {
    return Math.max(0, options.lastWrittenSeq().getAsLong() - delivered);
  }

  /** The seq of the last record delivered (0 before any). */
  public long deliveredSeq() {
    return delivered;
  }

  /** Whether a connection to the collector is open. */
  public boolean connected() {
    return connected;
  }

  /**
   * Stops forwarding after sending what the log holds, for up to the drain time (less if the
   * collector is down). Idempotent.
   */
  @Override
  public void close() {
    draining = true;
    wake();
    try {
      thread.join(options.drain());
      if (thread.isAlive()) {
        stopped = true;
        thread.interrupt(); // a virtual thread's blocking socket I/O ends with the interrupt
        thread.join(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      timer.shutdownNow();
    }
  }

  private void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  // An early (or spurious) wake-up only shortens this backoff pause; the caller retries either way.
  @SuppressWarnings("WaitNotInLoop")
  private void pause(Duration d) {
    synchronized (signal) {
      if (stopped || draining) {
        return;
      }
      try {
        signal.wait(Math.max(1, d.toMillis()));
      } catch (InterruptedException e) {
        stopped = true;
      }
    }
  }

  private void run() {
    try {
      while (!stopped) {
        try {
          if (!step()) {
            return;
          }
        } catch (RuntimeException e) {
          // A bug or an unreadable directory must not end forwarding for the server's lifetime.
          problems.report(
              "unexpected:" + e.getClass().getName(),
              Level.ERROR,
              PREFIX + "unexpected failure, retrying in 1 s: " + e);
          dropConnection();
          if (draining) {
            return;
          }
          pause(Duration.ofSeconds(1));
        }
      }
    } finally {
      dropConnection();
      try {
        reader.close();
      } catch (IOException e) {
        // Read-only: nothing to lose.
      }
    }
  }

  private void dropConnection() {
    CollectorConnection c = connection;
    connection = null;
    connected = false;
    if (c != null) {
      c.close();
    }
  }

  /** One turn of the loop; false when a draining forwarder is done. */
  private boolean step() {
    if (!started && !seek()) {
      if (draining) {
        return false;
      }
      pause(Duration.ofSeconds(1));
      return true;
    }
    if (connection == null && !connect()) {
      if (draining) {
        return false;
      }
      pause(backoff.next());
      return true;
    }
    Batch b;
    try {
      b = reader.peek(MAX_BATCH);
    } catch (IOException e) {
      problems.report(
          "read",
          Level.ERROR,
          PREFIX + "cannot read the audit log " + reader.path() + ": " + e.getMessage());
      if (draining) {
        return false;
      }
      pause(Duration.ofSeconds(1));
      return true;
    }
    if (b.records().isEmpty()) {
      reader.commit(b); // lines that are not records, passed over
      if (draining) {
        return false;
      }
      pause(options.idlePoll());
      return true;
    }
    if (!deliver(b) && !draining) {
      pause(backoff.next());
    }
    return true;
  }

  private boolean seek() {
    try {
      Start start = reader.seek(stored);
      started = true;
      delivered = reader.seq();
      String file = cursor.file().toString();
      switch (start) {
        case Start.Fresh(long first) ->
            problems.report(
                "start",
                Level.INFO,
                PREFIX
                    + "no cursor "
                    + file
                    + " yet: forwarding every record of the audit log from seq "
                    + first
                    + " to "
                    + address);
        case Start.Resumed(long after) ->
            problems.report(
                "start",
                Level.INFO,
                PREFIX
                    + "forwarding to "
                    + address
                    + " from seq "
                    + (after + 1)
                    + " ("
                    + file
                    + ")");
        case Start.Replaced(long seq, String why) ->
            problems.report(
                "start",
                Level.WARN,
                PREFIX
                    + "the cursor "
                    + file
                    + " does not fit the audit log ("
                    + why
                    + "): the log was replaced, so it is forwarded again from its start");
        case Start.Missing(long from, long to) ->
            problems.report(
                "start",
                Level.WARN,
                PREFIX
                    + "records "
                    + from
                    + ".."
                    + to
                    + " are no longer in the data directory (archived or deleted before they"
                    + " were forwarded): they never reached "
                    + address
                    + "; going on at seq "
                    + (to + 1));
      }
      return true;
    } catch (IOException e) {
      problems.report(
          "seek",
          Level.ERROR,
          PREFIX + "cannot read the audit log to find where to resume: " + e.getMessage());
      return false;
    }
  }

  private boolean connect() {
    try {
      CollectorConnection.Target.Tls tls = null;
      if (settings.tls()) {
        SSLContext context = tlsContext(settings);
        tls =
            new CollectorConnection.Target.Tls(
                context, ClientTls.parameters(trust(settings), /* allowTls12= */ true));
      }
      CollectorConnection c =
          CollectorConnection.open(
              new CollectorConnection.Target(settings.host(), settings.port(), tls),
              CONNECT_TIMEOUT);
      connection = c;
      connected = true;
      backoff.reset();
      problems.report(
          "connected",
          Level.INFO,
          PREFIX
              + (everConnected ? "reconnected to " : "connected to ")
              + "collector "
              + address
              + " ("
              + c.description()
              + "); "
              + backlog()
              + " records to send");
      everConnected = true;
      return true;
    } catch (IOException e) {
      failed(e);
      return false;
    }
  }

  private boolean deliver(Batch b) {
    CollectorConnection c = Objects.requireNonNull(connection);
    LogRecord first = b.records().get(0);
    LogRecord last = Objects.requireNonNull(b.last());
    List<byte[]> frames = new ArrayList<>(b.records().size());
    for (LogRecord r : b.records()) {
      frames.add(frame.frame(r));
    }
    try {
      if (!c.stillOpen(Duration.ZERO)) {
        throw new IOException("the collector closed the connection");
      }
      c.send(frames, options.writeDeadline(), timer);
      if (!c.stillOpen(SETTLE)) {
        throw new IOException(
            "the collector closed the connection while records "
                + first.seq()
                + ".."
                + last.seq()
                + " were sent; they will be sent again");
      }
    } catch (IOException e) {
      failed(e);
      return false;
    }
    reader.commit(b);
    delivered = last.seq();
    try {
      cursor.write(new Cursor.Position(last.seq(), last.hash()));
    } catch (IOException e) {
      problems.report(
          "cursor-write",
          Level.ERROR,
          PREFIX
              + "cannot write the cursor file "
              + cursor.file()
              + ": "
              + e.getMessage()
              + "; forwarding goes on, but after a restart the records since the last cursor"
              + " written are sent again; check the data directory's space and permissions");
    }
    return true;
  }

  /** A connection attempt or a send failed: drop the connection, say why (throttled). */
  private void failed(IOException e) {
    CollectorConnection c = connection;
    connection = null;
    if (c != null) {
      c.close();
    }
    String why = describe(e);
    long waiting = backlog();
    if (connected) {
      connected = false;
      problems.report(
          "unreachable",
          Level.WARN,
          PREFIX
              + "lost the collector "
              + address
              + ": "
              + why
              + "; the local audit log keeps the records ("
              + waiting
              + " waiting) and they are sent when it is back; retrying with back-off up to "
              + Durations.format(settings.maxBackoff()));
    } else {
      problems.report(
          "failure:" + e.getClass().getName(),
          e instanceof CollectorConnection.PlaintextRefusedException
                  || e instanceof ConfigProblem
                  || e instanceof SSLException
              ? Level.ERROR
              : Level.WARN,
          PREFIX
              + "cannot deliver to the collector "
              + address
              + ": "
              + why
              + " ("
              + waiting
              + " records waiting in the local audit log; retrying with back-off up to "
              + Durations.format(settings.maxBackoff())
              + ")");
    }
  }

  /** What went wrong and what to do about it, naming the address and the setting. */
  private String describe(IOException e) {
    String host = settings.host();
    String msg = Objects.toString(e.getMessage(), e.getClass().getSimpleName());
    return switch (e) {
      case ConfigProblem p -> msg;
      case CollectorConnection.PlaintextRefusedException p -> msg;
      case UnknownHostException u ->
          "cannot resolve the host '"
              + host
              + "' of audit.syslog.address; check the name and this host's DNS";
      case ConnectException c ->
          "cannot connect ("
              + msg
              + "); is the collector running and listening on port "
              + settings.port()
              + "?";
      case NoRouteToHostException n -> "no route to " + host + " (" + msg + "); check the network";
      case SocketTimeoutException t ->
          "no answer within "
              + CONNECT_TIMEOUT.toSeconds()
              + " s; check the address, firewalls and the collector";
      case SSLHandshakeException h when certificateProblem(h) ->
          "TLS handshake failed: the collector's certificate is not accepted ("
              + msg
              + "); check that audit.syslog.ca ("
              + settings.ca()
              + ") holds the CA that signed it and that it names '"
              + host
              + "'";
      case SSLException s ->
          "TLS failed ("
              + msg
              + "); check that the collector speaks TLS (RFC 5425) on port "
              + settings.port()
              + (settings.cert() == null
                  ? " and does not require a client certificate (audit.syslog.cert/key)"
                  : " and accepts the client certificate " + settings.cert());
      default -> msg;
    };
  }

  private static boolean certificateProblem(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CertificateException
          || c instanceof java.security.cert.CertPathValidatorException
          || c instanceof java.security.cert.CertPathBuilderException) {
        return true;
      }
    }
    String m = String.valueOf(t.getMessage());
    return m.contains("certificate") || m.contains("PKIX") || m.contains("subject alternative");
  }

  private static ClientTrust trust(ServerConfig.Syslog s) {
    return new ClientTrust.TrustCertificates(Objects.requireNonNull(s.ca()));
  }

  /** The collector's TLS context, read afresh from the files (so renewed files apply). */
  private static SSLContext tlsContext(ServerConfig.Syslog s) throws ConfigProblem {
    SSLContext context;
    try {
      context = ClientTls.context(trust(s));
    } catch (IOException | RuntimeException e) {
      throw new ConfigProblem(
          "audit.syslog.ca: cannot use "
              + s.ca()
              + " ("
              + e.getMessage()
              + "); give a readable PEM file with the CA certificate that signed the collector's"
              + " certificate");
    }
    if (s.cert() == null) {
      return context;
    }
    try {
      return ClientTls.context(
          trust(s),
          ServerIdentity.loadPem(
              Objects.requireNonNull(s.cert()), Objects.requireNonNull(s.key())));
    } catch (IOException | RuntimeException e) {
      throw new ConfigProblem(
          "audit.syslog.cert/key: cannot use "
              + s.cert()
              + " and "
              + s.key()
              + " ("
              + e.getMessage()
              + "); give a readable PEM certificate chain and its private key");
    }
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "-";
    }
  }

  /** A setting that cannot be used (a file that cannot be read), found when connecting. */
  static final class ConfigProblem extends IOException {
    private static final long serialVersionUID = 1L;

    ConfigProblem(String message) {
      super(message);
    }
  }
}
