package dev.runnel.persistence.log;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the segmented-log storage engine, validated on construction.
 *
 * @param directory root directory; each persistence id gets a sub-directory
 * @param segmentBytes a segment rolls before it would grow past this size
 * @param segmentAge a segment rolls when its first entry is older than this
 * @param indexIntervalBytes bytes of log between two entries of the sparse indexes
 * @param fsyncPolicy when writes are forced to the device
 * @param fsyncInterval the longest time a write stays unforced under {@link FsyncPolicy#INTERVAL}
 * @param maxEntryBytes the largest payload one entry may have
 */
public record LogSettings(
    Path directory,
    int segmentBytes,
    Duration segmentAge,
    int indexIntervalBytes,
    FsyncPolicy fsyncPolicy,
    Duration fsyncInterval,
    int maxEntryBytes) {}
