package dev.rcx.cli;

import dev.rcx.client.RcxClient;
import dev.rcx.config.Durations;
import dev.rcx.protocol.Response;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import dev.rcx.tls.HostPrompt;
import dev.rcx.tls.KeyMaterial;
import dev.rcx.tls.ServerIdentity;
import dev.rcx.tls.ServerIdentityChangedException;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Where to connect, how to trust the server, and who to log in as; shared by {@code exec} and
 * {@code shell}.
 *
 * <p>Order, as ssh does it: connect, complete the handshake and settle trust in the server first,
 * and only then ask for a password, so that an answer meant for the trust question never becomes
 * the password. A server seen for the first time is asked about with no connection open (a person
 * may take longer than the server's handshake timeout); the client then connects again and accepts
 * exactly the fingerprint the person saw.
 */
final class ConnectionOptions {
  static final int DEFAULT_PORT = 7443;

  /** Replies to login and logout come quickly from a live server; they never wait longer. */
  static final Duration LOGIN_REPLY_TIMEOUT = Duration.ofSeconds(30);

  @Option(
      names = "--host",
      paramLabel = "[USER@]HOST[:PORT]",
      description =
          "Server host, as ssh takes it: HOST, HOST:PORT, USER@HOST, [IPv6]:PORT (default:"
              + " ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(names = "--port", description = "Server port (default: 7443, or the one in --host).")
  @Nullable Integer port;

  @Option(
      names = {"-u", "--user"},
      description = "User name (default: the one in --host, else $USER).")
  @Nullable String user;

  private boolean resolved;

  /** --port, else 7443: the default port of hosts that name none (fleet targets). */
  int portOrDefault() {
    return port != null ? port : DEFAULT_PORT;
  }

  /** --user, else $USER: the default user of hosts that name none (fleet targets). */
  String userOrDefault() {
    return user != null ? user : System.getProperty("user.name");
  }

  /** The server's host name or address, after {@link #resolve()} took user and port out of it. */
  String host() {
    resolve();
    return host;
  }

  /** The server's port: from --host, else --port, else 7443. */
  int port() {
    resolve();
    return Objects.requireNonNull(port);
  }

  /** The user: from --host, else --user, else $USER. */
  String user() {
    resolve();
    return Objects.requireNonNull(user);
  }

  /**
   * Splits {@code --host} into user, host and port the way ssh users write it; a port or user given
   * both there and by its own option must agree.
   */
  void resolve() {
    if (resolved) {
      return;
    }
    HostSpec spec = HostSpec.parse(host);
    if (spec.port() != null && port != null && !spec.port().equals(port)) {
      throw new CliException(
          ExitCodes.USAGE,
          "--host '"
              + host
              + "' names port "
              + spec.port()
              + " but --port says "
              + port
              + "; give the port once");
    }
    if (spec.user() != null && user != null && !spec.user().equals(user)) {
      throw new CliException(
          ExitCodes.USAGE,
          "--host '"
              + host
              + "' names user "
              + spec.user()
              + " but --user says "
              + user
              + "; give the user once");
    }
    host = spec.host();
    port = spec.port() != null ? spec.port() : port != null ? port : DEFAULT_PORT;
    user =
        spec.user() != null ? spec.user() : user != null ? user : System.getProperty("user.name");
    resolved = true;
  }

  @Option(
      names = "--password-stdin",
      description = "Read the password from the first line of standard input.")
  boolean passwordStdin;

  @Option(
      names = "--cacert",
      description = "Trust servers whose certificate is signed by (or is) this PEM file.")
  @Nullable Path caCert;

  @Option(
      names = "--fingerprint",
      description = "Trust only a server with this certificate SHA-256 fingerprint.")
  @Nullable String fingerprint;

  @Option(
      names = "--known-hosts",
      description = "Known-hosts file for trust on first use (default: ${DEFAULT-VALUE}).")
  Path knownHosts = DataDirs.defaultKnownHosts();

  @Option(
      names = "--accept-new",
      description =
          "Remember an unknown server's fingerprint without asking (never a changed one).")
  boolean acceptNew;

  @Option(
      names = "--insecure",
      description =
          "Do not check the server's identity at all (explicit opt-out; NOT for production).")
  boolean insecure;

  @Option(
      names = "--no-tls",
      description = "Plaintext, against a server started with --no-tls (benchmarks only).")
  boolean noTls;

  @Option(names = "--tls12", description = "Also offer TLS 1.2 (ECDHE + AEAD suites only).")
  boolean tls12;

  @Option(
      names = "--cert",
      description =
          "Client certificate (PEM) for mutual TLS, with --key. Logs in as --user without a password"
              + " unless one is given by --password-stdin or RCX_PASSWORD (then both must be right).")
  @Nullable Path cert;

  @Option(names = "--key", description = "Unencrypted private key (PEM) of --cert.")
  @Nullable Path key;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Longest wait for the TCP connection, and again for the TLS handshake (default: 10s);"
              + " on many hosts, for connecting, TLS and login together.")
  Duration connectTimeout = Duration.ofSeconds(10);

  @Option(
      names = {"--timeout", "--command-timeout"},
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Longest wait for a command's reply, its run time included (default: 10m); set it above"
              + " the command's whitelist timeout. Login waits at most 30s or this if shorter.")
  Duration timeout = Duration.ofMinutes(10);

  /** The fingerprint of an unknown server seen during the last handshake, to ask about. */
  private @Nullable String unknownFingerprint;

  /** The fingerprint the person accepted: the next handshake trusts exactly this one. */
  private @Nullable String acceptedFingerprint;

  /**
   * Connects and completes the TLS handshake, settling trust in the server (asking a person about
   * an unknown one), mapping failures to exit codes.
   */
  RcxClient connect(PrintWriter err) {
    resolve();
    if ((cert == null) != (key == null)) {
      throw new CliException(ExitCodes.USAGE, "--cert and --key must be given together");
    }
    if (noTls && cert != null) {
      throw new CliException(
          ExitCodes.USAGE, "--cert needs TLS; it cannot be combined with --no-tls");
    }
    RcxClient.Endpoint endpoint = endpoint(err);
    try {
      return connect(endpoint);
    } catch (CliException refused) {
      String seen = unknownFingerprint;
      if (seen == null) {
        throw refused;
      }
      // First contact: ask with no connection open, then connect again trusting what was shown.
      if (!askToTrust(host + ":" + port, seen)) {
        throw new CliException(
            ExitCodes.CONNECTION_FAILED,
            "server "
                + host
                + ":"
                + port
                + " with SHA-256 fingerprint "
                + seen
                + " was not accepted; nothing stored in "
                + knownHosts);
      }
      acceptedFingerprint = seen;
      unknownFingerprint = null;
      return connect(endpoint);
    }
  }

  private RcxClient.Endpoint endpoint(PrintWriter err) {
    Duration loginReply =
        timeout.compareTo(LOGIN_REPLY_TIMEOUT) < 0 ? timeout : LOGIN_REPLY_TIMEOUT;
    if (noTls) {
      return RcxClient.Endpoint.plaintext(host, port()).withTimeouts(connectTimeout, loginReply);
    }
    ClientTrust trust = trust(err);
    KeyMaterial identity = clientIdentity();
    SSLContext ctx;
    try {
      ctx = identity == null ? ClientTls.context(trust) : ClientTls.context(trust, identity);
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, "cannot set up TLS trust: " + e.getMessage());
    }
    return RcxClient.Endpoint.tls(host, port(), ctx, ClientTls.rcxServerParameters(trust, tls12))
        .withTimeouts(connectTimeout, loginReply);
  }

  private RcxClient connect(RcxClient.Endpoint endpoint) {
    try {
      return RcxClient.connect(endpoint);
    } catch (RcxClient.TimedOutException e) {
      throw timedOut(e);
    } catch (SSLException e) {
      ServerIdentityChangedException changed = cause(e, ServerIdentityChangedException.class);
      if (changed != null) {
        throw new CliException(ExitCodes.CONNECTION_FAILED, Errors.message(changed));
      }
      throw new CliException(
          ExitCodes.CONNECTION_FAILED,
          "TLS handshake with " + host + ":" + port + " failed: " + rootMessage(e));
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.CONNECTION_FAILED,
          "cannot connect to " + host + ":" + port + ": " + rootMessage(e));
    }
  }

  /** The exit status and message for a deadline that passed, naming the option that sets it. */
  static CliException timedOut(RcxClient.TimedOutException e) {
    String limit = Durations.format(e.timeout());
    String where = e.hostPort();
    String message =
        switch (e.phase()) {
          case CONNECT ->
              "cannot connect to "
                  + where
                  + ": no answer within "
                  + limit
                  + " (--connect-timeout); check the host, the port and any firewall in between";
          case HANDSHAKE ->
              where
                  + " accepted the TCP connection but completed no TLS handshake within "
                  + limit
                  + " (--connect-timeout); is an rcx server with TLS listening there?";
          case REPLY ->
              "no reply from "
                  + where
                  + " within "
                  + limit
                  + " (--timeout); the server is hung or the command runs longer than --timeout."
                  + " The connection was closed, which stops the command";
        };
    return new CliException(ExitCodes.CONNECTION_FAILED, message);
  }

  /**
   * Connects, settles trust, then logs in. The password comes from stdin, RCX_PASSWORD or a prompt,
   * asked only once the server is trusted; with --cert and neither of the first two, the
   * certificate alone logs in.
   */
  RcxClient connectAndLogin(InputStream stdin, PrintWriter err) {
    resolve();
    boolean certificateOnly =
        cert != null && !passwordStdin && System.getenv(Passwords.ENV) == null;
    if (!certificateOnly) {
      Passwords.requireSource(passwordStdin);
    }
    RcxClient client = connect(err);
    char[] password = new char[0];
    try {
      if (!certificateOnly) {
        password = Passwords.read(passwordStdin, stdin, "Password for " + user + "@" + host + ": ");
      }
      Response.AuthResponse auth =
          certificateOnly ? client.loginWithCertificate(user()) : client.login(user(), password);
      if (auth instanceof Response.AuthResponse.Failure f) {
        client.close();
        throw new CliException(ExitCodes.AUTH_FAILED, f.message());
      }
      return client;
    } catch (RcxClient.TimedOutException e) {
      closeQuietly(client);
      throw timedOut(e);
    } catch (IOException e) {
      closeQuietly(client);
      throw new CliException(
          ExitCodes.CONNECTION_FAILED, "connection lost during login: " + rootMessage(e));
    } catch (RuntimeException e) {
      closeQuietly(client);
      throw e;
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private static void closeQuietly(RcxClient client) {
    try {
      client.close();
    } catch (IOException e) {
      // Already failing; the first problem is the one to report.
    }
  }

  private @Nullable KeyMaterial clientIdentity() {
    if (cert == null || key == null) { // given together (checked by connect)
      return null;
    }
    try {
      return ServerIdentity.loadPem(cert, key);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "cannot load client certificate " + cert + " and key " + key + ": " + e.getMessage());
    }
  }

  private ClientTrust trust(PrintWriter err) {
    return chooseTrust(
        err, caCert, fingerprint, insecure, knownHosts, host + ":" + port, this::decideInHandshake);
  }

  /**
   * Called during the handshake for a server not in known hosts: never asks a person there (the
   * server would time the handshake out while they read), but remembers what to ask about.
   */
  private boolean decideInHandshake(String hostPort, String fp) {
    if (acceptNew) {
      return true;
    }
    if (acceptedFingerprint != null) {
      return acceptedFingerprint.equals(fp);
    }
    unknownFingerprint = fp;
    return false;
  }

  /**
   * The one trust rule of every client command: at most one of CA file, pin and insecure; else
   * known hosts.
   */
  static ClientTrust chooseTrust(
      PrintWriter err,
      @Nullable Path caCert,
      @Nullable String fingerprint,
      boolean insecure,
      Path knownHosts,
      String hostPort,
      HostPrompt prompt) {
    int chosen = (caCert != null ? 1 : 0) + (fingerprint != null ? 1 : 0) + (insecure ? 1 : 0);
    if (chosen > 1) {
      throw new CliException(
          ExitCodes.USAGE, "choose at most one of --cacert, --fingerprint and --insecure");
    }
    if (insecure) {
      err.println(
          "Warning: --insecure: the server's identity is not checked; anyone in the path can"
              + " impersonate it.");
      return new ClientTrust.Insecure();
    }
    if (caCert != null) {
      return new ClientTrust.TrustCertificates(caCert);
    }
    if (fingerprint != null) {
      try {
        return new ClientTrust.PinnedFingerprint(fingerprint);
      } catch (IllegalArgumentException e) {
        throw new CliException(
            ExitCodes.USAGE,
            "--fingerprint: "
                + e.getMessage()
                + "; copy it from what `rcx server` printed (SHA256:... or AB:CD:...)");
      }
    }
    return new ClientTrust.KnownHosts(knownHosts, hostPort, prompt);
  }

  private boolean askToTrust(String hostPort, String fp) {
    if (acceptNew) {
      return true;
    }
    Console console = System.console();
    if (console == null) {
      throw new CliException(
          ExitCodes.CONNECTION_FAILED,
          "server "
              + hostPort
              + " is not in "
              + knownHosts
              + "; its certificate SHA-256 fingerprint is "
              + fp
              + ". Check it with the server's operator, then pass --fingerprint "
              + fp
              + " or --accept-new");
    }
    console.printf(
        "The authenticity of rcx server '%s' can't be established.%nCertificate SHA-256 fingerprint: %s%n",
        hostPort, fp);
    String answer = console.readLine("Are you sure you want to continue connecting (yes/no)? ");
    return isYes(answer);
  }

  /** {@code yes} or {@code y}, in any case; anything else (or end of input) is no. */
  static boolean isYes(@Nullable String answer) {
    if (answer == null) {
      return false;
    }
    String a = answer.strip().toLowerCase(Locale.ROOT);
    return a.equals("yes") || a.equals("y");
  }

  private static <T extends Throwable> @Nullable T cause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c instanceof CliException cli) {
        throw cli;
      }
    }
    return null;
  }

  // Identity is meant: a cause chain may end in an exception that is its own cause.
  @SuppressWarnings("ReferenceEquality")
  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      if (c.getCause() instanceof CliException cli) {
        throw cli;
      }
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}
