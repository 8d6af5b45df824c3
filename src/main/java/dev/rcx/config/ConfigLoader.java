package dev.rcx.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a server configuration file (YAML). Every key is optional and falls back to {@link
 * ServerConfig#defaults()}; an unknown key, a wrong type or an out-of-range value is an error
 * naming the file, the line, the key and the value; a key given twice is refused. Relative paths
 * (commands, tls.certificate, ...) are resolved against the directory of the configuration file,
 * not the working directory. docs/CONFIGURATION.md lists every key.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = new YAMLMapper();

  /** Every key, by section ("" is the top level); docs/CONFIGURATION.md must list each. */
  private static final Map<String, List<String>> KEYS =
      Map.of(
          "",
          List.of("bind", "port", "tls", "limits", "sessions", "commands", "audit", "metrics"),
          "tls",
          List.of(
              "enabled", "allow_tls12", "certificate", "key", "client_auth", "client_ca", "names"),
          "limits",
          List.of(
              "max_connections",
              "max_line_bytes",
              "handshake_timeout",
              "idle_timeout",
              "line_timeout",
              "max_concurrent_commands",
              "command_queue_wait",
              "shutdown_grace",
              "auth_timeout",
              "max_connections_per_address",
              "max_commands_per_user",
              "audit_records_per_address"),
          "sessions",
          List.of(
              "idle_timeout",
              "lifetime",
              "bind_to_address",
              "max_sessions",
              "max_sessions_per_user"),
          "audit",
          List.of("durability", "seal_epoch_records", "min_free_bytes", "max_file_bytes", "syslog"),
          "audit.syslog",
          List.of("address", "tls", "ca", "cert", "key", "max_backoff"),
          "metrics",
          List.of("listen", "allow_remote"));

  private ConfigLoader() {}

  /** The keys of one section of {@link #KEYS}. */
  private static List<String> keys(String section) {
    List<String> keys = KEYS.get(section);
    if (keys == null) {
      throw new IllegalStateException("no key list for section '" + section + "'");
    }
    return keys;
  }

  /** Every setting a file may hold, as dotted paths ("limits.idle_timeout"). */
  static List<String> knownKeys() {
    List<String> keys = new ArrayList<>();
    addKeys("", keys);
    return keys;
  }

  /** The leaf keys below {@code section} ("" for the top), sections expanded. */
  private static void addKeys(String section, List<String> out) {
    for (String key : keys(section)) {
      String path = section.isEmpty() ? key : section + "." + key;
      if (KEYS.containsKey(path)) {
        addKeys(path, out);
      } else {
        out.add(path);
      }
    }
  }

  public static ServerConfig load(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file; check --config");
    } catch (AccessDeniedException e) {
      throw new ConfigException(
          file + ": permission denied; run rcx as a user that may read it, or fix its permissions");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    YamlLines lines = YamlLines.read(bytes, file);
    JsonNode root;
    try {
      root = YAML.readTree(bytes);
    } catch (IOException e) {
      throw new ConfigException(file + ": not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return ServerConfig.defaults();
    }
    try {
      return bind(new Node(file, "", root), directoryOf(file));
    } catch (ConfigException e) {
      throw new ConfigException(lines.located(file, e.getMessage()), e);
    }
  }

  /** Relative paths in a config file are resolved against the file's own directory. */
  private static Path directoryOf(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null) {
      throw new ConfigException(file + ": not a file path (it has no parent directory)");
    }
    return dir;
  }

  private static ServerConfig bind(Node root, Path base) {
    root.allow(keys(""));
    ServerConfig d = ServerConfig.defaults();
    ServerConfig.Tls dt = d.tls();
    Node t = root.child("tls");
    t.allow(keys("tls"));
    ServerConfig.Tls tls =
        new ServerConfig.Tls(
            t.bool("enabled", dt.enabled()),
            t.bool("allow_tls12", dt.allowTls12()),
            t.path("certificate", base),
            t.path("key", base),
            ServerConfig.ClientAuth.valueOf(
                t.choice("client_auth", "none", Set.of("none", "optional", "required"))
                    .toUpperCase(Locale.ROOT)),
            t.path("client_ca", base),
            t.strings("names"));
    ServerConfig.Limits dl = d.limits();
    Node l = root.child("limits");
    l.allow(keys("limits"));
    int maxConnections = l.integer("max_connections", dl.maxConnections());
    int maxCommands = l.integer("max_concurrent_commands", dl.maxConcurrentCommands());
    ServerConfig.Limits limits =
        new ServerConfig.Limits(
            maxConnections,
            l.integer("max_line_bytes", dl.maxLineBytes()),
            l.duration("handshake_timeout", dl.handshakeTimeout()),
            l.duration("idle_timeout", dl.idleTimeout()),
            l.duration("line_timeout", dl.lineTimeout()),
            maxCommands,
            l.duration("command_queue_wait", dl.commandQueueWait()),
            l.duration("shutdown_grace", dl.shutdownGrace()),
            l.duration("auth_timeout", dl.authTimeout()),
            l.integer(
                "max_connections_per_address",
                ServerConfig.Limits.defaultConnectionsPerAddress(maxConnections)),
            l.integer(
                "max_commands_per_user", ServerConfig.Limits.defaultCommandsPerUser(maxCommands)),
            l.integer("audit_records_per_address", dl.auditRecordsPerAddress()));
    ServerConfig.Sessions ds = d.sessions();
    Node s = root.child("sessions");
    s.allow(keys("sessions"));
    int maxSessions = s.integer("max_sessions", ds.maxSessions());
    ServerConfig.Sessions sessions =
        new ServerConfig.Sessions(
            s.duration("idle_timeout", ds.idleTimeout()),
            s.duration("lifetime", ds.lifetime()),
            s.bool("bind_to_address", ds.bindToAddress()),
            maxSessions,
            s.integer("max_sessions_per_user", ServerConfig.Sessions.defaultPerUser(maxSessions)));
    Node a = root.child("audit");
    a.allow(keys("audit"));
    ServerConfig.Audit audit =
        new ServerConfig.Audit(
            ServerConfig.Durability.valueOf(
                a.choice("durability", "flush", Set.of("flush", "fsync")).toUpperCase(Locale.ROOT)),
            a.integer("seal_epoch_records", d.audit().sealEpochRecords()),
            a.longValue("min_free_bytes", d.audit().minFreeBytes()),
            a.longValue("max_file_bytes", d.audit().maxFileBytes()),
            syslog(a.child("syslog"), base));
    Node m = root.child("metrics");
    m.allow(keys("metrics"));
    String listen = m.optionalString("listen");
    ServerConfig.Metrics metrics =
        new ServerConfig.Metrics(listen, m.bool("allow_remote", d.metrics().allowRemote()));
    return new ServerConfig(
        root.string("bind", d.bind()),
        root.integer("port", d.port()),
        tls,
        limits,
        sessions,
        root.path("commands", base),
        audit,
        metrics);
  }

  private static ServerConfig.Syslog syslog(Node y, Path base) {
    y.allow(keys("audit.syslog"));
    ServerConfig.Syslog off = ServerConfig.Syslog.off();
    return new ServerConfig.Syslog(
        y.optionalString("address"),
        y.bool("tls", off.tls()),
        y.path("ca", base),
        y.path("cert", base),
        y.path("key", base),
        y.duration("max_backoff", off.maxBackoff()));
  }

  /** One mapping in the YAML tree, with typed, key-naming accessors. */
  private record Node(Path file, String prefix, JsonNode node) {
    Node child(String key) {
      JsonNode c = node.get(key);
      if (c != null && !c.isNull() && !c.isObject()) {
        throw new ConfigException(prefix + key + ": expected a mapping of settings");
      }
      return new Node(
          file, prefix + key + ".", c == null || c.isNull() ? YAML.createObjectNode() : c);
    }

    void allow(List<String> keys) {
      if (!node.isObject()) {
        throw new ConfigException(
            (prefix.isEmpty() ? "top level" : prefix) + ": expected a mapping of settings");
      }
      Set<String> allowed = Set.copyOf(keys);
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!allowed.contains(key)) {
          throw new ConfigException(
              prefix + key + ": unknown setting; known ones are " + String.join(", ", keys));
        }
      }
    }

    private @Nullable JsonNode value(String key) {
      JsonNode v = node.get(key);
      return v == null || v.isNull() ? null : v;
    }

    String string(String key, String fallback) {
      String v = optionalString(key);
      return v == null ? fallback : v;
    }

    @Nullable String optionalString(String key) {
      JsonNode v = value(key);
      if (v == null) {
        return null;
      }
      if (!v.isTextual()) {
        throw new ConfigException(prefix + key + ": expected text, but got " + v);
      }
      return v.textValue();
    }

    String choice(String key, String fallback, Set<String> choices) {
      String v = string(key, fallback).toLowerCase(Locale.ROOT);
      if (!choices.contains(v)) {
        throw new ConfigException(
            prefix + key + ": expected one of " + choices + ", but got '" + v + "'");
      }
      return v;
    }

    int integer(String key, int fallback) {
      JsonNode v = value(key);
      if (v == null) {
        return fallback;
      }
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw new ConfigException(prefix + key + ": expected a whole number, but got " + v);
      }
      return v.intValue();
    }

    long longValue(String key, long fallback) {
      JsonNode v = value(key);
      if (v == null) {
        return fallback;
      }
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw new ConfigException(prefix + key + ": expected a whole number, but got " + v);
      }
      return v.longValue();
    }

    boolean bool(String key, boolean fallback) {
      JsonNode v = value(key);
      if (v == null) {
        return fallback;
      }
      if (!v.isBoolean()) {
        throw new ConfigException(prefix + key + ": expected true or false, but got " + v);
      }
      return v.booleanValue();
    }

    Duration duration(String key, Duration fallback) {
      JsonNode v = value(key);
      if (v == null) {
        return fallback;
      }
      return Durations.parse(prefix + key, v.asText());
    }

    List<String> strings(String key) {
      JsonNode v = value(key);
      if (v == null) {
        return List.of();
      }
      if (!v.isArray()) {
        throw new ConfigException(prefix + key + ": expected a list such as [a, b], but got " + v);
      }
      List<String> out = new ArrayList<>();
      for (int i = 0; i < v.size(); i++) {
        if (!v.get(i).isTextual()) {
          throw new ConfigException(
              prefix + key + "[" + (i + 1) + "]: expected text, but got " + v.get(i));
        }
        out.add(v.get(i).textValue());
      }
      return out;
    }

    @Nullable Path path(String key, Path base) {
      JsonNode v = value(key);
      if (v == null) {
        return null;
      }
      if (!v.isTextual() || v.textValue().isBlank()) {
        throw new ConfigException(prefix + key + ": expected a file path, but got " + v);
      }
      return base.resolve(v.textValue()).normalize();
    }
  }
}
