package dev.rcx.server;

import dev.rcx.config.ServerConfig;
import dev.rcx.tls.ServerIdentity;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;

/**
 * The names a generated server certificate is made for, so that {@code --cacert server.crt} works
 * with the names clients really type: {@code tls.names}, the bound address (every interface address
 * when bound to a wildcard), and the host's own name and fully qualified name. {@code localhost}
 * and {@code 127.0.0.1} are always added by the certificate generator.
 */
final class CertificateNames {
  private CertificateNames() {}

  /**
   * What this configuration promises: {@code tls.names} and a specific bound address. A reused
   * certificate that lacks one of these is reported at start.
   */
  static List<String> required(ServerConfig config, InetAddress bindAddress) {
    SequencedSet<String> names = new LinkedHashSet<>(config.tls().names());
    if (!bindAddress.isAnyLocalAddress()) {
      names.add(bindAddress.getHostAddress());
      if (!config.bind().equals(bindAddress.getHostAddress())) {
        names.add(config.bind()); // bound by name: clients type that name
      }
    }
    return List.copyOf(names);
  }

  /**
   * {@link #required} plus what a new certificate should also name: the host's names and, for a
   * wildcard bind, every address of every interface that is up (link-local ones excepted). Names a
   * certificate cannot hold (a host name with '_') are left out.
   */
  static List<String> forNewCertificate(ServerConfig config, InetAddress bindAddress) {
    SequencedSet<String> names = new LinkedHashSet<>(required(config, bindAddress));
    hostNames(names);
    if (bindAddress.isAnyLocalAddress()) {
      interfaceAddresses(names);
    }
    return names.stream().filter(ServerIdentity::isValidName).toList();
  }

  private static void hostNames(SequencedSet<String> names) {
    try {
      InetAddress local = InetAddress.getLocalHost();
      names.add(local.getHostName());
      String canonical = local.getCanonicalHostName();
      if (!canonical.equals(local.getHostAddress())) {
        names.add(canonical);
      }
    } catch (UnknownHostException | SecurityException e) {
      // No resolvable host name: the certificate names addresses and tls.names only.
    }
  }

  private static void interfaceAddresses(SequencedSet<String> names) {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp()) {
          continue;
        }
        List<InetAddress> addresses = new ArrayList<>(Collections.list(nic.getInetAddresses()));
        for (InetAddress a : addresses) {
          if (!a.isLinkLocalAddress()) {
            String text = a.getHostAddress();
            int scope = text.indexOf('%');
            names.add(scope < 0 ? text : text.substring(0, scope));
          }
        }
      }
    } catch (SocketException e) {
      // Interfaces cannot be listed: the certificate names what else is known.
    }
  }
}
