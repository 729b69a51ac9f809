package dev.runnel.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsReaderTest {

  private static final List<String> KNOWN = List.of("linger.ms", "batch.size", "acks");
  private static final Config SECTION =
      ConfigFactory.parseString("linger.ms = 5, batch.size = 16384, acks = all");

  private static String failure(Runnable reading) {
    RunnelException e = assertThrows(RunnelException.class, reading::run);
    assertEquals(ErrorCode.INVALID_CONFIG, e.code());
    return e.getMessage();
  }

  @Test
  void shouldReadKafkaNamesAsPathsWithMillisecondsOrDurations() {
    SettingsReader read = SettingsReader.of(SECTION, "runnel.producer", KNOWN);
    assertEquals(Duration.ofMillis(5), read.duration("linger.ms", Duration.ZERO));
    assertEquals(16384, read.intIn("batch.size", 1, Integer.MAX_VALUE));
    assertEquals(1, read.oneOf("acks", Map.of("all", 1, "none", 0)));

    Config changed = SettingsReader.override(SECTION, "runnel.producer", KNOWN, "linger.ms", "2s");
    assertEquals(
        Duration.ofSeconds(2),
        SettingsReader.of(changed, "runnel.producer", KNOWN).duration("linger.ms", Duration.ZERO));
  }

  @Test
  void shouldNameTheSettingAndValueThatIsWrong() {
    Config typo = ConfigFactory.parseString("lingr.ms = 5").withFallback(SECTION);
    assertTrue(
        failure(() -> SettingsReader.of(typo, "runnel.producer", KNOWN))
            .contains("Unknown setting: section=runnel.producer, names=[lingr.ms]"));
    assertTrue(
        failure(() -> SettingsReader.override(SECTION, "runnel.producer", KNOWN, "x", "1"))
            .contains("name=x"));

    Config bad = ConfigFactory.parseString("linger.ms = soon, batch.size = 0, acks = maybe");
    SettingsReader read = SettingsReader.of(bad, "runnel.producer", KNOWN);
    assertTrue(
        failure(() -> read.duration("linger.ms", Duration.ZERO))
            .contains("name=linger.ms, value=soon"));
    assertEquals(
        "INVALID_CONFIG: Invalid setting: section=runnel.producer, name=batch.size, value=0,"
            + " reason=out of range [1, 100]",
        failure(() -> read.intIn("batch.size", 1, 100)));
    assertTrue(
        failure(() -> read.oneOf("acks", Map.of("all", 1)))
            .contains("name=acks, value=maybe, reason=allowed [all]"));
    assertTrue(
        failure(() -> SettingsReader.of(ConfigFactory.empty(), "runnel.producer", KNOWN))
            .contains("Missing setting"));
  }
}
