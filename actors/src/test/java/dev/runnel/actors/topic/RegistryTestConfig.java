package dev.runnel.actors.topic;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;

/**
 * Test configuration: the segment journal and snapshot store under one directory, every message
 * serialized as if it crossed nodes, small producer-id blocks and frequent snapshots so that tests
 * cross their boundaries.
 */
final class RegistryTestConfig {

  private RegistryTestConfig() {}

  static Config under(Path directory) {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "akka.persistence.journal.plugin = \"runnel.persistence.journal\"",
                "akka.persistence.snapshot-store.plugin = \"runnel.persistence.snapshot-store\"",
                "runnel.persistence.journal.dir = \"" + directory.resolve("journal") + "\"",
                "runnel.persistence.journal.fsync = never",
                "runnel.persistence.snapshot-store.dir = \""
                    + directory.resolve("snapshots")
                    + "\"",
                "akka.actor.serialize-messages = on",
                "runnel.topic-defaults.partitions = 2",
                "runnel.topic-registry.snapshot-every-events = 4",
                "runnel.topic-registry.producer-id-block-size = 10",
                "runnel.topic-registry.deletion-retry-delay = 100ms",
                "akka.actor.testkit.typed.single-expect-default = 5s"))
        .withFallback(ConfigFactory.load());
  }

  static TopicRegistrySettings settings(Config config) {
    return TopicRegistrySettings.fromConfig(config.getConfig("runnel"));
  }
}
