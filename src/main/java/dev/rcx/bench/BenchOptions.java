package dev.rcx.bench;

import dev.rcx.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Defaults and parsers for {@code rcx bench}'s options. Parsers throw {@link
 * IllegalArgumentException} with a message naming the option, the rule and the bad value.
 *
 * <p>The default plan keeps a whole run to a few minutes on two cores: every point is 1 s of
 * warm-up and 5 s measured; {@code session} and {@code reconnect} run at 1, 5, 10 and 20 clients
 * (the design's plan), each over TLS and in plaintext; {@code login}, whose cost is Argon2id by
 * design and saturates the CPUs from 2 clients on, runs at 1, 5 and 20; the spawn floor runs once
 * at each client count. That is 26 points, about 3 minutes.
 */
public final class BenchOptions {
  public static final List<Integer> DEFAULT_CLIENTS = List.of(1, 5, 10, 20);
  public static final List<Integer> DEFAULT_LOGIN_CLIENTS = List.of(1, 5, 20);
  public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(1);
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(5);
  public static final String DEFAULT_COMMAND = "echo hi";
  public static final int MAX_CLIENTS = 10_000;

  private static final Pattern RATE = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,6})?)(?:/s)?");

  private BenchOptions() {}

  /** Parses {@code 1,5,10,20} into distinct, sorted counts. */
  public static List<Integer> parseClients(String text) {
    TreeSet<Integer> counts = new TreeSet<>();
    for (String part : text.split(",", -1)) {
      int n;
      try {
        n = Integer.parseInt(part.trim());
      } catch (NumberFormatException e) {
        throw badClients(text);
      }
      if (n < 1 || n > MAX_CLIENTS) {
        throw badClients(text);
      }
      counts.add(n);
    }
    return List.copyOf(counts);
  }

  private static IllegalArgumentException badClients(String text) {
    return new IllegalArgumentException(
        "--clients: expected a comma-separated list of client counts from 1 to "
            + MAX_CLIENTS
            + ", such as 1,5,10,20, but got '"
            + text
            + "'");
  }

  static void checkClients(int n) {
    if (n < 1 || n > MAX_CLIENTS) {
      throw new IllegalArgumentException(
          "--clients: each count must be from 1 to " + MAX_CLIENTS + ", but was " + n);
    }
  }

  /**
   * Parses {@code session,reconnect,login} (any subset, in that order or any other; duplicates
   * dropped).
   */
  public static List<Workload> parseWorkloads(String text) {
    List<Workload> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      Workload w = Workload.parse(part);
      if (!out.contains(w)) {
        out.add(w);
      }
    }
    return List.copyOf(out);
  }

  /** Parses a duration such as {@code 500ms}, {@code 5s} or {@code 2m} for {@code option}. */
  public static Duration parseDuration(String option, String text) {
    try {
      return Durations.parse(option, text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Parses {@code 200/s} or {@code 200} (commands per second, over all clients). */
  public static double parseRate(String text) {
    Matcher m = RATE.matcher(text.trim());
    double rate = m.matches() ? Double.parseDouble(m.group(1)) : 0;
    if (rate <= 0) {
      throw new IllegalArgumentException(
          "--rate: expected a positive number of commands per second such as 200/s, but got '"
              + text
              + "'");
    }
    return rate;
  }

  /**
   * The client counts of each workload: {@code explicit} for all if given, else {@link
   * #DEFAULT_CLIENTS}, and {@link #DEFAULT_LOGIN_CLIENTS} for {@code login}.
   */
  public static Map<Workload, List<Integer>> clientsFor(
      List<Workload> workloads, @Nullable List<Integer> explicit) {
    Map<Workload, List<Integer>> out = new EnumMap<>(Workload.class);
    for (Workload w : workloads) {
      if (explicit != null) {
        out.put(w, explicit);
      } else {
        out.put(w, w == Workload.LOGIN ? DEFAULT_LOGIN_CLIENTS : DEFAULT_CLIENTS);
      }
    }
    return out;
  }
}
