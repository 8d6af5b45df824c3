package dev.rcx.exec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The SHA-256 of a canonical JSON rendering of whitelist rules; see {@link Whitelist#hash()}. */
final class PolicyHash {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PolicyHash() {}

  static String of(Collection<CommandRule> rules) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartArray();
      for (CommandRule r : rules) {
        write(r, g);
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static void write(CommandRule r, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", r.name());
    g.writeStringField("path", r.executable().toString());
    g.writeArrayFieldStart("args");
    for (String a : r.fixedArgs()) {
      g.writeString(a);
    }
    g.writeEndArray();
    g.writeNumberField("max_args", r.maxArgs());
    g.writeArrayFieldStart("arg_patterns");
    for (Pattern p : r.argPatterns()) {
      g.writeString(p.pattern());
    }
    g.writeEndArray();
    g.writeNumberField("timeout_ms", r.timeout().toMillis());
    g.writeNumberField("max_output", r.maxOutputBytes());
    g.writeArrayFieldStart("users");
    for (String u : new TreeSet<>(r.users())) {
      g.writeString(u);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("roles");
    for (String role : new TreeSet<>(r.roles())) {
      g.writeString(role);
    }
    g.writeEndArray();
    g.writeStringField("workdir", r.workdir().toString());
    g.writeBooleanField("allow_dotdot", r.allowDotDot());
    g.writeArrayFieldStart("positional");
    for (ArgSpec a : r.positional()) {
      g.writeStartObject();
      g.writeStringField("pattern", a.pattern().pattern());
      g.writeBooleanField("path", a.path());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeBooleanField("end_of_options", r.endOfOptions());
    g.writeStringField("sha256", r.sha256());
    g.writeEndObject();
  }
}
