package dev.rcx.server;

import dev.rcx.config.ServerConfig;

/** Produces the configuration a reload applies; see {@link RcxServer#reload}. */
@FunctionalInterface
public interface PolicySource {
  /**
   * Reads the configuration afresh.
   *
   * @throws RuntimeException (typically {@code ConfigException}) naming the file, line and key
   */
  ServerConfig load();
}
