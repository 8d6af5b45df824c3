package dev.rcx.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessageCodecTest {
  private static final String HASH = "a".repeat(64);
  private final MessageCodec codec = new MessageCodec(64 * 1024);

  private Request decode(String json) throws ProtocolException {
    return codec.decodeRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  private ProtocolException failure(String json) {
    return catchThrowableOfType(ProtocolException.class, () -> decode(json));
  }

  @Test
  void decodeRequest_seedAuth_givesAuth() throws Exception {
    Request r =
        decode(
            "{\"type\":\"auth\",\"username\":\"user1\",\"password_hash\":\""
                + HASH.toUpperCase(Locale.ROOT)
                + "\"}");
    assertThat(r).isEqualTo(new Request.Auth("user1", HASH, null));
  }

  @Test
  void decodeRequest_authWithoutPasswordHash_givesCertificateLogin() throws Exception {
    Request r = decode("{\"type\":\"auth\",\"username\":\"user1\"}");
    assertThat(r).isEqualTo(new Request.Auth("user1", null, null));
    assertThat(new String(codec.encode(r), StandardCharsets.UTF_8)).doesNotContain("password_hash");
  }

  @Test
  void decodeRequest_commandWithArgsAndId_givesCommand() throws Exception {
    Request r =
        decode(
            "{\"type\":\"command\",\"session_token\":\"t\",\"command\":\"ls\",\"args\":[\"-la\",\"/tmp\"],\"id\":\"7\"}");
    assertThat(r).isEqualTo(new Request.Command("t", "ls", List.of("-la", "/tmp"), "7"));
  }

  @Test
  void decodeRequest_seedCommandWithoutArgs_hasEmptyArgs() throws Exception {
    assertThat(decode("{\"type\":\"command\",\"session_token\":\"abc123\",\"command\":\"ls\"}"))
        .isEqualTo(new Request.Command("abc123", "ls", List.of(), null));
  }

  @Test
  void decodeRequest_logoutAndPing_areDecoded() throws Exception {
    assertThat(decode("{\"type\":\"logout\",\"session_token\":\"t\"}"))
        .isEqualTo(new Request.Logout("t", null));
    assertThat(decode("{\"type\":\"ping\",\"id\":\"x\"}")).isEqualTo(new Request.Ping("x"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{not json|MALFORMED_JSON",
        "{\"type\":\"ping\"} trailing|MALFORMED_JSON",
        "{\"type\":\"ping\",\"type\":\"ping\"}|MALFORMED_JSON",
        "[1,2]|INVALID_REQUEST",
        "\"text\"|INVALID_REQUEST",
        "{}|INVALID_REQUEST",
        "{\"type\":5}|INVALID_REQUEST",
        "{\"type\":\"shutdown\"}|UNKNOWN_TYPE",
        "{\"type\":\"ping\",\"extra\":1}|INVALID_REQUEST",
        "{\"type\":\"auth\",\"username\":5,\"password_hash\":\"x\"}|INVALID_REQUEST",
        "{\"type\":\"auth\",\"username\":\"u\",\"password_hash\":\"short\"}|INVALID_REQUEST",
        "{\"type\":\"command\",\"session_token\":\"t\",\"command\":[\"ls\"]}|INVALID_REQUEST",
        "{\"type\":\"command\",\"session_token\":\"t\",\"command\":\"ls\",\"args\":\"-l\"}|INVALID_REQUEST",
        "{\"type\":\"command\",\"session_token\":\"t\",\"command\":\"ls\",\"args\":[1]}|INVALID_REQUEST",
        "{\"type\":\"command\",\"session_token\":true,\"command\":\"ls\"}|INVALID_REQUEST",
        "{\"type\":\"ping\",\"id\":{}}|INVALID_REQUEST",
      })
  void decodeRequest_badInput_givesPreciseCode(String json, ErrorCode expected) {
    assertThat(failure(json).code()).isEqualTo(expected);
  }

  @Test
  void decodeRequest_unknownField_namesIt() {
    assertThat(failure("{\"type\":\"ping\",\"sudo\":true}").getMessage()).contains("'sudo'");
  }

  @Test
  void decodeRequest_errorAfterId_echoesId() {
    ProtocolException e = failure("{\"type\":\"command\",\"id\":\"42\",\"command\":\"ls\"}");
    assertThat(e.requestId()).isEqualTo("42");
    assertThat(e.getMessage()).contains("session_token");
  }

  @Test
  void decodeRequest_deepNesting_isRejectedCheaply() {
    String deep = "{\"type\":\"ping\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    assertThat(failure(deep).code()).isEqualTo(ErrorCode.MALFORMED_JSON);
  }

  @Test
  void decodeRequest_hugeNumber_isRejected() {
    assertThat(failure("{\"type\":\"ping\",\"x\":" + "9".repeat(5000) + "}").code())
        .isEqualTo(ErrorCode.MALFORMED_JSON);
  }

  @Test
  void decodeRequest_invalidUtf8_isMalformed() {
    byte[] bad = {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    ProtocolException e =
        catchThrowableOfType(ProtocolException.class, () -> codec.decodeRequest(bad));
    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON);
    assertThat(e.getMessage()).contains("UTF-8");
  }

  @Test
  void decodeRequest_nulAndControlCharsInStrings_areKeptLiterally() throws Exception {
    Request r =
        decode(
            "{\"type\":\"command\",\"session_token\":\"t\",\"command\":\"echo \\u0000\\u0007\"}");
    assertThat(((Request.Command) r).command()).isEqualTo("echo \u0000\u0007");
  }

  @Test
  void encodeThenDecode_everyResponse_roundTrips() throws Exception {
    List<Response> all =
        List.of(
            Response.AuthResponse.success("tok", 28800, 900, "1"),
            Response.AuthResponse.failure(ErrorCode.RATE_LIMITED, "slow down", 2000L, null),
            new Response.CommandOutput(
                Response.CommandOutput.Status.FAILURE,
                "out\n",
                "err\u0001",
                3,
                12,
                true,
                false,
                "9"),
            new Response.CommandOutput(
                Response.CommandOutput.Status.TIMED_OUT, "", "", null, 10_000, false, true, null),
            Response.CommandOutput.of(
                Response.CommandOutput.Status.SUCCESS,
                OutputData.of(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 'a'}),
                OutputData.of(new byte[] {(byte) 0xc3}),
                0,
                1,
                false,
                false,
                null),
            Response.CommandChunk.of(false, OutputData.of(new byte[] {'h', 'i'}), 0, "s"),
            Response.CommandChunk.of(true, OutputData.of(new byte[] {(byte) 0xff}), 7, null),
            new Response.CancelResponse("success", "k"),
            new Response.LogoutResponse("success", null),
            new Response.Pong("p"),
            new Response.Error(ErrorCode.COMMAND_NOT_ALLOWED, "no", "c"));
    for (Response r : all) {
      byte[] line = codec.encode(r);
      assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
      assertThat(new String(line, StandardCharsets.UTF_8).indexOf('\n')).isEqualTo(line.length - 1);
      assertThat(codec.decodeResponse(java.util.Arrays.copyOf(line, line.length - 1))).isEqualTo(r);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void outputData_validUtf8IsText_elseBase64_bothExact() {
    byte[] text = "h\u00e9 \u20ac \uD83D\uDE00\n".getBytes(StandardCharsets.UTF_8);
    assertThat(OutputData.of(text).encoding()).isNull();
    assertThat(OutputData.of(text).bytes()).isEqualTo(text);
    // Truncated sequence, lone continuation byte, overlong NUL, UTF-16 surrogate as UTF-8, 0xff.
    byte[][] invalid = {
      {(byte) 0xe2, (byte) 0x82},
      {'a', (byte) 0x80},
      {(byte) 0xc0, (byte) 0x80},
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xff}
    };
    for (byte[] b : invalid) {
      OutputData d = OutputData.of(b);
      assertThat(d.encoding()).isEqualTo("base64");
      assertThat(d.bytes()).isEqualTo(b);
    }
  }

  @Test
  void decodeResponse_badOutputEncoding_refused() {
    assertThatThrownBy(
            () ->
                codec.decodeResponse(
                    utf8(
                        "{\"type\":\"command_output\",\"status\":\"success\",\"output\":\"x\",\"output_encoding\":\"rot13\"}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("output")
        .hasMessageContaining("rot13");
    assertThatThrownBy(
            () ->
                codec.decodeResponse(
                    utf8(
                        "{\"type\":\"command_output\",\"status\":\"success\",\"output\":\"\",\"stderr\":\"!!\",\"stderr_encoding\":\"base64\"}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("stderr");
  }

  @Test
  void encode_commandOutput_usesDesignFieldNames() {
    String json =
        new String(
            codec.encode(
                new Response.CommandOutput(
                    Response.CommandOutput.Status.SUCCESS,
                    "file1\nfile2",
                    "",
                    0,
                    5,
                    false,
                    false,
                    null)),
            StandardCharsets.UTF_8);
    assertThat(json)
        .startsWith(
            "{\"type\":\"command_output\",\"status\":\"success\",\"output\":\"file1\\nfile2\"")
        .contains(
            "\"exit_code\":0", "\"duration_ms\":5", "\"truncated\":false", "\"timed_out\":false");
  }

  @Test
  void encodeThenDecode_requests_roundTrip() throws Exception {
    List<Request> all =
        List.of(
            new Request.Auth("u", HASH, null),
            new Request.Command("t", "ls -la", List.of("a b", "\"q\""), "id1"),
            new Request.Command("t", "uptime", List.of(), /* stream= */ true, "id2"),
            new Request.Cancel("k"),
            new Request.Logout("t", null),
            new Request.Ping(null));
    for (Request r : all) {
      byte[] line = codec.encode(r);
      assertThat(codec.decodeRequest(java.util.Arrays.copyOf(line, line.length - 1))).isEqualTo(r);
    }
  }

  private Response decodeResponse(String json) throws ProtocolException {
    return codec.decodeResponse(json.getBytes(StandardCharsets.UTF_8));
  }

  private String encoded(Response r) {
    return new String(codec.encode(r), StandardCharsets.UTF_8);
  }

  @Test
  void encode_authResponse_sameWireObjectForEachOutcome() {
    assertThat(encoded(Response.AuthResponse.success("tok", 28800, 900, "1")))
        .isEqualTo(
            "{\"type\":\"auth_response\",\"status\":\"success\",\"session_token\":\"tok\","
                + "\"expires_in\":28800,\"idle_timeout\":900,\"id\":\"1\"}\n");
    assertThat(
            encoded(
                Response.AuthResponse.failure(
                    ErrorCode.RATE_LIMITED, "too many failed logins", 2000L, null)))
        .isEqualTo(
            "{\"type\":\"auth_response\",\"status\":\"failure\",\"code\":\"RATE_LIMITED\","
                + "\"message\":\"too many failed logins\",\"retry_after_ms\":2000}\n");
  }

  @Test
  void decodeResponse_authSuccessWithoutToken_refused() {
    assertThatThrownBy(() -> decodeResponse("{\"type\":\"auth_response\",\"status\":\"success\"}"))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("session_token");
  }

  @Test
  void decodeResponse_authFailureWithoutCodeOrMessage_isAuthFailed() throws Exception {
    assertThat(decodeResponse("{\"type\":\"auth_response\",\"status\":\"failure\"}"))
        .isEqualTo(
            Response.AuthResponse.failure(
                ErrorCode.AUTH_FAILED, "authentication failed", null, null));
  }

  @Test
  void authSuccess_toString_neverShowsToken() {
    assertThat(Response.AuthResponse.success("secret-token-value", 1, 1, null).toString())
        .doesNotContain("secret-token-value");
  }

  @Test
  void decodeResponse_commandOutputUnknownStatus_refusedNamingField() {
    assertThatThrownBy(
            () ->
                decodeResponse(
                    "{\"type\":\"command_output\",\"status\":\"exploded\",\"output\":\"\","
                        + "\"stderr\":\"\",\"exit_code\":0}"))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("'status'")
        .hasMessageContaining("'exploded'");
  }

  @Test
  void commandStatus_wireNames_areTheDocumentedOnes() {
    assertThat(Response.CommandOutput.Status.values())
        .extracting(Response.CommandOutput.Status::wireName)
        .containsExactly("success", "failure", "timed_out", "cancelled");
    for (Response.CommandOutput.Status s : Response.CommandOutput.Status.values()) {
      assertThat(Response.CommandOutput.Status.fromWire(s.wireName())).isSameAs(s);
    }
    assertThat(Response.CommandOutput.Status.fromWire("SUCCESS")).isNull();
  }
}
