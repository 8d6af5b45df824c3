/**
 * The server configuration: the immutable, validated {@link dev.rcx.config.ServerConfig} with safe
 * defaults (loopback, TLS 1.3 only, bounded limits), and the YAML {@link
 * dev.rcx.config.ConfigLoader} whose errors name the file, line and key. README.md (Configuration)
 * lists every key.
 *
 * <p>Concurrency. Values are immutable and may be shared freely; loading happens on the caller's
 * thread. Depends on no other rcx package.
 */
@NullMarked
package dev.rcx.config;

import org.jspecify.annotations.NullMarked;
