package dev.rcx.audit;

/**
 * When {@link AuditLog#append} returns, how much a failure can still take away. In both modes
 * records reach the file in seq order, so whatever a crash leaves is a prefix of the chain, at
 * worst followed by one torn line that the next {@link AuditLog#open} repairs.
 */
public enum Durability {
  /**
   * Each record is handed to the OS ({@code write(2)}) before {@code append} returns. It survives a
   * crash or kill of this process. It does NOT survive a power loss or kernel crash: records
   * appended in the last few seconds before one (until the kernel's writeback, typically up to
   * about 30 s) may be lost. Seals are forced to disk regardless.
   */
  FLUSH,

  /**
   * Each record is forced to stable storage ({@code fdatasync}/{@code fsync} via {@link
   * java.nio.channels.FileChannel#force}) before {@code append} returns; concurrent appenders share
   * one force (group commit), so throughput grows with concurrency while latency stays about one
   * disk flush. A record whose {@code append} returned survives a power loss, provided the storage
   * honours flushes (no volatile write cache that lies). Records still being appended when power
   * fails may be lost.
   */
  FSYNC
}
