package dev.runnel.persistence.log;

/** When a log forces its writes to the storage device. */
public enum FsyncPolicy {
  /** Force before a write is acknowledged; writes pending together share one force. */
  ALWAYS,
  /** Acknowledge once written to the OS; force dirty logs at least every fsync interval. */
  INTERVAL,
  /** Acknowledge once written to the OS; force only when a segment rolls and on close. */
  NEVER
}
