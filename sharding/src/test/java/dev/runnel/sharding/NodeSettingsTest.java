package dev.runnel.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    Config config =
        NodeSettings.nodeConfig(given("akka.cluster.split-brain-resolver.stable-after = 7s"));

    assertEquals(
        Duration.ofSeconds(7),
        config.getDuration("akka.cluster.split-brain-resolver.stable-after"));
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
  void shouldRefuseAnUnknownStorage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NodeSettings.nodeConfig(given("runnel.storage = something-else")));

    assertEquals(
        "Unsupported storage: runnel.storage=something-else, supported=[segment]", e.getMessage());
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
