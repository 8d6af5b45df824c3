package dev.rcx.cli;

import dev.rcx.config.ConfigException;
import dev.rcx.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** Options of {@code rcx exec} that run one command on many hosts; see {@link FleetExec}. */
final class FleetOptions {
  @Option(
      names = "--hosts",
      split = ",",
      paramLabel = "HOST[:PORT]",
      description =
          "Run on all these hosts at once (comma-separated; a name from the client configuration"
              + " works too).")
  java.util.List<String> hosts = new java.util.ArrayList<>();

  @Option(
      names = "--hosts-file",
      paramLabel = "FILE",
      description = "Run on the hosts listed in FILE, one HOST[:PORT] per line ('#' comments).")
  Path hostsFile;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "Hosts worked on at once (default: ${DEFAULT-VALUE}).")
  int parallel = 32;

  @Option(
      names = "--group",
      description = "Print each host's output together, hosts in the order given (no prefixes).")
  boolean group;

  @Option(names = "--json", description = "Print one JSON object per host result, nothing else.")
  boolean json;

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      description =
          "Client configuration with named hosts and groups (default: $RCX_CONFIG or"
              + " ~/.rcx/config.yaml).")
  Path clientConfig;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Many hosts: give up on a host that has not connected, completed TLS and logged in"
              + " within this (default: 10s).")
  Duration connectTimeout = Duration.ofSeconds(10);

  @Option(
      names = "--command-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Many hosts: give up on a host whose command has not answered within this (default:"
              + " 10m).")
  Duration commandTimeout = Duration.ofMinutes(10);

  /** Whether this invocation runs on many hosts: {@code --hosts}, {@code --hosts-file} or @NAME. */
  boolean requested(String command) {
    return !hosts.isEmpty() || hostsFile != null || command.startsWith("@");
  }

  Path clientConfigFile() {
    return clientConfig != null ? clientConfig : DataDirs.defaultClientConfig();
  }

  /** Parses {@code 10s}, {@code 500ms}, {@code 2m} as the server configuration does. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        Duration d = Durations.parse("duration", value);
        if (d.isZero() || d.isNegative()) {
          throw new IllegalArgumentException("must be positive, but was '" + value + "'");
        }
        return d;
      } catch (ConfigException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
  }
}
