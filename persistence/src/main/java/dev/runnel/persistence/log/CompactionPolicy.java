package dev.runnel.persistence.log;

import java.util.Objects;

/**
 * How the cleaner compacts one log: Kafka's topic settings of the same names, and how to find the
 * records in the log's entries.
 *
 * @param compactor finds and filters the keyed records inside entries
 * @param minCompactionLagMs {@code min.compaction.lag.ms}: a segment whose newest entry was
 *     appended less than this long ago is not cleaned
 * @param maxCompactionLagMs {@code max.compaction.lag.ms}: a log whose oldest dirty segment began
 *     longer ago than this is cleaned whatever its dirty ratio; {@link Long#MAX_VALUE} for never
 * @param minCleanableDirtyRatio {@code min.cleanable.dirty.ratio}: a log is cleaned when its dirty
 *     bytes are at least this share of its cleanable bytes
 * @param deleteRetentionMs {@code delete.retention.ms}: how long a tombstone stays after the
 *     cleaner first reached it
 */
public record CompactionPolicy(
    EntryCompactor compactor,
    long minCompactionLagMs,
    long maxCompactionLagMs,
    double minCleanableDirtyRatio,
    long deleteRetentionMs) {

  public CompactionPolicy {
    Objects.requireNonNull(compactor, "compactor");
    if (minCompactionLagMs < 0 || maxCompactionLagMs < 1 || deleteRetentionMs < 0) {
      throw new IllegalArgumentException(
          "Invalid compaction lags: minCompactionLagMs="
              + minCompactionLagMs
              + ", maxCompactionLagMs="
              + maxCompactionLagMs
              + ", deleteRetentionMs="
              + deleteRetentionMs
              + ", must be >= 0, >= 1, >= 0");
    }
    if (!(minCleanableDirtyRatio >= 0 && minCleanableDirtyRatio <= 1)) {
      throw new IllegalArgumentException(
          "minCleanableDirtyRatio=" + minCleanableDirtyRatio + " must be in [0, 1]");
    }
  }
}
