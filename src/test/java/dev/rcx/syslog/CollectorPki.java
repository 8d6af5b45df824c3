package dev.rcx.syslog;

import dev.rcx.tls.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test CA and the certificates of a syslog collector and of rcx as its client, made by the tls
 * tests' {@link TestPki} and written as PEM files. Keys are SEC1 ({@code BEGIN EC PRIVATE KEY}, as
 * {@code openssl ec} writes them): GnuTLS cannot read the JDK's PKCS#8 encoding of an EC key.
 */
record CollectorPki(
    Path ca, Path collectorCert, Path collectorKey, Path clientCert, Path clientKey) {

  /** Writes a CA, a collector certificate naming {@code names}, and a client certificate. */
  static CollectorPki create(Path dir, String... names) throws IOException {
    Files.createDirectories(dir);
    TestPki.Issued ca = TestPki.ca("rcx test syslog CA");
    TestPki.Issued collector = TestPki.server(ca, "collector", names);
    TestPki.Issued client = TestPki.client(ca, "rcx");
    return new CollectorPki(
        TestPki.writeCertificates(dir.resolve("ca.pem"), ca.certificate()),
        TestPki.writeCertificates(dir.resolve("collector.pem"), collector.certificate()),
        TestPki.writeTraditionalEc(dir.resolve("collector.key"), collector.keys()),
        TestPki.writeCertificates(dir.resolve("client.pem"), client.certificate()),
        TestPki.writeTraditionalEc(dir.resolve("client.key"), client.keys()));
  }

  /** A CA that signed nothing of this PKI (a collector certificate must not verify with it). */
  static Path otherCa(Path file) throws IOException {
    return TestPki.writeCertificates(file, TestPki.ca("another CA").certificate());
  }
}
