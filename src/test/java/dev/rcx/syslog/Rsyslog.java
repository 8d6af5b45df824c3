package dev.rcx.syslog;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A private rsyslogd (Debian's rsyslog, with rsyslog-gnutls for TLS) for tests: its own config, pid
 * file, work directory and output files under a temp dir, listening on 127.0.0.1 only, never the
 * system service. The configuration is the README's collector snippet with test paths. It writes
 * each message's MSG raw to {@code received.ndjson} (what the README's snippet writes) and the
 * header fields beside the MSG to {@code fields.log}.
 */
final class Rsyslog implements AutoCloseable {
  /** How the collector authenticates clients. */
  enum Auth {
    /** Plaintext TCP (rcx allows it on loopback only). */
    PLAINTEXT,
    /** TLS; clients are not asked for certificates. */
    TLS_ANON,
    /** TLS; a client must present a certificate from the CA. */
    TLS_CLIENT_CERT
  }

  private final Path dir;
  private final Auth auth;
  private final @Nullable CollectorPki pki;
  private @Nullable Process process;
  private int port;

  private Rsyslog(Path dir, Auth auth, @Nullable CollectorPki pki) {
    this.dir = dir;
    this.auth = auth;
    this.pki = pki;
  }

  /** The rsyslogd binary, or null when rsyslog is not installed. */
  static @Nullable Path binary() {
    List<String> dirs =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.add("/usr/sbin");
    dirs.add("/sbin");
    for (String d : dirs) {
      Path p = Path.of(d, "rsyslogd");
      if (!d.isEmpty() && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Whether rsyslog's GnuTLS network stream driver (package rsyslog-gnutls) is installed. */
  static boolean hasGnutls() {
    for (String lib :
        List.of(
            "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/usr/lib64")) {
      if (Files.exists(Path.of(lib, "rsyslog", "lmnsd_gtls.so"))) {
        return true;
      }
    }
    return false;
  }

  /** Starts rsyslogd on a free port chosen by the kernel. */
  static Rsyslog start(Path dir, Auth auth, @Nullable CollectorPki pki) throws Exception {
    Rsyslog r = new Rsyslog(dir, auth, pki);
    Files.createDirectories(dir.resolve("work"));
    r.launch(0);
    return r;
  }

  int port() {
    return port;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** Starts it again on the same port (after {@link #stop}). */
  void restart() throws Exception {
    launch(port);
  }

  /** Stops it (SIGTERM, as systemd would) and waits for it to exit. */
  void stop() throws InterruptedException {
    Process p = process;
    process = null;
    if (p == null) {
      return;
    }
    p.destroy();
    if (!p.waitFor(15, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** The MSG of every message received so far, one per line. */
  List<String> received() throws IOException {
    return lines(dir.resolve("received.ndjson"));
  }

  /** {@code APP-NAME|PROCID|MSGID|STRUCTURED-DATA|PRI|TIMESTAMP|MSG} of every message. */
  List<String> fields() throws IOException {
    return lines(dir.resolve("fields.log"));
  }

  /** rsyslogd's own output, for failure messages. */
  String output() throws IOException {
    Path out = dir.resolve("rsyslogd.out");
    return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
  }

  private static List<String> lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
    out.removeLast(); // after the last newline
    return out;
  }

  private void launch(int wanted) throws Exception {
    Path portFile = dir.resolve("port");
    Files.deleteIfExists(portFile);
    Path conf = dir.resolve("rsyslog.conf");
    Files.writeString(conf, config(wanted, portFile), StandardCharsets.UTF_8);
    Path binary = binary();
    if (binary == null) {
      throw new IllegalStateException("rsyslogd not installed");
    }
    process =
        new ProcessBuilder(
                binary.toString(),
                "-n",
                "-f",
                conf.toString(),
                "-i",
                dir.resolve("rsyslogd.pid").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("rsyslogd.out").toFile()))
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("rsyslogd exited at start:\n" + output());
      }
      // rsyslog writes the port file only for port 0 (the kernel's choice).
      if (wanted == 0 && Files.exists(portFile)) {
        String text = Files.readString(portFile, StandardCharsets.US_ASCII).strip();
        if (!text.isEmpty()) {
          port = Integer.parseInt(text);
        }
      }
      if (port != 0 && listening()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        stop();
        throw new IllegalStateException("rsyslogd did not start listening:\n" + output());
      }
      Thread.sleep(50);
    }
  }

  private boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The README's collector configuration, with this test's paths and port. */
  private String config(int wanted, Path portFile) {
    StringBuilder c = new StringBuilder();
    c.append("global(workDirectory=\"").append(dir.resolve("work")).append("\"\n");
    c.append("       maxMessageSize=\"256k\"");
    if (auth != Auth.PLAINTEXT) {
      c.append("\n       DefaultNetstreamDriverCAFile=\"").append(pki.ca()).append("\"");
      c.append("\n       DefaultNetstreamDriverCertFile=\"")
          .append(pki.collectorCert())
          .append("\"");
      c.append("\n       DefaultNetstreamDriverKeyFile=\"").append(pki.collectorKey()).append("\"");
    }
    c.append(")\n");
    switch (auth) {
      case PLAINTEXT -> c.append("module(load=\"imtcp\")\n");
      case TLS_ANON ->
          c.append(
              "module(load=\"imtcp\" StreamDriver.Name=\"gtls\" StreamDriver.Mode=\"1\""
                  + " StreamDriver.AuthMode=\"anon\")\n");
      case TLS_CLIENT_CERT ->
          c.append(
              "module(load=\"imtcp\" StreamDriver.Name=\"gtls\" StreamDriver.Mode=\"1\""
                  + " StreamDriver.AuthMode=\"x509/certvalid\")\n");
    }
    c.append("input(type=\"imtcp\" address=\"127.0.0.1\" port=\"")
        .append(wanted)
        .append("\" listenPortFileName=\"")
        .append(portFile)
        .append("\" ruleset=\"rcx\")\n");
    c.append("template(name=\"rcx-raw\" type=\"string\" string=\"%msg%\\n\")\n");
    c.append(
        "template(name=\"rcx-fields\" type=\"string\""
            + " string=\"%app-name%|%procid%|%msgid%|%structured-data%|%pri%|%timereported:::date-rfc3339%|%msg%\\n\")\n");
    c.append("ruleset(name=\"rcx\") {\n");
    c.append("  if $app-name == \"rcx\" then {\n");
    c.append("    action(type=\"omfile\" file=\"")
        .append(dir.resolve("received.ndjson"))
        .append("\" template=\"rcx-raw\")\n");
    c.append("    action(type=\"omfile\" file=\"")
        .append(dir.resolve("fields.log"))
        .append("\" template=\"rcx-fields\")\n");
    c.append("  }\n}\n");
    return c.toString();
  }

  @Override
  public void close() throws InterruptedIOException {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stopping rsyslogd");
    }
  }
}
