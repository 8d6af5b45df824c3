package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.audit.AuditLog;
import dev.rcx.audit.KeyedVerifyResult;
import dev.rcx.audit.VerifyResult;
import dev.rcx.testing.TestServer;
import java.io.IOException;

/**
 * A live server under attack plus the {@link HonestClient} that must not notice. {@link #finish()}
 * is the common end of every hostile case: the honest client was unharmed, a fresh client is still
 * served, and after shutdown the audit log verifies both as a hash chain and with the verification
 * key taken when the server started.
 */
final class Arena implements AutoCloseable {
  final TestServer server;
  final HonestClient honest;
  private final String auditKey;

  private Arena(TestServer server, HonestClient.Options options) throws IOException {
    this.server = server;
    this.auditKey =
        server
            .server()
            .takeAuditVerificationKey()
            .orElseThrow(() -> new AssertionError("no audit key for a new log"));
    this.honest = HonestClient.start(server, options);
  }

  static Arena open(TestServer.Builder builder) throws IOException {
    return open(builder, HonestClient.Options.defaults());
  }

  static Arena open(TestServer.Builder builder, HonestClient.Options options) throws IOException {
    TestServer server = builder.start();
    try {
      return new Arena(server, options);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * Asserts the honest client is still making progress and was unharmed throughout, the server
   * still serves a fresh client, and (after closing it) the audit log verifies.
   */
  HonestClient.Report finish() throws IOException {
    // At least 3 more commands now, and at least 5 in all even after a very short case.
    honest.awaitProgress(Math.max(3, 5 - honest.completed()), java.time.Duration.ofSeconds(10));
    HonestClient.Report report = honest.assertUnharmed();
    System.out.println("HONEST: " + report);
    server.assertStillServes();
    server.close();
    VerifyResult chain = AuditLog.verify(server.auditFile());
    assertThat(chain).as("audit hash chain").isInstanceOf(VerifyResult.Intact.class);
    KeyedVerifyResult keyed = AuditLog.verify(server.auditFile(), auditKey);
    assertThat(keyed)
        .as("keyed audit verification")
        .isInstanceOf(KeyedVerifyResult.Authentic.class);
    assertThat(((KeyedVerifyResult.Authentic) keyed).keyFile())
        .isEqualTo(KeyedVerifyResult.KeyFileState.CONSISTENT);
    return report;
  }

  @Override
  public void close() {
    honest.close();
    server.close();
  }
}
