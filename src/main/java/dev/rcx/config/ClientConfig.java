package dev.rcx.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The client's own configuration ({@code ~/.rcx/config.yaml}): named hosts with their address,
 * port, user and pinned fingerprint, and named groups of hosts. Immutable; {@link
 * ClientConfigLoader} reads it and validates every name and reference.
 *
 * @param hosts by name, in file order
 * @param groups by name, in file order; each member names a host in {@code hosts}
 */
public record ClientConfig(Map<String, HostEntry> hosts, Map<String, List<String>> groups) {
  /** The empty configuration: no names known. */
  public static final ClientConfig EMPTY = new ClientConfig(Map.of(), Map.of());

  public ClientConfig {
    hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
    Map<String, List<String>> g = new LinkedHashMap<>();
    groups.forEach((k, v) -> g.put(k, List.copyOf(v)));
    groups = java.util.Collections.unmodifiableMap(g);
    for (var e : groups.entrySet()) {
      for (String member : e.getValue()) {
        if (!hosts.containsKey(member)) {
          throw new IllegalArgumentException(
              "group '" + e.getKey() + "' names unknown host '" + member + "'");
        }
      }
    }
  }

  /**
   * One named server.
   *
   * @param name the name used on the command line ({@code @name}, or in {@code --hosts})
   * @param host address or DNS name to connect to
   * @param port TCP port, or null for the command line's default
   * @param user user to log in as, or null for the command line's default
   * @param fingerprint pinned SHA-256 certificate fingerprint, or null to use known hosts
   */
  public record HostEntry(
      String name,
      String host,
      @Nullable Integer port,
      @Nullable String user,
      @Nullable String fingerprint) {
    public HostEntry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(host, "host");
      if (port != null && (port <= 0 || port > 65535)) {
        throw new IllegalArgumentException(
            "host '" + name + "': port must be between 1 and 65535 but was " + port);
      }
    }
  }

  /**
   * The hosts that {@code name} stands for: a group's members in order, or the one named host.
   *
   * @throws IllegalArgumentException naming the known groups and hosts when {@code name} is neither
   */
  public List<HostEntry> resolve(String name) {
    List<String> members = groups.get(name);
    if (members != null) {
      List<HostEntry> out = new ArrayList<>();
      members.forEach(m -> out.add(hosts.get(m)));
      return List.copyOf(out);
    }
    HostEntry h = hosts.get(name);
    if (h != null) {
      return List.of(h);
    }
    throw new IllegalArgumentException(
        "'@"
            + name
            + "' is neither a group nor a host of the client configuration (groups: "
            + (groups.isEmpty() ? "none" : String.join(", ", groups.keySet()))
            + "; hosts: "
            + (hosts.isEmpty() ? "none" : String.join(", ", hosts.keySet()))
            + ")");
  }

  /** The named host, if the configuration has one of that name. */
  public @Nullable HostEntry host(String name) {
    return hosts.get(name);
  }
}
