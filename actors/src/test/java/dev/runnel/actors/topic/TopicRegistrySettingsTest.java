package dev.runnel.actors.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.topic.TopicConfig.TopicCompression;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicRegistrySettingsTest {

  private static TopicRegistrySettings settings(String overrides) {
    Config config =
        ConfigFactory.parseString(overrides)
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    return TopicRegistrySettings.fromConfig(config.getConfig("runnel"));
  }

  @Test
  void shouldDefaultToKafkasTopicSettings() {
    TopicRegistrySettings settings = settings("");

    assertEquals(TopicConfig.KAFKA_DEFAULTS, settings.topicDefaults());
    assertEquals(1, settings.defaultPartitions());
    assertEquals("", settings.journalPluginId());
    assertEquals("", settings.snapshotPluginId());
    assertEquals(100, settings.snapshotEveryEvents());
    assertEquals(1000, settings.producerIdBlockSize());
    assertEquals(Duration.ofSeconds(5), settings.deletionRetryDelay());
  }

  @Test
  void shouldReadTopicDefaultsUnderKafkasNames() {
    TopicRegistrySettings settings =
        settings(
            "runnel.topic-defaults { partitions = 6, \"retention.ms\" = 1000,"
                + " \"compression.type\" = lz4, \"segment.bytes\" = \"2097152\" }");

    assertEquals(6, settings.defaultPartitions());
    assertEquals(1000, settings.topicDefaults().retentionMs());
    assertEquals(TopicCompression.LZ4, settings.topicDefaults().compressionType());
    assertEquals(2 * 1024 * 1024, settings.topicDefaults().segmentBytes());
    assertEquals(
        TopicConfig.KAFKA_DEFAULTS.maxMessageBytes(), settings.topicDefaults().maxMessageBytes());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "runnel.topic-defaults.\"retention.ms\" = -5     | key=retention.ms, value=-5",
        "runnel.topic-defaults.\"cleanup.policy\" = keep | key=cleanup.policy, value=keep",
        "runnel.topic-defaults.\"flush.ms\" = 5           | key=flush.ms",
        "runnel.topic-defaults.segment.bytes = 2097152    | key=segment.bytes is a nested path",
        "runnel.topic-defaults.partitions = 0             | topic-defaults.partitions=0",
        "runnel.topic-registry.snapshot-every-events = 0  | snapshot-every-events=0",
        "runnel.topic-registry.producer-id-block-size = 0 | producer-id-block-size=0",
        "runnel.topic-registry.deletion-retry-delay = 0s  | deletion-retry-delay=PT0S"
      })
  void shouldRefuseBadSettingsNamingThem(String setting, String fact) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> settings(setting));

    assertTrue(e.getMessage().contains(fact), e.getMessage());
  }
}
