package dev.rcx.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the client configuration file (YAML):
 *
 * <pre>{@code
 * hosts:
 *   web1: {host: 10.0.0.11, port: 7443, user: alice, fingerprint: "3F:2B:..."}
 *   web2: {host: web2.example}
 *   db1:  {}                    # host defaults to the name
 * groups:
 *   web: [web1, web2]
 * }</pre>
 *
 * Every key is optional; an unknown key, a wrong type, a bad name or a group member that names no
 * host is an error naming the file and the key. A missing file is an empty configuration.
 */
public final class ClientConfigLoader {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private ClientConfigLoader() {}

  /** Loads {@code file}; a file that does not exist is {@link ClientConfig#EMPTY}. */
  public static ClientConfig load(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return ClientConfig.EMPTY;
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    // Syntax errors and duplicate keys at one position; other errors get their key's line.
    YamlLines lines = YamlLines.read(bytes, file);
    JsonNode root;
    try {
      root = YAML.readTree(bytes);
    } catch (IOException e) {
      throw new ConfigException(file + ": not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return ClientConfig.EMPTY;
    }
    try {
      return bind(root);
    } catch (ConfigException | IllegalArgumentException e) {
      throw new ConfigException(
          lines.located(file, Objects.requireNonNullElse(e.getMessage(), e.toString())), e);
    }
  }

  private static ClientConfig bind(JsonNode root) {
    allow(root, "top level", Set.of("hosts", "groups"));
    Map<String, ClientConfig.HostEntry> hosts = new LinkedHashMap<>();
    for (var e : mapping(root, "hosts").entrySet()) {
      String name = name("hosts", e.getKey());
      JsonNode h = e.getValue();
      String where = "hosts." + name;
      if (h.isNull()) {
        h = YAML.createObjectNode();
      }
      if (!h.isObject()) {
        throw new ConfigException(where + ": expected a mapping of settings");
      }
      allow(h, where, Set.of("host", "port", "user", "fingerprint"));
      String address = text(h, where, "host");
      Integer port = null;
      JsonNode p = value(h, "port");
      if (p != null) {
        if (!p.isIntegralNumber() || !p.canConvertToInt()) {
          throw new ConfigException(where + ".port: expected a whole number, but got " + p);
        }
        port = p.intValue();
      }
      hosts.put(
          name,
          new ClientConfig.HostEntry(
              name,
              address == null ? name : address,
              port,
              text(h, where, "user"),
              text(h, where, "fingerprint")));
    }
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (var e : mapping(root, "groups").entrySet()) {
      String name = name("groups", e.getKey());
      if (hosts.containsKey(name)) {
        throw new ConfigException(
            "groups." + name + ": a host has the same name; '@" + name + "' would be ambiguous");
      }
      JsonNode members = e.getValue();
      if (!members.isArray()) {
        throw new ConfigException("groups." + name + ": expected a list of host names");
      }
      List<String> list = new ArrayList<>();
      for (JsonNode m : members) {
        if (!m.isTextual() || !hosts.containsKey(m.textValue())) {
          throw new ConfigException(
              "groups." + name + ": member " + m + " is not a host defined under 'hosts'");
        }
        list.add(m.textValue());
      }
      groups.put(name, list);
    }
    return new ClientConfig(hosts, groups);
  }

  private static Map<String, JsonNode> mapping(JsonNode root, String key) {
    JsonNode n = value(root, key);
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (n == null) {
      return out;
    }
    if (!n.isObject()) {
      throw new ConfigException(key + ": expected a mapping of names");
    }
    n.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static String name(String section, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new ConfigException(
          section
              + "."
              + name
              + ": a name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit");
    }
    return name;
  }

  private static void allow(JsonNode node, String where, Set<String> keys) {
    if (!node.isObject()) {
      throw new ConfigException(where + ": expected a mapping of settings");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!keys.contains(key)) {
        throw new ConfigException(
            (where.equals("top level") ? "" : where + ".")
                + key
                + ": unknown setting; known ones are "
                + String.join(", ", keys.stream().sorted().toList()));
      }
    }
  }

  private static @Nullable JsonNode value(JsonNode node, String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  private static @Nullable String text(JsonNode node, String where, String key) {
    JsonNode v = value(node, key);
    if (v == null) {
      return null;
    }
    if (!v.isTextual() || v.textValue().isBlank()) {
      throw new ConfigException(where + "." + key + ": expected non-empty text, but got " + v);
    }
    return v.textValue();
  }
}
