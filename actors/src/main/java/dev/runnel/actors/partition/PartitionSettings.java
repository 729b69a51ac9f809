package dev.runnel.actors.partition;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * How every partition of a node runs, read once from {@code runnel.partition} (see the actors
 * module's {@code reference.conf} for each setting's meaning).
 *
 * @param journalPluginId the journal holding the partitions' logs ({@code ""}: Akka's default)
 * @param snapshotPluginId the snapshot store of the partitions' state ({@code ""}: Akka's default)
 * @param readJournalPluginId the read journal over the same storage as the journal
 * @param snapshotEveryBatches the state is snapshotted every this many journal events
 * @param keepSnapshots how many snapshots are kept
 * @param indexIntervalBytes bytes of log between two entries of the in-memory sparse index
 * @param retentionCheckInterval how often retention and segment settings are applied
 * @param maxWriteBytes the most batch bytes one group-committed journal write carries
 * @param maxWriteBatches the most batches one group-committed journal write carries
 */
public record PartitionSettings(
    String journalPluginId,
    String snapshotPluginId,
    String readJournalPluginId,
    int snapshotEveryBatches,
    int keepSnapshots,
    long indexIntervalBytes,
    Duration retentionCheckInterval,
    int maxWriteBytes,
    int maxWriteBatches) {

  /**
   * The most batches per write allowed: queued appends are handled one after the other as Akka
   * unstashes them, recursively in Akka 2.6, so a write must start before the stack runs out.
   */
  public static final int MAX_WRITE_BATCHES = 256;

  public PartitionSettings {
    Objects.requireNonNull(journalPluginId, "journalPluginId");
    Objects.requireNonNull(snapshotPluginId, "snapshotPluginId");
    Objects.requireNonNull(readJournalPluginId, "readJournalPluginId");
    Objects.requireNonNull(retentionCheckInterval, "retentionCheckInterval");
    if (readJournalPluginId.isEmpty()) {
      throw invalid("read-journal-plugin-id", "\"\"", "a read journal's configuration path");
    }
    if (snapshotEveryBatches < 1) {
      throw invalid("snapshot-every-batches", snapshotEveryBatches, ">= 1");
    }
    if (keepSnapshots < 1) {
      throw invalid("keep-snapshots", keepSnapshots, ">= 1");
    }
    if (indexIntervalBytes < 1) {
      throw invalid("index-interval-bytes", indexIntervalBytes, ">= 1");
    }
    if (retentionCheckInterval.isNegative() || retentionCheckInterval.isZero()) {
      throw invalid("retention-check-interval", retentionCheckInterval, "> 0");
    }
    if (maxWriteBytes < 1) {
      throw invalid("max-write-bytes", maxWriteBytes, ">= 1");
    }
    if (maxWriteBatches < 1 || maxWriteBatches > MAX_WRITE_BATCHES) {
      throw invalid("max-write-batches", maxWriteBatches, "1.." + MAX_WRITE_BATCHES);
    }
  }

  /**
   * The settings in the given {@code runnel.partition} section.
   *
   * @throws IllegalArgumentException naming the setting whose value is bad
   */
  public static PartitionSettings fromConfig(Config runnelPartition) {
    long maxWriteBytes = runnelPartition.getBytes("max-write-bytes");
    if (maxWriteBytes > Integer.MAX_VALUE) {
      throw invalid("max-write-bytes", maxWriteBytes, "< 2 GiB");
    }
    return new PartitionSettings(
        runnelPartition.getString("journal-plugin-id"),
        runnelPartition.getString("snapshot-plugin-id"),
        runnelPartition.getString("read-journal-plugin-id"),
        runnelPartition.getInt("snapshot-every-batches"),
        runnelPartition.getInt("keep-snapshots"),
        runnelPartition.getBytes("index-interval-bytes"),
        runnelPartition.getDuration("retention-check-interval"),
        (int) maxWriteBytes,
        runnelPartition.getInt("max-write-batches"));
  }

  private static IllegalArgumentException invalid(String name, Object value, String expected) {
    return new IllegalArgumentException(
        "Invalid partition setting: runnel.partition."
            + name
            + "="
            + value
            + ", expected="
            + expected);
  }
}
