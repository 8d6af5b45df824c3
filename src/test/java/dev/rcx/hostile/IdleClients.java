package dev.rcx.hostile;

import dev.rcx.testing.Wire;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;

/**
 * The client side of {@link IdleSessionsTest}, run in its own JVM so that the server's JVM holds
 * only the server's side of each connection: opens N TLS connections, runs one command on each with
 * a shared session token, prints {@code READY n}, then holds them idle until it reads {@code quit}
 * (or stdin closes, or 10 minutes pass).
 *
 * <p>Arguments: port, server certificate fingerprint, session token, number of connections.
 */
final class IdleClients {
  private IdleClients() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String token = args[2];
    int n = Integer.parseInt(args[3]);
    Thread.ofPlatform()
        .daemon(true)
        .start(
            () -> {
              Hostile.sleep(java.time.Duration.ofMinutes(10));
              System.exit(3);
            });
    SSLSocketFactory factory =
        ClientTls.context(new ClientTrust.PinnedFingerprint(args[1])).getSocketFactory();
    byte[] command = (Hostile.command(token, "echo idle") + "\n").getBytes(StandardCharsets.UTF_8);
    List<Hostile.Tls> open = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    List<Thread> openers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      openers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (next.getAndIncrement() < n && failures.isEmpty()) {
                      try {
                        Hostile.Tls conn = Hostile.tls(factory, port, "127.0.0.1");
                        open.add(conn);
                        conn.ssl().getOutputStream().write(command);
                        String reply = new Wire(conn.ssl()).readLine();
                        if (reply == null || !reply.contains("\"status\":\"success\"")) {
                          failures.add("connection " + open.size() + " got " + reply);
                        }
                      } catch (Exception e) {
                        failures.add("connection " + open.size() + " failed: " + e);
                      }
                    }
                  }));
    }
    for (Thread t : openers) {
      t.join();
    }
    if (!failures.isEmpty()) {
      System.out.println(
          "FAILED " + failures.size() + " " + failures.subList(0, Math.min(5, failures.size())));
      System.out.flush();
      System.exit(2);
    }
    System.out.println("READY " + open.size());
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.equals("quit")) {
      // wait
    }
    open.forEach(Hostile.Tls::close);
    System.exit(0);
  }
}
