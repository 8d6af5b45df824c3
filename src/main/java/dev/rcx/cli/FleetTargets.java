package dev.rcx.cli;

import dev.rcx.config.ClientConfig;
import dev.rcx.fanout.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@code --hosts}, {@code --hosts-file} and {@code @NAME} into targets. A word is {@code
 * HOST}, {@code HOST:PORT} or {@code [IPV6]:PORT}; a HOST that names a host of the client
 * configuration takes its address, port, user and fingerprint (a PORT given here wins).
 */
final class FleetTargets {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]{1,253}");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  private final ClientConfig config;
  private final int defaultPort;
  private final String defaultUser;

  FleetTargets(ClientConfig config, int defaultPort, String defaultUser) {
    this.config = config;
    this.defaultPort = defaultPort;
    this.defaultUser = defaultUser;
  }

  /**
   * All targets, in order: {@code @NAME} first (when {@code command} is one), then {@code --hosts},
   * then the hosts file. The same host:port twice is a usage error.
   */
  List<Target> resolve(@Nullable String at, List<String> hosts, @Nullable Path hostsFile) {
    List<Target> out = new ArrayList<>();
    if (at != null) {
      try {
        for (ClientConfig.HostEntry e : config.resolve(at)) {
          out.add(fromEntry(e, null));
        }
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, Errors.message(e));
      }
    }
    for (String h : hosts) {
      out.add(parse(h.strip(), "--hosts"));
    }
    if (hostsFile != null) {
      out.addAll(readFile(hostsFile));
    }
    if (out.isEmpty()) {
      throw new CliException(ExitCodes.USAGE, "no hosts to run on");
    }
    Set<String> seen = new HashSet<>();
    for (Target t : out) {
      if (!seen.add(t.hostPort().toLowerCase(java.util.Locale.ROOT) + " " + t.user())) {
        throw new CliException(
            ExitCodes.USAGE, "host " + t.hostPort() + " (" + t.label() + ") is listed twice");
      }
    }
    return List.copyOf(out);
  }

  private List<Target> readFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.USAGE, "--hosts-file " + file + ": no such file");
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE, "--hosts-file " + file + ": cannot read: " + e.getMessage());
    }
    List<Target> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String word = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (!word.isEmpty()) {
        out.add(parse(word, "--hosts-file " + file + " line " + (i + 1)));
      }
    }
    return out;
  }

  /** Parses one HOST[:PORT] word; {@code where} names its origin in errors. */
  Target parse(String word, String where) {
    String host = word;
    String port = null;
    if (word.startsWith("[") && word.indexOf(']') > 0) {
      host = word.substring(1, word.indexOf(']'));
      String rest = word.substring(word.indexOf(']') + 1);
      if (!rest.isEmpty()) {
        port = rest.startsWith(":") ? rest.substring(1) : rest;
      }
    } else if (word.indexOf(':') >= 0 && word.indexOf(':') == word.lastIndexOf(':')) {
      host = word.substring(0, word.indexOf(':'));
      port = word.substring(word.indexOf(':') + 1);
    } // else several colons: an IPv6 literal without a port
    if (!HOST.matcher(host).matches() || (port != null && !PORT.matcher(port).matches())) {
      throw new CliException(
          ExitCodes.USAGE, where + ": '" + word + "' is not HOST, HOST:PORT or [IPv6]:PORT");
    }
    Integer p = port == null ? null : Integer.valueOf(port);
    if (p != null && (p < 1 || p > 65535)) {
      throw new CliException(
          ExitCodes.USAGE, where + ": port of '" + word + "' must be between 1 and 65535");
    }
    ClientConfig.HostEntry named = config.host(host);
    if (named != null) {
      return fromEntry(named, p);
    }
    int resolved = p != null ? p : defaultPort;
    String label = (host.contains(":") ? "[" + host + "]" : host) + ":" + resolved;
    return new Target(label, host, resolved, defaultUser, null);
  }

  private Target fromEntry(ClientConfig.HostEntry e, @Nullable Integer port) {
    int p = port != null ? port : e.port() != null ? e.port() : defaultPort;
    return new Target(
        e.name(), e.host(), p, e.user() != null ? e.user() : defaultUser, e.fingerprint());
  }
}
