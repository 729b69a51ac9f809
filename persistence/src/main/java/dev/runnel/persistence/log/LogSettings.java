package dev.runnel.persistence.log;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Settings of the segmented-log storage engine, validated on construction: a bad value fails with
 * an {@link IllegalArgumentException} naming it.
 *
 * @param directory root directory; each persistence id gets a sub-directory
 * @param segmentBytes a segment rolls before it would grow past this size; at least 1024 and, as an
 *     {@code int}, below 2 GiB so that index positions fit in 32 bits
 * @param segmentAge a segment rolls when an entry's timestamp is this much later than its first
 *     entry's
 * @param indexIntervalBytes bytes of log between two entries of the sparse indexes
 * @param fsyncPolicy when writes are forced to the device
 * @param fsyncInterval the longest time a write stays unforced under {@link FsyncPolicy#INTERVAL}
 * @param maxEntryBytes the largest payload one entry may have; an entry with its header must fit in
 *     one segment
 */
public record LogSettings(
    Path directory,
    int segmentBytes,
    Duration segmentAge,
    int indexIntervalBytes,
    FsyncPolicy fsyncPolicy,
    Duration fsyncInterval,
    int maxEntryBytes) {

  /** The smallest segment size accepted. */
  public static final int MIN_SEGMENT_BYTES = 1024;

  public LogSettings {
    if (directory == null) {
      throw new IllegalArgumentException("directory=null must be set");
    }
    if (segmentBytes < MIN_SEGMENT_BYTES) {
      throw new IllegalArgumentException(
          "segmentBytes=" + segmentBytes + " must be >= " + MIN_SEGMENT_BYTES);
    }
    if (segmentAge == null || segmentAge.isNegative() || segmentAge.isZero()) {
      throw new IllegalArgumentException("segmentAge=" + segmentAge + " must be > 0");
    }
    if (indexIntervalBytes < 1) {
      throw new IllegalArgumentException(
          "indexIntervalBytes=" + indexIntervalBytes + " must be >= 1");
    }
    if (fsyncPolicy == null) {
      throw new IllegalArgumentException("fsyncPolicy=null must be set");
    }
    if (fsyncInterval == null || fsyncInterval.isNegative() || fsyncInterval.isZero()) {
      throw new IllegalArgumentException("fsyncInterval=" + fsyncInterval + " must be > 0");
    }
    int largestPayload = segmentBytes - EntryFormat.HEADER_BYTES;
    if (maxEntryBytes < 1 || maxEntryBytes > largestPayload) {
      throw new IllegalArgumentException(
          "maxEntryBytes="
              + maxEntryBytes
              + " must be >= 1 and <= segmentBytes - entry header = "
              + largestPayload);
    }
  }

  /**
   * The defaults the journal ships in its {@code reference.conf}: 128 MiB segments rolled after 7
   * days, an index entry every 4 KiB, fsync always (interval 200 ms) and 16 MiB entries at most.
   */
  public static LogSettings defaults(Path directory) {
    return new LogSettings(
        directory,
        128 * 1024 * 1024,
        Duration.ofDays(7),
        4096,
        FsyncPolicy.ALWAYS,
        Duration.ofMillis(200),
        16 * 1024 * 1024);
  }

  /**
   * Reads the keys {@code dir}, {@code segment-bytes}, {@code segment-age}, {@code
   * index-interval-bytes}, {@code fsync} (always | interval | never), {@code fsync-interval} and
   * {@code max-entry-bytes} of {@code config}; sizes are memory sizes, ages durations.
   */
  public static LogSettings fromConfig(Config config) {
    return new LogSettings(
        Path.of(config.getString("dir")),
        intBytes(config, "segment-bytes"),
        config.getDuration("segment-age"),
        intBytes(config, "index-interval-bytes"),
        fsyncPolicy(config.getString("fsync")),
        config.getDuration("fsync-interval"),
        intBytes(config, "max-entry-bytes"));
  }

  /** A copy with another fsync policy. */
  public LogSettings withFsyncPolicy(FsyncPolicy policy) {
    return new LogSettings(
        directory,
        segmentBytes,
        segmentAge,
        indexIntervalBytes,
        policy,
        fsyncInterval,
        maxEntryBytes);
  }

  /** A copy with another segment size and index interval. */
  public LogSettings withSegmentBytes(int bytes, int indexInterval) {
    return new LogSettings(
        directory,
        bytes,
        segmentAge,
        indexInterval,
        fsyncPolicy,
        fsyncInterval,
        Math.min(maxEntryBytes, bytes - EntryFormat.HEADER_BYTES));
  }

  private static int intBytes(Config config, String key) {
    long bytes = config.getBytes(key);
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(key + "=" + bytes + " must be < 2 GiB");
    }
    return (int) bytes;
  }

  private static FsyncPolicy fsyncPolicy(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "always" -> FsyncPolicy.ALWAYS;
      case "interval" -> FsyncPolicy.INTERVAL;
      case "never" -> FsyncPolicy.NEVER;
      default ->
          throw new IllegalArgumentException(
              "fsync=" + value + " must be one of always, interval, never");
    };
  }
}
