package dev.rcx.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** The key per-address limits count by: an IPv4 address, or the /64 an IPv6 address is in. */
final class Addresses {
  private Addresses() {}

  static String key(InetAddress a) {
    if (a instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      if (isMappedV4(b)) {
        return (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
      }
      // One host usually gets a whole /64: counting single IPv6 addresses would be no limit.
      return String.format(
              "%x:%x:%x:%x",
              ((b[0] & 0xff) << 8) | (b[1] & 0xff),
              ((b[2] & 0xff) << 8) | (b[3] & 0xff),
              ((b[4] & 0xff) << 8) | (b[5] & 0xff),
              ((b[6] & 0xff) << 8) | (b[7] & 0xff))
          + "::/64";
    }
    return a.getHostAddress();
  }

  /**
   * The key of a client named as in audit records ({@code ip:port} or {@code [v6]:port}); the text
   * itself if it cannot be parsed.
   */
  static String keyOfClient(String client) {
    String host =
        client.startsWith("[") && client.indexOf(']') > 0
            ? client.substring(1, client.indexOf(']'))
            : client.lastIndexOf(':') > 0 ? client.substring(0, client.lastIndexOf(':')) : client;
    try {
      // Only literal addresses reach here (from accepted sockets): no name lookup happens.
      return looksLiteral(host) ? key(InetAddress.getByName(host)) : host;
    } catch (UnknownHostException e) {
      return host;
    }
  }

  private static boolean looksLiteral(String host) {
    return !host.isEmpty()
        && host.chars()
            .allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%');
  }

  private static boolean isMappedV4(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }
}
