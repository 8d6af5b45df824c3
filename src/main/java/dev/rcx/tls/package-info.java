/**
 * The one place where rcx builds {@link javax.net.ssl.SSLContext}s and {@link
 * javax.net.ssl.SSLParameters} and handles certificates.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li>Nothing here touches global state: no {@code Security.addProvider}, no {@code
 *       Security.setProperty}, no {@code SSLContext.setDefault}. BouncyCastle is used only as a
 *       library (certificate builder, PEM parser); all cryptography runs in the JDK's own
 *       providers. Protocols, cipher suites, named groups and client authentication are set on
 *       {@link javax.net.ssl.SSLParameters}, which callers must apply to every socket ({@link
 *       dev.rcx.tls.ServerTls#parameters}, {@link dev.rcx.tls.ClientTls#parameters}).
 *   <li>Default policy is Mozilla "modern": TLS 1.3 only with its three AEAD suites and the groups
 *       x25519, secp256r1, secp384r1. TLS 1.2 is an opt-in and then allows only ECDHE key exchange
 *       with AEAD ciphers.
 *   <li>Clients trust a server in one of four ways ({@link dev.rcx.tls.ClientTrust}): a CA or
 *       self-signed certificate file (PKIX plus hostname check), a pinned SHA-256 fingerprint, an
 *       ssh-like known-hosts file (trust on first use), or an explicit insecure opt-out. With a
 *       fingerprint the certificate itself is the identity, as an ssh host key is: neither its
 *       names nor its validity dates are checked.
 *   <li>Files holding secrets are written atomically (temporary file, fsync, rename, fsync of the
 *       directory) with mode 600, so a crash never leaves a half-written key.
 * </ul>
 *
 * <p>Concurrency. Contexts, parameters, identities and trust settings are immutable once built and
 * shared by every connection; trust managers run on the handshaking thread and keep no state
 * between handshakes. The known-hosts trust manager re-reads the file on every handshake and runs
 * lookup, prompt and append under one JVM-wide lock, so parallel first connections ask once and
 * write one line; the file is replaced atomically, so a reader never sees half of it. Loading or
 * generating keys happens on the caller's thread. Uses only {@code files} of rcx.
 */
@NullMarked
package dev.rcx.tls;

import org.jspecify.annotations.NullMarked;
