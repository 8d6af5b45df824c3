/**
 * Configuration: the server's immutable, validated {@link dev.rcx.config.ServerConfig} with safe
 * defaults (loopback, TLS 1.3 only, bounded limits) and the YAML {@link
 * dev.rcx.config.ConfigLoader} whose errors name the file, line and key (docs/CONFIGURATION.md
 * lists every key); the client's {@link dev.rcx.config.ClientConfig} (named hosts and groups, read
 * by {@link dev.rcx.config.ClientConfigLoader}); and {@link dev.rcx.config.Durations}, the one way
 * a duration is written and read.
 *
 * <p>Concurrency. Values are immutable and may be shared freely; loading happens on the caller's
 * thread. Depends on no other rcx package.
 */
@NullMarked
package dev.rcx.config;

import org.jspecify.annotations.NullMarked;
