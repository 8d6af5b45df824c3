/**
 * The Java client API: {@link dev.rcx.client.RcxClient} connects (TLS with the caller's trust
 * decision), logs in, runs commands and logs out over the protocol, with typed errors.
 *
 * <p>Concurrency. A client is one connection used by one thread at a time; open several clients for
 * parallel work. It initialises no logging framework, so a one-shot command line starts lean.
 */
@NullMarked
package dev.rcx.client;

import org.jspecify.annotations.NullMarked;
