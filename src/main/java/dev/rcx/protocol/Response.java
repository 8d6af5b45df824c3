package dev.rcx.protocol;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A message from server to client. See docs/PROTOCOL.md for the wire form of each. */
public sealed interface Response {

  /** The id of the request this answers, if it had one. */
  @Nullable String id();

  /**
   * {@code auth_response}: a {@link Success} (status {@code "success"}, with the session token) or
   * a {@link Failure} (status {@code "failure"}, with a {@code code}: {@link
   * ErrorCode#AUTH_FAILED}, {@link ErrorCode#RATE_LIMITED}, {@link ErrorCode#SERVER_BUSY} or {@link
   * ErrorCode#INTERNAL}). {@link MessageCodec} maps each to and from the one wire object.
   */
  sealed interface AuthResponse extends Response {
    /** The login succeeded; {@code expiresIn} and {@code idleTimeout} are seconds. */
    record Success(String sessionToken, long expiresIn, long idleTimeout, @Nullable String id)
        implements AuthResponse {
      public Success {
        Objects.requireNonNull(sessionToken, "sessionToken");
      }

      /** Never shows the token. */
      @Override
      public String toString() {
        return "AuthResponse.Success[expiresIn="
            + expiresIn
            + ", idleTimeout="
            + idleTimeout
            + ", id="
            + id
            + "]";
      }
    }

    /** The login failed; {@code retryAfterMs} only with {@link ErrorCode#RATE_LIMITED}. */
    record Failure(ErrorCode code, String message, @Nullable Long retryAfterMs, @Nullable String id)
        implements AuthResponse {
      public Failure {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
      }
    }

    static Success success(String token, long expiresIn, long idleTimeout, @Nullable String id) {
      return new Success(token, expiresIn, idleTimeout, id);
    }

    static Failure failure(
        ErrorCode code, String message, @Nullable Long retryAfterMs, @Nullable String id) {
      return new Failure(code, message, retryAfterMs, id);
    }
  }

  /**
   * {@code command_output}: the command ran; {@code status} says how it ended ({@link Status}).
   *
   * <p>{@code output} and {@code stderr} are the wire values: the text when the bytes were valid
   * UTF-8, else base64 with {@code outputEncoding}/{@code stderrEncoding} {@value
   * OutputData#BASE64}. {@link #outputBytes()} and {@link #stderrBytes()} give the exact bytes.
   */
  record CommandOutput(
      Status status,
      String output,
      @Nullable String outputEncoding,
      String stderr,
      @Nullable String stderrEncoding,
      @Nullable Integer exitCode,
      long durationMs,
      boolean truncated,
      boolean timedOut,
      @Nullable String id)
      implements Response {
    /** How the command ended, by its wire name in the {@code status} field. */
    public enum Status {
      /** Exit code 0. */
      SUCCESS("success"),
      /** A non-zero exit code. */
      FAILURE("failure"),
      /** Killed at its timeout; {@code exit_code} is null. */
      TIMED_OUT("timed_out"),
      /** Killed on a {@code cancel} request; {@code exit_code} is null. */
      CANCELLED("cancelled");

      private final String wireName;

      Status(String wireName) {
        this.wireName = wireName;
      }

      /** The value of the {@code status} field. */
      public String wireName() {
        return wireName;
      }

      /** The status a {@code status} field names, or null for any other value. */
      public static @Nullable Status fromWire(@Nullable String value) {
        for (Status s : values()) {
          if (s.wireName.equals(value)) {
            return s;
          }
        }
        return null;
      }

      /** The status of a command that exited with {@code exitCode}. */
      public static Status ofExitCode(int exitCode) {
        return exitCode == 0 ? SUCCESS : FAILURE;
      }
    }

    public CommandOutput {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(stderr, "stderr");
      OutputData.checkEncoding(outputEncoding);
      OutputData.checkEncoding(stderrEncoding);
    }

    /** Output given as text (valid UTF-8 by construction). */
    public CommandOutput(
        Status status,
        String output,
        String stderr,
        @Nullable Integer exitCode,
        long durationMs,
        boolean truncated,
        boolean timedOut,
        @Nullable String id) {
      this(status, output, null, stderr, null, exitCode, durationMs, truncated, timedOut, id);
    }

    /** Output given as data, each stream text or base64 as its bytes require. */
    public static CommandOutput of(
        Status status,
        OutputData stdout,
        OutputData stderr,
        @Nullable Integer exitCode,
        long durationMs,
        boolean truncated,
        boolean timedOut,
        @Nullable String id) {
      return new CommandOutput(
          status,
          stdout.value(),
          stdout.encoding(),
          stderr.value(),
          stderr.encoding(),
          exitCode,
          durationMs,
          truncated,
          timedOut,
          id);
    }

    /** Standard output as sent. */
    public OutputData outputData() {
      return new OutputData(output, outputEncoding);
    }

    /** Standard error as sent. */
    public OutputData stderrData() {
      return new OutputData(stderr, stderrEncoding);
    }

    /** The exact bytes of standard output. */
    public byte[] outputBytes() {
      return outputData().bytes();
    }

    /** The exact bytes of standard error. */
    public byte[] stderrBytes() {
      return stderrData().bytes();
    }
  }

  /**
   * {@code command_chunk}: a piece of a streamed command's output, sent as it arrives, in order
   * ({@code seq} counts from 0 per command). {@code stream} is {@code "stdout"} or {@code
   * "stderr"}; {@code data} is text, or base64 with {@code dataEncoding} {@value
   * OutputData#BASE64}.
   */
  record CommandChunk(
      String stream, String data, @Nullable String dataEncoding, long seq, @Nullable String id)
      implements Response {
    public static final String STDOUT = "stdout";
    public static final String STDERR = "stderr";

    public CommandChunk {
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(data, "data");
      if (!stream.equals(STDOUT) && !stream.equals(STDERR)) {
        throw new IllegalArgumentException(
            "stream must be stdout or stderr but was '" + MessageCodec.clip(stream) + "'");
      }
      OutputData.checkEncoding(dataEncoding);
    }

    public static CommandChunk of(boolean stderr, OutputData data, long seq, @Nullable String id) {
      return new CommandChunk(stderr ? STDERR : STDOUT, data.value(), data.encoding(), seq, id);
    }

    /** Whether this is standard error (else standard output). */
    public boolean isStderr() {
      return stream.equals(STDERR);
    }

    /** The exact bytes. */
    public byte[] bytes() {
      return new OutputData(data, dataEncoding).bytes();
    }
  }

  /**
   * {@code cancel_response}: the {@code cancel} was acted on; the cancelled command's own {@code
   * command_output} (status {@code cancelled}) came before this.
   */
  record CancelResponse(String status, @Nullable String id) implements Response {
    public CancelResponse {
      Objects.requireNonNull(status, "status");
    }
  }

  /** {@code command_list}: the commands the session's user may run, by name, in whitelist order. */
  record CommandList(List<CommandInfo> commands, @Nullable String id) implements Response {
    public CommandList {
      commands = List.copyOf(commands);
    }
  }

  /**
   * One runnable command: its name and how many extra words it takes (never its path or patterns).
   */
  record CommandInfo(String name, int maxArgs) {
    public CommandInfo {
      Objects.requireNonNull(name, "name");
    }
  }

  /** {@code logout_response}: the token is revoked. */
  record LogoutResponse(String status, @Nullable String id) implements Response {}

  /** {@code pong}: answer to {@code ping}. */
  record Pong(@Nullable String id) implements Response {}

  /** {@code error}: the request was not carried out; {@code code} says why. */
  // Named after the wire message; always used qualified (Response.Error), never imported.
  @SuppressWarnings("AvoidCommonTypeNames")
  record Error(ErrorCode code, String message, @Nullable Long retryAfterMs, @Nullable String id)
      implements Response {
    public Error {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }

    public Error(ErrorCode code, String message, @Nullable String id) {
      this(code, message, null, id);
    }
  }
}
