package dev.runnel.persistence.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogSettingsTest {

  private static final Path DIR = Path.of("/tmp/runnel-settings");

  @Test
  void shouldReadEveryKeyFromConfig() {
    LogSettings settings =
        LogSettings.fromConfig(
            ConfigFactory.parseString(
                """
                dir = "/tmp/runnel-settings"
                segment-bytes = 64 MiB
                segment-age = 2 days
                index-interval-bytes = 8 KiB
                fsync = interval
                fsync-interval = 50 ms
                max-entry-bytes = 1 MiB
                """));
    assertEquals(
        new LogSettings(
            DIR,
            64 << 20,
            Duration.ofDays(2),
            8192,
            FsyncPolicy.INTERVAL,
            Duration.ofMillis(50),
            1 << 20),
        settings);
  }

  @Test
  void shouldNameTheBadValue() {
    assertMessage("segmentBytes=100 must be >= 1024", () -> settings(100, 4096, 16));
    assertMessage("indexIntervalBytes=0 must be >= 1", () -> settings(4096, 0, 16));
    assertMessage("maxEntryBytes=4096 must be", () -> settings(4096, 4096, 4096));
    assertMessage(
        "segmentAge=PT0S must be > 0",
        () ->
            new LogSettings(
                DIR, 4096, Duration.ZERO, 1, FsyncPolicy.NEVER, Duration.ofSeconds(1), 16));
    assertMessage(
        "fsync=sometimes must be one of",
        () ->
            LogSettings.fromConfig(
                ConfigFactory.parseString(
                    "dir=x, segment-bytes=4096, segment-age=1d, index-interval-bytes=1,"
                        + " fsync=sometimes, fsync-interval=1s, max-entry-bytes=16")));
    assertMessage(
        "segment-bytes=4294967296 must be < 2 GiB",
        () ->
            LogSettings.fromConfig(
                ConfigFactory.parseString(
                    "dir=x, segment-bytes=4GiB, segment-age=1d, index-interval-bytes=1,"
                        + " fsync=never, fsync-interval=1s, max-entry-bytes=16")));
  }

  private static LogSettings settings(int segmentBytes, int indexInterval, int maxEntryBytes) {
    return new LogSettings(
        DIR,
        segmentBytes,
        Duration.ofDays(1),
        indexInterval,
        FsyncPolicy.ALWAYS,
        Duration.ofSeconds(1),
        maxEntryBytes);
  }

  private static void assertMessage(String expected, Runnable construct) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, construct::run);
    assertTrue(error.getMessage().startsWith(expected), error.getMessage());
  }
}
