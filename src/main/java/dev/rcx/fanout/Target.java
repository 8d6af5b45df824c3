package dev.rcx.fanout;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One host to run on.
 *
 * @param label how output and the summary name it: a configured name, or {@code host:port}
 * @param host address or DNS name
 * @param port TCP port
 * @param user the user to log in as
 * @param fingerprint a pinned certificate fingerprint for this host, or null for the default trust
 */
public record Target(
    String label, String host, int port, String user, @Nullable String fingerprint) {
  public Target {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException(
          "port of " + host + " must be between 1 and 65535 but was " + port);
    }
  }

  /** {@code host:port}, with an IPv6 literal in brackets: the known-hosts key of this host. */
  public String hostPort() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
