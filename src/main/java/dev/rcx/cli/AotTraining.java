package dev.rcx.cli;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The training run of the JDK's AOT cache that {@code ./rcx} makes in the background ({@code java
 * -XX:AOTCacheOutput=... -cp rcx.jar dev.rcx.cli.AotTraining}). It runs the client's one-shot paths
 * in this JVM: {@code rcx exec} with a password (first contact with {@code --accept-new}, then with
 * a pinned fingerprint), {@code rcx login}, {@code rcx exec} with the cached session and known
 * hosts, {@code rcx status} and {@code rcx logout}; against a throwaway {@code rcx server} in
 * another JVM on 127.0.0.1, with its own data and client directories in a temporary directory that
 * is deleted at the end. The server runs elsewhere because the JVM loads every class of the cache
 * at each start: a cache that held the server's classes too made a one-shot {@code rcx exec} slower
 * than no cache at all.
 *
 * <p>Exit status 0 when every run succeeded, 1 otherwise (with the failure on stderr); the launcher
 * then keeps no cache.
 */
public final class AotTraining {
  private static final String USER = "aot-trainer";
  private static final Duration STEP_LIMIT = Duration.ofMinutes(2);
  private static final Pattern LISTENING = Pattern.compile("listening on tls://([^ ]+):(\\d+) ");
  private static final Pattern FINGERPRINT = Pattern.compile("fingerprint: ([0-9A-F:]+)");

  private AotTraining() {}

  private record Address(String host, String port, String fingerprint) {}

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("rcx-aot-training");
    int code;
    try {
      train(work);
      code = 0;
    } catch (IOException | TimeoutException | ExecutionException | RuntimeException e) {
      System.err.println("rcx AOT training failed: " + e);
      code = 1;
    } finally {
      deleteTree(work);
    }
    System.exit(code);
  }

  /** One training run with its files under {@code work}. */
  static void train(Path work)
      throws IOException, InterruptedException, TimeoutException, ExecutionException {
    Path data = work.resolve("data");
    String password = randomPassword();
    child(
        List.of("user", "add", USER, "--password-stdin", "--data-dir", data.toString()), password);
    Process server =
        start(
            List.of("server", "--data-dir", data.toString(), "--port", "0", "--bind", "127.0.0.1"));
    Thread stopServer = new Thread(server::destroy, "rcx-aot-training-stop-server");
    Runtime.getRuntime().addShutdownHook(stopServer);
    try {
      Address address = address(server).get(STEP_LIMIT.toSeconds(), TimeUnit.SECONDS);
      String host = address.host() + ":" + address.port();
      String fp = address.fingerprint();
      // The client's files (known hosts, cached sessions) go to the temporary directory.
      System.setProperty("rcx.home", work.resolve("home").toString());
      String pw = password + "\n";
      rcx(pw, "exec", "--host", host, "--accept-new", "-u", USER, "--password-stdin", "echo", "hi");
      rcx(pw, "exec", "--host", host, "--fingerprint", fp, "-u", USER, "--password-stdin", "id");
      rcx(pw, "login", "--host", host, "-u", USER, "--password-stdin");
      rcx("", "exec", "--host", host, "-u", USER, "echo", "hi");
      rcx("", "status");
      rcx("", "logout", "--host", host, "-u", USER);
      rcx("", "--version");
    } finally {
      System.clearProperty("rcx.home");
      stop(server);
      Runtime.getRuntime().removeShutdownHook(stopServer);
    }
  }

  /** Runs rcx in this JVM, as the command line would; fails unless it exits 0. */
  private static void rcx(String stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    StringWriter err = new StringWriter();
    int code;
    try (PrintWriter out =
            new PrintWriter(
                new OutputStreamWriter(OutputStream.nullOutputStream(), StandardCharsets.UTF_8),
                true);
        PrintWriter e = new PrintWriter(err, true)) {
      code = Main.run(args, out, e);
    } finally {
      System.setIn(saved);
    }
    if (code != ExitCodes.OK) {
      throw new IllegalStateException(
          "rcx " + String.join(" ", args) + " exited " + code + ": " + err.toString().strip());
    }
  }

  /** {@code rcx ARGS} in a new JVM with {@code stdin}; fails unless it exits 0 in time. */
  private static void child(List<String> args, String stdin)
      throws IOException, InterruptedException {
    Process p = start(args);
    CompletableFuture<String> output = drain(p.getInputStream());
    try (OutputStream in = p.getOutputStream()) {
      in.write((stdin + "\n").getBytes(StandardCharsets.UTF_8));
    }
    if (!p.waitFor(STEP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("rcx " + args.getFirst() + " ran longer than " + STEP_LIMIT);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "rcx "
              + String.join(" ", args)
              + " exited "
              + p.exitValue()
              + ": "
              + output.getNow("").strip());
    }
  }

  /** Starts {@code rcx ARGS} in a new JVM of this one's JDK and class path, stderr on stdout. */
  private static Process start(List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /**
   * The server's host, port and fingerprint from its first lines; its output is read to the end (so
   * it never blocks on a full pipe).
   */
  private static CompletableFuture<Address> address(Process server) {
    CompletableFuture<Address> found = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("rcx-aot-training-server-output")
        .start(
            () -> {
              String host = null;
              String port = null;
              String fp = null;
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                StringBuilder seen = new StringBuilder();
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  if (seen.length() < 8192) {
                    seen.append(line).append('\n');
                  }
                  Matcher l = LISTENING.matcher(line);
                  if (l.find()) {
                    host = l.group(1);
                    port = l.group(2);
                  }
                  Matcher f = FINGERPRINT.matcher(line);
                  if (f.find()) {
                    fp = f.group(1);
                  }
                  if (host != null && port != null && fp != null) {
                    found.complete(new Address(host, port, fp));
                  }
                }
                found.completeExceptionally(
                    new IllegalStateException("rcx server ended: " + seen.toString().strip()));
              } catch (IOException e) {
                found.completeExceptionally(e);
              }
            });
    return found;
  }

  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("rcx-aot-training-output")
        .start(
            () -> {
              try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.complete("(output not readable: " + e.getMessage() + ")");
              }
            });
    return text;
  }

  private static void stop(Process server) throws InterruptedException {
    server.destroy();
    if (!server.waitFor(10, TimeUnit.SECONDS)) {
      server.destroyForcibly();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String randomPassword() {
    byte[] b = new byte[18];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
