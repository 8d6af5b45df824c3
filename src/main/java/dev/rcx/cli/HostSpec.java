package dev.rcx.cli;

import org.jspecify.annotations.Nullable;

/**
 * {@code --host} as ssh users type it: {@code host}, {@code host:port}, {@code user@host}, {@code
 * user@host:port}, {@code [v6addr]:port}, or a bare IPv6 address. Anything else is a usage error
 * naming the option and the form expected.
 */
record HostSpec(@Nullable String user, String host, @Nullable Integer port) {
  static HostSpec parse(String value) {
    String rest = value.strip();
    String user = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      user = rest.substring(0, at);
      rest = rest.substring(at + 1);
      if (user.isEmpty()) {
        throw usage(value, "nothing before '@'; write USER@HOST, or use --user");
      }
    }
    String host;
    Integer port = null;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        throw usage(value, "'[' without ']'; write an IPv6 address as [ADDRESS]:PORT");
      }
      host = rest.substring(1, close);
      String after = rest.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw usage(value, "expected ':PORT' after ']'");
        }
        port = port(value, after.substring(1));
      }
    } else if (rest.indexOf(':') >= 0 && rest.indexOf(':') == rest.lastIndexOf(':')) {
      host = rest.substring(0, rest.indexOf(':'));
      port = port(value, rest.substring(rest.indexOf(':') + 1));
    } else {
      host = rest; // a name, an IPv4 address, or a bare IPv6 address (several colons, no port)
    }
    if (host.isEmpty()) {
      throw usage(value, "no host name or address");
    }
    if (host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '@')) {
      throw usage(value, "'" + host + "' is not a host name or address");
    }
    return new HostSpec(user, host, port);
  }

  private static int port(String value, String text) {
    if (!text.matches("[0-9]{1,5}")
        || Integer.parseInt(text) < 1
        || Integer.parseInt(text) > 65535) {
      throw usage(value, "port '" + text + "' is not a number from 1 to 65535");
    }
    return Integer.parseInt(text);
  }

  private static CliException usage(String value, String why) {
    return new CliException(
        ExitCodes.USAGE,
        "--host '"
            + value
            + "': "
            + why
            + " (accepted: HOST, HOST:PORT, USER@HOST[:PORT], [IPv6]:PORT)");
  }

  /** "host:port", with brackets around an IPv6 address; the key of known_hosts entries. */
  static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
