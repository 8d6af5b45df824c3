package dev.rcx.protocol;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message from client to server. Field names on the wire are those of the original design ({@code
 * session_token}, {@code password_hash}); see docs/PROTOCOL.md. Every request may carry an optional
 * {@code id} that the reply echoes.
 */
public sealed interface Request {

  /** Optional correlation id chosen by the client, echoed in the reply. */
  @Nullable String id();

  /** The wire name of this message's {@code type}. */
  String type();

  /**
   * {@code {"type":"auth","username":..,"password_hash":..}}. {@code passwordHash} is null for a
   * certificate login: a connection whose verified client certificate names {@code username}
   * (mutual TLS) needs no password.
   */
  record Auth(String username, @Nullable String passwordHash, @Nullable String id)
      implements Request {
    public Auth {
      Objects.requireNonNull(username, "username");
    }

    @Override
    public String type() {
      return "auth";
    }

    @Override
    public String toString() {
      return "Auth[username=" + username + ", id=" + id + "]";
    }
  }

  /**
   * {@code {"type":"command","session_token":..,"command":..,"args":[..],"stream":true}}. With
   * {@code stream} the output arrives as {@code command_chunk} messages while the command runs,
   * before its {@code command_output}; without it, all in the {@code command_output}.
   */
  record Command(
      String sessionToken, String command, List<String> args, boolean stream, @Nullable String id)
      implements Request {
    public Command {
      Objects.requireNonNull(sessionToken, "sessionToken");
      Objects.requireNonNull(command, "command");
      args = List.copyOf(args);
    }

    /** A command whose output comes in its {@code command_output} only (the original design). */
    public Command(String sessionToken, String command, List<String> args, @Nullable String id) {
      this(sessionToken, command, args, /* stream= */ false, id);
    }

    @Override
    public String type() {
      return "command";
    }

    @Override
    public String toString() {
      return "Command[command="
          + command
          + ", args="
          + args
          + ", stream="
          + stream
          + ", id="
          + id
          + "]";
    }
  }

  /** {@code {"type":"logout","session_token":..}}. */
  record Logout(String sessionToken, @Nullable String id) implements Request {
    public Logout {
      Objects.requireNonNull(sessionToken, "sessionToken");
    }

    @Override
    public String type() {
      return "logout";
    }

    @Override
    public String toString() {
      return "Logout[id=" + id + "]";
    }
  }

  /**
   * {@code {"type":"cancel"}}: stop the commands sent earlier on this connection that have not
   * finished; their {@code command_output} says {@code cancelled}. Acted on as soon as the server
   * reads it, even while a command runs; answered with {@code cancel_response} in request order.
   */
  record Cancel(@Nullable String id) implements Request {
    @Override
    public String type() {
      return "cancel";
    }
  }

  /**
   * {@code {"type":"list_commands","session_token":..}}: the whitelist entries this session's user
   * may run, for completion and help.
   */
  record ListCommands(String sessionToken, @Nullable String id) implements Request {
    public ListCommands {
      Objects.requireNonNull(sessionToken, "sessionToken");
    }

    @Override
    public String type() {
      return "list_commands";
    }

    @Override
    public String toString() {
      return "ListCommands[id=" + id + "]";
    }
  }

  /** {@code {"type":"ping"}}. */
  record Ping(@Nullable String id) implements Request {
    @Override
    public String type() {
      return "ping";
    }
  }
}
