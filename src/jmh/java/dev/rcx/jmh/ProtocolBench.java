package dev.rcx.jmh;

import dev.rcx.protocol.LineReader;
import dev.rcx.protocol.MessageCodec;
import dev.rcx.protocol.ProtocolException;
import dev.rcx.protocol.Request;
import dev.rcx.protocol.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The wire format: reading a request line off a byte stream, decoding it, and encoding the response
 * (server side), plus the client's half for comparison. Lines are those of a typical {@code ls -la
 * /tmp} exchange.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProtocolBench {
  private MessageCodec codec;
  private byte[] requestLine;
  private byte[] requestBytes;
  private byte[] responseLine;
  private LineReader connectionReader;

  @Setup
  public void setup() {
    codec = new MessageCodec(Samples.MAX_LINE_BYTES);
    requestBytes = codec.encode(Samples.COMMAND);
    requestLine = Arrays.copyOf(requestBytes, requestBytes.length - 1);
    byte[] response = codec.encode(Samples.OUTPUT);
    responseLine = Arrays.copyOf(response, response.length - 1);
    connectionReader = new LineReader(new ReplayInputStream(requestBytes), Samples.MAX_LINE_BYTES);
  }

  /** Framing only, as a connection does it: one long-lived reader, one request line per read. */
  @Benchmark
  public byte[] lineReader() throws IOException {
    return connectionReader.readLine();
  }

  /**
   * Framing with a new reader per line (allocates and zeroes its 8 KiB chunk): what a new
   * connection pays once.
   */
  @Benchmark
  public byte[] lineReaderNew() throws IOException {
    return new LineReader(new ByteArrayInputStream(requestBytes), Samples.MAX_LINE_BYTES)
        .readLine();
  }

  /**
   * Only the UTF-8 pre-check that {@code MessageCodec.decodeRequest} runs before Jackson parses the
   * same bytes (a strict CharsetDecoder over the whole line), to show its share of {@link
   * #decodeRequest}.
   */
  @Benchmark
  public CharBuffer utf8PreCheck() throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(requestLine));
  }

  /** JSON parse plus strict validation of a command request. */
  @Benchmark
  public Request decodeRequest() throws ProtocolException {
    return codec.decodeRequest(requestLine);
  }

  /** What the server does per request line before the handler: frame, then decode. */
  @Benchmark
  public Request readAndDecodeRequest() throws IOException, ProtocolException {
    return codec.decodeRequest(connectionReader.readLine());
  }

  /** The server's reply to a command. */
  @Benchmark
  public byte[] encodeResponse() {
    return codec.encode(Samples.OUTPUT);
  }

  /** Client side: encoding the request. */
  @Benchmark
  public byte[] clientEncodeRequest() {
    return codec.encode(Samples.COMMAND);
  }

  /** Client side: decoding the reply. */
  @Benchmark
  public Response clientDecodeResponse() throws ProtocolException {
    return codec.decodeResponse(responseLine);
  }
}
