package dev.runnel.actors.group;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * The coordinators' settings, read once from {@code runnel.group} (see the actors module's {@code
 * reference.conf}) and validated.
 *
 * @param journalPluginId the journal of the groups' events, "" for Akka's default
 * @param snapshotPluginId the snapshot store of the groups, "" for Akka's default
 * @param readJournalPluginId the read journal of the groups' journal, to list the groups
 * @param snapshotEveryEvents a snapshot is saved (and older events deleted) after this many events
 * @param metadataCheckInterval how often a coordinator compares its subscribed topics with the
 *     topic metadata, and drops offsets of deleted topics
 * @param minSessionTimeout the shortest session timeout a member may ask for
 * @param maxSessionTimeout the longest session timeout a member may ask for
 * @param initialRebalanceDelay how long the first rebalance of an empty group waits for more
 *     members
 * @param passivateIdleAfter a coordinator without members that received nothing for this long asks
 *     its host to stop it
 */
public record GroupSettings(
    String journalPluginId,
    String snapshotPluginId,
    String readJournalPluginId,
    int snapshotEveryEvents,
    Duration metadataCheckInterval,
    Duration minSessionTimeout,
    Duration maxSessionTimeout,
    Duration initialRebalanceDelay,
    Duration passivateIdleAfter) {

  public GroupSettings {
    Objects.requireNonNull(journalPluginId, "journalPluginId");
    Objects.requireNonNull(snapshotPluginId, "snapshotPluginId");
    if (readJournalPluginId == null || readJournalPluginId.isEmpty()) {
      throw invalid("read-journal-plugin-id", "\"\"", "a read journal's configuration path");
    }
    if (snapshotEveryEvents < 1) {
      throw invalid("snapshot-every-events", snapshotEveryEvents, ">= 1");
    }
    requirePositive("metadata-check-interval", metadataCheckInterval);
    requirePositive("min-session-timeout", minSessionTimeout);
    requirePositive("passivate-idle-after", passivateIdleAfter);
    if (maxSessionTimeout.compareTo(minSessionTimeout) < 0) {
      throw invalid("max-session-timeout", maxSessionTimeout, ">= min-session-timeout");
    }
    if (initialRebalanceDelay.isNegative()) {
      throw invalid("initial-rebalance-delay", initialRebalanceDelay, ">= 0");
    }
  }

  /**
   * Reads {@code runnel.group}.
   *
   * @throws IllegalArgumentException naming the bad key and value
   */
  public static GroupSettings fromConfig(Config runnelGroup) {
    return new GroupSettings(
        runnelGroup.getString("journal-plugin-id"),
        runnelGroup.getString("snapshot-plugin-id"),
        runnelGroup.getString("read-journal-plugin-id"),
        runnelGroup.getInt("snapshot-every-events"),
        runnelGroup.getDuration("metadata-check-interval"),
        runnelGroup.getDuration("min-session-timeout"),
        runnelGroup.getDuration("max-session-timeout"),
        runnelGroup.getDuration("initial-rebalance-delay"),
        runnelGroup.getDuration("passivate-idle-after"));
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw invalid(name, value, "> 0");
    }
  }

  private static IllegalArgumentException invalid(String name, Object value, String expected) {
    return new IllegalArgumentException(
        "Invalid group setting: runnel.group." + name + "=" + value + ", expected " + expected);
  }
}
