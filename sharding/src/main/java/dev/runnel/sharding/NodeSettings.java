package dev.runnel.sharding;

import akka.actor.Address;
import akka.actor.AddressFromURIString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.runnel.persistence.log.LogSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated {@code runnel.*} settings of a node, and the full configuration its ActorSystem
 * starts with.
 *
 * <p>{@link #nodeConfig(Config)} stacks, from the top: the storage plugin choice derived from
 * {@code runnel.storage} (with {@code runnel-jdbc.conf} for {@code jdbc}), {@code runnel-node.conf}
 * (the Akka settings of every node), system properties, the given config, and the {@code
 * reference.conf} files of all modules.
 *
 * @param storage where partition logs and the registry are stored
 * @param dataDir the node's data directory, absolute (the segment storage's files)
 * @param fsync the segment storage's fsync policy, as configured ({@code always | interval |
 *     never}); the jdbc storage leaves durability to the database
 * @param hostname the host name the node announces
 * @param port the cluster transport's port, 0 for any free one
 * @param seedNodes the nodes to join; empty to join itself
 * @param numberOfShards how many shards the partitions are spread over
 * @param passivateIdleAfter how long an idle partition keeps running; empty to never passivate
 * @param deleteTimeout how long a partition may take to delete its log
 * @param metadataWriteTimeout how long a topic metadata write waits for a majority
 * @param failover how a dead node is noticed and its partitions moved, and how shards spread
 */
public record NodeSettings(
    Storage storage,
    Path dataDir,
    String fsync,
    String hostname,
    int port,
    List<Address> seedNodes,
    int numberOfShards,
    Optional<Duration> passivateIdleAfter,
    Duration deleteTimeout,
    Duration metadataWriteTimeout,
    Failover failover) {

  /** The name of every Runnel node's ActorSystem; nodes of one cluster share it. */
  public static final String SYSTEM_NAME = "runnel";

  /**
   * How a dead node is noticed and its partitions moved, and how shards are spread; the node passes
   * them to Akka ({@code runnel-node.conf}). A dead node's partitions are unavailable for about
   * {@code acceptableHeartbeatPause + stableAfter + downRemovalMargin + retryInterval} plus their
   * recovery.
   *
   * @param heartbeatInterval {@code runnel.cluster.failure-detector.heartbeat-interval}
   * @param acceptableHeartbeatPause {@code
   *     runnel.cluster.failure-detector.acceptable-heartbeat-pause}: silence before unreachable
   * @param stableAfter {@code runnel.cluster.split-brain-resolver.stable-after}: stable
   *     unreachability before the Split Brain Resolver downs
   * @param downRemovalMargin {@code runnel.cluster.down-removal-margin}: wait after a removal
   *     before its shards and singletons start elsewhere
   * @param retryInterval {@code runnel.sharding.retry-interval}: how often a region asks again
   *     where a shard lives
   * @param rebalanceInterval {@code runnel.sharding.rebalance-interval}
   * @param rebalanceLimit {@code runnel.sharding.rebalance-limit}: shards moved per round at most
   */
  public record Failover(
      Duration heartbeatInterval,
      Duration acceptableHeartbeatPause,
      Duration stableAfter,
      Duration downRemovalMargin,
      Duration retryInterval,
      Duration rebalanceInterval,
      int rebalanceLimit) {

    public Failover {
      requirePositive("runnel.cluster.failure-detector.heartbeat-interval", heartbeatInterval);
      requirePositive(
          "runnel.cluster.failure-detector.acceptable-heartbeat-pause", acceptableHeartbeatPause);
      requirePositive("runnel.cluster.split-brain-resolver.stable-after", stableAfter);
      // Zero would mean "unset" to Akka, which then waits stable-after instead.
      requirePositive("runnel.cluster.down-removal-margin", downRemovalMargin);
      requirePositive("runnel.sharding.retry-interval", retryInterval);
      requirePositive("runnel.sharding.rebalance-interval", rebalanceInterval);
      if (rebalanceLimit < 1) {
        throw new IllegalArgumentException(
            "Invalid node setting: runnel.sharding.rebalance-limit=" + rebalanceLimit);
      }
    }
  }

  /** The storages {@code runnel.storage} can name. */
  public enum Storage {
    /** Runnel's embedded segmented-log journal, snapshot store and read journal. */
    SEGMENT(
        "segment",
        "runnel.persistence.journal",
        "runnel.persistence.snapshot-store",
        "runnel.persistence.query"),
    /**
     * A PostgreSQL database shared by all nodes, through akka-persistence-jdbc's journal, snapshot
     * store and read journal ({@code runnel.jdbc}).
     */
    JDBC("jdbc", "jdbc-journal", "jdbc-snapshot-store", "jdbc-read-journal");

    private final String configName;
    private final String journalPluginId;
    private final String snapshotPluginId;
    private final String readJournalPluginId;

    Storage(String configName, String journal, String snapshot, String readJournal) {
      this.configName = configName;
      this.journalPluginId = journal;
      this.snapshotPluginId = snapshot;
      this.readJournalPluginId = readJournal;
    }

    /** The value of {@code runnel.storage} that selects it. */
    public String configName() {
      return configName;
    }

    /** Config path of its journal plugin. */
    public String journalPluginId() {
      return journalPluginId;
    }

    /** Config path of its snapshot store plugin. */
    public String snapshotPluginId() {
      return snapshotPluginId;
    }

    /** Config path of its read journal plugin. */
    public String readJournalPluginId() {
      return readJournalPluginId;
    }

    static Storage fromConfigName(String value) {
      for (Storage storage : values()) {
        if (storage.configName.equals(value)) {
          return storage;
        }
      }
      throw new IllegalArgumentException(
          "Unsupported storage: runnel.storage="
              + value
              + ", supported="
              + List.of(values()).stream().map(Storage::configName).toList());
    }
  }

  public NodeSettings {
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(passivateIdleAfter, "passivateIdleAfter");
    Objects.requireNonNull(failover, "failover");
    seedNodes = List.copyOf(seedNodes);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Invalid node setting: runnel.cluster.port=" + port);
    }
    if (numberOfShards < 1) {
      throw new IllegalArgumentException(
          "Invalid node setting: runnel.sharding.number-of-shards=" + numberOfShards);
    }
    requirePositive("runnel.sharding.delete-timeout", deleteTimeout);
    requirePositive("runnel.topic-metadata.write-timeout", metadataWriteTimeout);
    passivateIdleAfter.ifPresent(d -> requirePositive("runnel.sharding.passivate-idle-after", d));
  }

  /**
   * Reads and validates the {@code runnel} section of a resolved config.
   *
   * @throws IllegalArgumentException naming the first bad key and its value
   */
  public static NodeSettings fromConfig(Config runnel) {
    try {
      return new NodeSettings(
          Storage.fromConfigName(runnel.getString("storage")),
          Path.of(runnel.getString("data-dir")).toAbsolutePath(),
          runnel.getString("fsync"),
          runnel.getString("cluster.hostname"),
          runnel.getInt("cluster.port"),
          runnel.getStringList("cluster.seed-nodes").stream().map(NodeSettings::seedNode).toList(),
          runnel.getInt("sharding.number-of-shards"),
          optionalDuration(runnel, "sharding.passivate-idle-after"),
          runnel.getDuration("sharding.delete-timeout"),
          runnel.getDuration("topic-metadata.write-timeout"),
          new Failover(
              runnel.getDuration("cluster.failure-detector.heartbeat-interval"),
              runnel.getDuration("cluster.failure-detector.acceptable-heartbeat-pause"),
              runnel.getDuration("cluster.split-brain-resolver.stable-after"),
              runnel.getDuration("cluster.down-removal-margin"),
              runnel.getDuration("sharding.retry-interval"),
              runnel.getDuration("sharding.rebalance-interval"),
              runnel.getInt("sharding.rebalance-limit")));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid node setting: " + e.getMessage(), e);
    }
  }

  /**
   * The configuration a node's ActorSystem starts with: {@code given} with system properties over
   * it and all {@code reference.conf} defaults under it, and on top the Akka settings of a node
   * ({@code runnel-node.conf}) and the plugins and directories of the chosen storage.
   *
   * @throws IllegalArgumentException if a {@code runnel.*} setting or the storage's settings are
   *     invalid; the message names the key and value
   */
  public static Config nodeConfig(Config given) {
    Config base = ConfigFactory.load(given);
    NodeSettings settings = fromConfig(base.getConfig("runnel"));
    Config node = ConfigFactory.parseResources(NodeSettings.class, "/runnel-node.conf");
    Config full = settings.storageConfig().withFallback(node).withFallback(base).resolve();
    settings.validateStorage(full);
    return full;
  }

  /**
   * The settings that select this storage's plugins as Akka Persistence's defaults (the registry
   * uses those) and as the partitions' and the group coordinators' plugins, and place its files
   * under the data directory.
   */
  Config storageConfig() {
    Config plugins =
        ConfigFactory.empty()
            .withValue("akka.persistence.journal.plugin", value(storage.journalPluginId()))
            .withValue("akka.persistence.snapshot-store.plugin", value(storage.snapshotPluginId()))
            .withValue("runnel.partition.journal-plugin-id", value(storage.journalPluginId()))
            .withValue("runnel.partition.snapshot-plugin-id", value(storage.snapshotPluginId()))
            .withValue(
                "runnel.partition.read-journal-plugin-id", value(storage.readJournalPluginId()))
            .withValue("runnel.group.journal-plugin-id", value(storage.journalPluginId()))
            .withValue("runnel.group.snapshot-plugin-id", value(storage.snapshotPluginId()))
            .withValue("runnel.group.read-journal-plugin-id", value(storage.readJournalPluginId()));
    return switch (storage) {
      case SEGMENT ->
          plugins
              .withValue(
                  storage.journalPluginId() + ".dir", value(dataDir.resolve("journal").toString()))
              .withValue(
                  storage.snapshotPluginId() + ".dir",
                  value(dataDir.resolve("snapshots").toString()))
              .withValue(storage.journalPluginId() + ".fsync", value(fsync));
      case JDBC ->
          plugins
              .withValue(
                  "runnel.topic-registry.log-compaction", ConfigValueFactory.fromAnyRef(false))
              .withFallback(ConfigFactory.parseResources(NodeSettings.class, "/runnel-jdbc.conf"));
    };
  }

  /**
   * Makes the storage ready before the node's ActorSystem starts: for {@code jdbc} connects to the
   * database and creates or checks its schema ({@link JdbcSchema#prepare}), so that a wrong URL or
   * a missing schema stops the node at once with a clear message instead of failing every partition
   * later. Nothing for {@code segment}, whose directories are made on first use.
   *
   * @throws IllegalStateException if the database cannot be reached or its schema is missing
   */
  void prepareStorage(Config full) {
    if (storage == Storage.JDBC) {
      JdbcSchema.prepare(JdbcSettings.fromConfig(full.getConfig("runnel.jdbc")));
    }
  }

  private void validateStorage(Config full) {
    switch (storage) {
      case SEGMENT -> validateSegmentStorage(full);
      case JDBC -> JdbcSettings.fromConfig(full.getConfig("runnel.jdbc"));
    }
  }

  private void validateSegmentStorage(Config full) {
    try {
      LogSettings.fromConfig(full.getConfig(storage.journalPluginId()));
    } catch (IllegalArgumentException | ConfigException e) {
      throw new IllegalArgumentException(
          "Invalid storage setting: runnel.storage="
              + storage.configName()
              + ", runnel.fsync="
              + fsync
              + ", reason="
              + e.getMessage(),
          e);
    }
  }

  private static Address seedNode(String value) {
    String uri = value.contains("://") ? value : "akka://" + SYSTEM_NAME + "@" + value;
    Address address;
    try {
      address = AddressFromURIString.parse(uri);
    } catch (Exception e) { // Scala throws the checked MalformedURLException undeclared.
      throw new IllegalArgumentException(
          "Invalid seed node: runnel.cluster.seed-nodes contains " + value, e);
    }
    if (!SYSTEM_NAME.equals(address.system()) || address.getPort().isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid seed node: runnel.cluster.seed-nodes contains "
              + value
              + ", expected host:port or akka://"
              + SYSTEM_NAME
              + "@host:port");
    }
    return address;
  }

  private static Optional<Duration> optionalDuration(Config config, String key) {
    String raw = config.getString(key).trim().toLowerCase(Locale.ROOT);
    if (raw.equals("off")) {
      return Optional.empty();
    }
    return Optional.of(config.getDuration(key));
  }

  private static void requirePositive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("Invalid node setting: " + key + "=" + value);
    }
  }

  private static ConfigValue value(String value) {
    return ConfigValueFactory.fromAnyRef(value);
  }
}
