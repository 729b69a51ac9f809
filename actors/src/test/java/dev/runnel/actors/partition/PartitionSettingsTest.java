package dev.runnel.actors.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PartitionSettingsTest {

  private static Config reference() {
    return ConfigFactory.load().getConfig("runnel.partition");
  }

  @Test
  void shouldReadTheReferenceDefaults() {
    PartitionSettings settings = PartitionSettings.fromConfig(reference());

    assertEquals("runnel.persistence.journal", settings.journalPluginId());
    assertEquals("runnel.persistence.query", settings.readJournalPluginId());
    assertEquals(1000, settings.snapshotEveryBatches());
    assertEquals(256 * 1024, settings.indexIntervalBytes());
    assertEquals(Duration.ofMinutes(5), settings.retentionCheckInterval());
    assertEquals(8 * 1024 * 1024, settings.maxWriteBytes());
    assertEquals(128, settings.maxWriteBatches());
  }

  @Test
  void shouldNameTheBadSetting() {
    Config bad = ConfigFactory.parseString("max-write-batches = 1000").withFallback(reference());

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PartitionSettings.fromConfig(bad));

    assertTrue(e.getMessage().contains("runnel.partition.max-write-batches=1000"), e.getMessage());
  }
}
