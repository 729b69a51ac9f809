package dev.runnel.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.Address;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSettingsTest {

  @TempDir Path dir;

  @Test
  void shouldReadTheDefaults() {
    NodeSettings settings = NodeSettings.fromConfig(ConfigFactory.load().getConfig("runnel"));

    assertEquals(NodeSettings.Storage.SEGMENT, settings.storage());
    assertEquals(Path.of("runnel-data").toAbsolutePath(), settings.dataDir());
    assertEquals("always", settings.fsync());
    assertEquals("127.0.0.1", settings.hostname());
    assertEquals(25520, settings.port());
    assertEquals(List.of(), settings.seedNodes());
    assertEquals(100, settings.numberOfShards());
    assertEquals(Optional.of(Duration.ofMinutes(2)), settings.passivateIdleAfter());
  }

  @Test
  void shouldMakeTheNodeAClusterMemberWithSplitBrainResolver() {
    Config config = NodeSettings.nodeConfig(given("runnel.cluster.port = 0"));

    assertEquals("cluster", config.getString("akka.actor.provider"));
    assertEquals("127.0.0.1", config.getString("akka.remote.artery.canonical.hostname"));
    assertEquals(0, config.getInt("akka.remote.artery.canonical.port"));
    assertEquals(
        "akka.cluster.sbr.SplitBrainResolverProvider",
        config.getString("akka.cluster.downing-provider-class"));
    assertEquals(
        "keep-majority", config.getString("akka.cluster.split-brain-resolver.active-strategy"));
  }

  @Test
  void shouldWinOverAkkasDefaultsInAFullyLoadedConfig() {
    Config loaded = ConfigFactory.load(given("runnel.cluster.port = 2600"));
    assertEquals("local", loaded.getString("akka.actor.provider"), "Akka's own default");

    Config config = NodeSettings.nodeConfig(loaded);

    assertEquals("cluster", config.getString("akka.actor.provider"));
    assertEquals(2600, config.getInt("akka.remote.artery.canonical.port"));
  }

  @Test
  void shouldKeepAkkaSettingsTheNodeDoesNotSet() {
    Config config = NodeSettings.nodeConfig(given("akka.cluster.min-nr-of-members = 3"));

    assertEquals(3, config.getInt("akka.cluster.min-nr-of-members"));
  }

  @Test
  void shouldFailOverWithinSecondsByDefaultInsteadOfAkkasHalfMinute() {
    Config config = NodeSettings.nodeConfig(given(""));

    assertEquals(
        Duration.ofSeconds(3),
        config.getDuration("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
    assertEquals(
        Duration.ofSeconds(3),
        config.getDuration("akka.cluster.split-brain-resolver.stable-after"));
    assertEquals(Duration.ofSeconds(1), config.getDuration("akka.cluster.down-removal-margin"));
    assertEquals(
        Duration.ofMillis(500), config.getDuration("akka.cluster.sharding.retry-interval"));
    assertEquals(
        10,
        config.getInt(
            "akka.cluster.sharding.least-shard-allocation-strategy.rebalance-absolute-limit"));
  }

  @Test
  void shouldPassTheFailoverSettingsToAkka() {
    Config config =
        NodeSettings.nodeConfig(
            given(
                "runnel.cluster.failure-detector.acceptable-heartbeat-pause = 1500ms\n"
                    + "runnel.cluster.split-brain-resolver.stable-after = 1s\n"
                    + "runnel.cluster.down-removal-margin = 200ms\n"
                    + "runnel.sharding.retry-interval = 100ms"));

    assertEquals(
        Duration.ofMillis(1500),
        config.getDuration("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
    assertEquals(
        Duration.ofSeconds(1),
        config.getDuration("akka.cluster.split-brain-resolver.stable-after"));
    assertEquals(Duration.ofMillis(200), config.getDuration("akka.cluster.down-removal-margin"));
    assertEquals(
        Duration.ofMillis(100), config.getDuration("akka.cluster.sharding.retry-interval"));
  }

  @Test
  void shouldPutTheSegmentStorageUnderTheDataDirectory() {
    Config config = NodeSettings.nodeConfig(given("runnel.fsync = never"));

    assertEquals("runnel.persistence.journal", config.getString("akka.persistence.journal.plugin"));
    assertEquals(
        "runnel.persistence.snapshot-store",
        config.getString("akka.persistence.snapshot-store.plugin"));
    assertEquals(
        dir.resolve("journal").toString(), config.getString("runnel.persistence.journal.dir"));
    assertEquals(
        dir.resolve("snapshots").toString(),
        config.getString("runnel.persistence.snapshot-store.dir"));
    assertEquals("never", config.getString("runnel.persistence.journal.fsync"));
  }

  @Test
  void shouldPutAllJdbcPluginsOnOneSharedDatabaseFromTheRunnelJdbcSettings() {
    Config config =
        NodeSettings.nodeConfig(
            given(
                String.join(
                    "\n",
                    "runnel.storage = jdbc",
                    "runnel.jdbc.url = \"jdbc:postgresql://db.example:5433/events\"",
                    "runnel.jdbc.user = broker",
                    "runnel.jdbc.password = secret",
                    "runnel.jdbc.pool-size = 3",
                    "runnel.jdbc.refresh-interval = 20ms",
                    "runnel.jdbc.rows-per-query = 7")));

    assertEquals("jdbc-journal", config.getString("akka.persistence.journal.plugin"));
    assertEquals("jdbc-snapshot-store", config.getString("akka.persistence.snapshot-store.plugin"));
    assertEquals("jdbc-journal", config.getString("runnel.partition.journal-plugin-id"));
    assertEquals("jdbc-snapshot-store", config.getString("runnel.partition.snapshot-plugin-id"));
    assertEquals("jdbc-read-journal", config.getString("runnel.partition.read-journal-plugin-id"));
    assertEquals("jdbc-journal", config.getString("runnel.group.journal-plugin-id"));
    assertEquals("jdbc-snapshot-store", config.getString("runnel.group.snapshot-plugin-id"));
    assertEquals("jdbc-read-journal", config.getString("runnel.group.read-journal-plugin-id"));
    for (String plugin : List.of("jdbc-journal", "jdbc-snapshot-store", "jdbc-read-journal")) {
      assertEquals("runnel", config.getString(plugin + ".use-shared-db"), plugin);
    }
    Config db = config.getConfig("akka-persistence-jdbc.shared-databases.runnel");
    assertEquals("slick.jdbc.PostgresProfile$", db.getString("profile"));
    assertEquals("jdbc:postgresql://db.example:5433/events", db.getString("db.url"));
    assertEquals("broker", db.getString("db.user"));
    assertEquals("secret", db.getString("db.password"));
    assertEquals(3, db.getInt("db.numThreads"));
    assertEquals(3, db.getInt("db.maxConnections"));
    assertEquals(Duration.ofMillis(20), config.getDuration("jdbc-read-journal.refresh-interval"));
    assertEquals(7, config.getInt("jdbc-read-journal.max-buffer-size"));
    assertEquals(7, config.getInt("jdbc-journal.replayBatchSize"));
  }

  @Test
  void shouldRefuseBadJdbcSettingsBeforeConnecting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                NodeSettings.nodeConfig(given("runnel.storage = jdbc\nrunnel.jdbc.pool-size = 0")));

    assertEquals("Invalid storage setting: runnel.jdbc.pool-size=0, expected=>= 1", e.getMessage());
  }

  @Test
  void shouldNeverShowTheDatabasePassword() {
    JdbcSettings settings =
        new JdbcSettings(
            "jdbc:postgresql://h/d",
            "u",
            "hidden",
            1,
            Duration.ofSeconds(1),
            false,
            Duration.ofMillis(1),
            1);

    assertTrue(settings.toString().contains("user=u"), settings.toString());
    assertFalse(settings.toString().contains("hidden"), settings.toString());
  }

  @Test
  void shouldRefuseAnUnknownStorage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NodeSettings.nodeConfig(given("runnel.storage = something-else")));

    assertEquals(
        "Unsupported storage: runnel.storage=something-else, supported=[segment, jdbc]",
        e.getMessage());
  }

  @Test
  void shouldRefuseAnUnknownFsyncPolicy() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NodeSettings.nodeConfig(given("runnel.fsync = sometimes")));

    assertTrue(
        e.getMessage()
            .startsWith(
                "Invalid storage setting: runnel.storage=segment, "
                    + "runnel.fsync=sometimes, reason="),
        e.getMessage());
  }

  @Test
  void shouldReadSeedNodesAsHostPortOrAkkaAddresses() {
    NodeSettings settings =
        settings(
            "runnel.cluster.seed-nodes = [\"10.0.0.1:2552\", \"akka://runnel@10.0.0.2:2553\"]");

    assertEquals(
        List.of(
            new Address("akka", "runnel", "10.0.0.1", 2552),
            new Address("akka", "runnel", "10.0.0.2", 2553)),
        settings.seedNodes());
  }

  @Test
  void shouldRefuseASeedNodeOfAnotherSystemOrWithoutPort() {
    for (String seed : List.of("akka://other@10.0.0.1:2552", "10.0.0.1", "akka://runnel@h")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> settings("runnel.cluster.seed-nodes = [\"" + seed + "\"]"),
              seed);
      assertTrue(
          e.getMessage()
              .startsWith("Invalid seed node: runnel.cluster.seed-nodes contains " + seed),
          e.getMessage());
    }
  }

  @Test
  void shouldTurnPassivationOff() {
    assertEquals(
        Optional.empty(),
        settings("runnel.sharding.passivate-idle-after = off").passivateIdleAfter());
  }

  @Test
  void shouldRefuseBadNumbers() {
    IllegalArgumentException shards =
        assertThrows(
            IllegalArgumentException.class, () -> settings("runnel.sharding.number-of-shards = 0"));
    assertEquals("Invalid node setting: runnel.sharding.number-of-shards=0", shards.getMessage());
    IllegalArgumentException port =
        assertThrows(IllegalArgumentException.class, () -> settings("runnel.cluster.port = 70000"));
    assertEquals("Invalid node setting: runnel.cluster.port=70000", port.getMessage());
    IllegalArgumentException margin =
        assertThrows(
            IllegalArgumentException.class,
            () -> settings("runnel.cluster.down-removal-margin = 0s"));
    assertEquals(
        "Invalid node setting: runnel.cluster.down-removal-margin=PT0S", margin.getMessage());
    IllegalArgumentException limit =
        assertThrows(
            IllegalArgumentException.class, () -> settings("runnel.sharding.rebalance-limit = 0"));
    assertEquals("Invalid node setting: runnel.sharding.rebalance-limit=0", limit.getMessage());
  }

  private NodeSettings settings(String hocon) {
    return NodeSettings.fromConfig(ConfigFactory.load(given(hocon)).getConfig("runnel"));
  }

  private Config given(String hocon) {
    return ConfigFactory.parseString(hocon)
        .withFallback(
            ConfigFactory.parseString(
                "runnel.data-dir = \"" + dir.toString().replace("\\", "/") + "\""));
  }
}
