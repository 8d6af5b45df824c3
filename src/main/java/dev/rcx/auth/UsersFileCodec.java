package dev.rcx.auth;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The users file format, version 1:
 *
 * <pre>{@code
 * {
 *   "version" : 1,
 *   "users" : [ {
 *     "name" : "alice",
 *     "password_hash" : "$argon2id$v=19$m=19456,t=2,p=1$...$...",
 *     "roles" : [ "admin" ]
 *   } ]
 * }
 * }</pre>
 *
 * Users are written sorted by name, roles sorted. Reading is strict (unknown or duplicate fields,
 * duplicate users, invalid names, roles or PHC strings are all errors) because a file that is half
 * understood is not safe to serve.
 */
final class UsersFileCodec {
  static final int VERSION = 1;
  private static final Set<String> TOP_FIELDS = Set.of("version", "users");
  private static final Set<String> USER_FIELDS = Set.of("name", "password_hash", "roles");
  private static final Pattern LONG_TOKEN = Pattern.compile("'[^']{17,}'");

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private UsersFileCodec() {}

  static byte[] encode(Map<String, User> users) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", VERSION);
    ArrayNode array = root.putArray("users");
    for (User user : new TreeMap<>(users).values()) {
      ObjectNode node = array.addObject();
      node.put("name", user.name());
      node.put("password_hash", user.passwordHash());
      ArrayNode roles = node.putArray("roles");
      user.roles().forEach(roles::add);
    }
    try {
      return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot serialize the users file", e);
    }
  }

  /** Parses and validates the file content; the map is sorted by name and unmodifiable. */
  static SortedMap<String, User> decode(Path file, byte[] content) throws CorruptUserFileException {
    JsonNode root;
    try {
      root = MAPPER.readTree(content);
    } catch (JacksonException e) {
      // getOriginalMessage() leaves out the source excerpt Jackson would otherwise append, which
      // could hold a hash.
      String problem = redact(e.getOriginalMessage());
      throw new CorruptUserFileException(
          file, "not valid JSON" + at(e.getLocation()) + ": " + problem);
    } catch (java.io.IOException e) {
      throw new CorruptUserFileException(file, "cannot parse: " + e.getClass().getSimpleName());
    }
    if (root == null || root.isMissingNode()) {
      throw new CorruptUserFileException(file, "it is empty");
    }
    try {
      return Collections.unmodifiableSortedMap(users(root));
    } catch (IllegalArgumentException e) {
      throw new CorruptUserFileException(
          file, Objects.requireNonNullElse(e.getMessage(), e.toString()));
    }
  }

  private static SortedMap<String, User> users(JsonNode root) {
    requireObject(root, "the top level", TOP_FIELDS);
    JsonNode version = root.get("version");
    if (version == null || !version.isInt() || version.intValue() != VERSION) {
      throw new IllegalArgumentException(
          "\"version\" must be "
              + VERSION
              + " but was "
              + (version == null ? "missing" : version.toString()));
    }
    JsonNode array = root.get("users");
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("\"users\" must be an array");
    }
    var users = new TreeMap<String, User>();
    for (int i = 0; i < array.size(); i++) {
      User user = user(array.get(i), "users[" + i + "]");
      if (users.putIfAbsent(user.name(), user) != null) {
        throw new IllegalArgumentException(
            "users[" + i + "]: duplicate user " + Names.quote(user.name()));
      }
    }
    return users;
  }

  private static User user(JsonNode node, String where) {
    requireObject(node, where, USER_FIELDS);
    String name = text(node, "name", where);
    String hash = text(node, "password_hash", where);
    JsonNode rolesNode = node.get("roles");
    if (rolesNode == null || !rolesNode.isArray()) {
      throw new IllegalArgumentException(where + ": \"roles\" must be an array of strings");
    }
    var roles = new LinkedHashSet<String>();
    for (Iterator<JsonNode> it = rolesNode.elements(); it.hasNext(); ) {
      JsonNode role = it.next();
      if (!role.isTextual()) {
        throw new IllegalArgumentException(where + ": \"roles\" must be an array of strings");
      }
      roles.add(role.textValue());
    }
    try {
      Phc.parse(hash);
      return new User(name, hash, roles);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static void requireObject(JsonNode node, String where, Set<String> allowed) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + " must be a JSON object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw new IllegalArgumentException(
            where + ": unknown field " + Names.quote(field) + "; allowed: " + allowed);
      }
    }
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(where + ": \"" + field + "\" must be a string");
    }
    return value.textValue();
  }

  /**
   * Jackson quotes offending tokens; an unquoted password hash would be one, so long tokens are
   * left out.
   */
  static String redact(String message) {
    return LONG_TOKEN
        .matcher(String.valueOf(message))
        .replaceAll(m -> "'<" + (m.group().length() - 2) + " characters>'");
  }

  private static String at(JsonLocation location) {
    return location == null
        ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
