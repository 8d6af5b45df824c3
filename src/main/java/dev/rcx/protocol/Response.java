package dev.rcx.protocol;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A message from server to client. See docs/PROTOCOL.md for the wire form of each. */
public sealed interface Response {

  /** The id of the request this answers, if it had one. */
  @Nullable String id();

  /**
   * {@code auth_response}. On success {@code status} is {@code "success"} with a token; on failure
   * it is {@code "failure"} with a {@code code} ({@link ErrorCode#AUTH_FAILED} or {@link
   * ErrorCode#RATE_LIMITED}).
   */
  record AuthResponse(
      String status,
      @Nullable String sessionToken,
      @Nullable Long expiresIn,
      @Nullable Long idleTimeout,
      @Nullable ErrorCode code,
      @Nullable String message,
      @Nullable Long retryAfterMs,
      @Nullable String id)
      implements Response {
    public AuthResponse {
      Objects.requireNonNull(status, "status");
    }

    public static AuthResponse success(
        String token, long expiresIn, long idleTimeout, @Nullable String id) {
      return new AuthResponse("success", token, expiresIn, idleTimeout, null, null, null, id);
    }

    public static AuthResponse failure(
        ErrorCode code, String message, @Nullable Long retryAfterMs, @Nullable String id) {
      return new AuthResponse("failure", null, null, null, code, message, retryAfterMs, id);
    }

    public boolean succeeded() {
      return "success".equals(status);
    }

    /** The token of a successful login. */
    public String successToken() {
      if (!succeeded() || sessionToken == null) {
        throw new IllegalStateException("a login that did not succeed has no session token");
      }
      return sessionToken;
    }

    @Override
    public String toString() {
      return "AuthResponse[status="
          + status
          + ", code="
          + code
          + ", message="
          + message
          + ", id="
          + id
          + "]";
    }
  }

  /**
   * {@code command_output}: the command ran. {@code status} is {@code "success"} (exit code 0),
   * {@code "failure"} (non-zero exit code), {@code "timed_out"} (killed at its timeout; {@code
   * exit_code} is null) or {@code "cancelled"} (killed on a {@code cancel} request; {@code
   * exit_code} is null).
   *
   * <p>{@code output} and {@code stderr} are the wire values: the text when the bytes were valid
   * UTF-8, else base64 with {@code outputEncoding}/{@code stderrEncoding} {@value
   * OutputData#BASE64}. {@link #outputBytes()} and {@link #stderrBytes()} give the exact bytes.
   */
  record CommandOutput(
      String status,
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
    public CommandOutput {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(stderr, "stderr");
      OutputData.checkEncoding(outputEncoding);
      OutputData.checkEncoding(stderrEncoding);
    }

    /** Output given as text (valid UTF-8 by construction). */
    public CommandOutput(
        String status,
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
        String status,
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
