package dev.rcx.testing;

import dev.rcx.config.ServerConfig;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Config customizers for {@link TestServer.Builder#config}: change one or two limits or session
 * settings without spelling out the whole record, e.g. {@code TestServer.start(dir,
 * TestConfigs.limits(l -> l.lineTimeout = Duration.ofMillis(500)))}.
 */
public final class TestConfigs {
  private TestConfigs() {}

  /** Mutable copy of {@link ServerConfig.Limits}; field names follow the record components. */
  public static final class Limits {
    public int maxConnections;
    public int maxLineBytes;
    public Duration handshakeTimeout;
    public Duration idleTimeout;
    public Duration lineTimeout;
    public int maxConcurrentCommands;
    public Duration commandQueueWait;
    public Duration shutdownGrace;
    public Duration authTimeout;
    public int maxConnectionsPerAddress;
    public int maxCommandsPerUser;
    public int auditRecordsPerAddress;

    Limits(ServerConfig.Limits l) {
      maxConnections = l.maxConnections();
      maxLineBytes = l.maxLineBytes();
      handshakeTimeout = l.handshakeTimeout();
      idleTimeout = l.idleTimeout();
      lineTimeout = l.lineTimeout();
      maxConcurrentCommands = l.maxConcurrentCommands();
      commandQueueWait = l.commandQueueWait();
      shutdownGrace = l.shutdownGrace();
      authTimeout = l.authTimeout();
      maxConnectionsPerAddress = l.maxConnectionsPerAddress();
      maxCommandsPerUser = l.maxCommandsPerUser();
      auditRecordsPerAddress = l.auditRecordsPerAddress();
    }

    ServerConfig.Limits build() {
      return new ServerConfig.Limits(
          maxConnections,
          maxLineBytes,
          handshakeTimeout,
          idleTimeout,
          lineTimeout,
          maxConcurrentCommands,
          commandQueueWait,
          shutdownGrace,
          authTimeout,
          Math.min(maxConnectionsPerAddress, maxConnections),
          Math.min(maxCommandsPerUser, maxConcurrentCommands),
          auditRecordsPerAddress);
    }
  }

  /** Mutable copy of {@link ServerConfig.Sessions}. */
  public static final class Sessions {
    public Duration idleTimeout;
    public Duration lifetime;
    public boolean bindToAddress;
    public int maxSessions;
    public int maxSessionsPerUser;

    Sessions(ServerConfig.Sessions s) {
      idleTimeout = s.idleTimeout();
      lifetime = s.lifetime();
      bindToAddress = s.bindToAddress();
      maxSessions = s.maxSessions();
      maxSessionsPerUser = s.maxSessionsPerUser();
    }

    ServerConfig.Sessions build() {
      return new ServerConfig.Sessions(
          idleTimeout,
          lifetime,
          bindToAddress,
          maxSessions,
          Math.min(maxSessionsPerUser, maxSessions));
    }
  }

  public static UnaryOperator<ServerConfig> limits(Consumer<Limits> change) {
    return c -> {
      Limits l = new Limits(c.limits());
      change.accept(l);
      return c.withLimits(l.build());
    };
  }

  public static UnaryOperator<ServerConfig> sessions(Consumer<Sessions> change) {
    return c -> {
      Sessions s = new Sessions(c.sessions());
      change.accept(s);
      return c.withSessions(s.build());
    };
  }
}
