package dev.rcx.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Options of {@code rcx exec} that run one command on many hosts; see {@link FleetExec}. The
 * deadlines ({@code --connect-timeout}, {@code --timeout}) are {@link ConnectionOptions}', shared
 * with a single host.
 */
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
  @Nullable Path hostsFile;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "Hosts worked on at once (default: ${DEFAULT-VALUE}).")
  int parallel = 32;

  @Option(
      names = "--group",
      description =
          "Print each host's output together, byte for byte, hosts in the order given (no"
              + " prefixes).")
  boolean group;

  @Option(
      names = "--json",
      description =
          "Print one JSON object per host result, nothing else (output exact: text, or base64 with"
              + " stdout_encoding/stderr_encoding \"base64\").")
  boolean json;

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      description =
          "Client configuration with named hosts and groups (default: $RCX_CONFIG or"
              + " ~/.rcx/config.yaml).")
  @Nullable Path clientConfig;

  /** Whether this invocation runs on many hosts: {@code --hosts}, {@code --hosts-file} or @NAME. */
  boolean requested(String command) {
    return !hosts.isEmpty() || hostsFile != null || command.startsWith("@");
  }

  Path clientConfigFile() {
    return clientConfig != null ? clientConfig : DataDirs.defaultClientConfig();
  }
}
