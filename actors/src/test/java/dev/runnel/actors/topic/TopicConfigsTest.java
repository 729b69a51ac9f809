package dev.runnel.actors.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.topic.TopicConfig.CleanupPolicy;
import dev.runnel.actors.topic.TopicConfig.TopicCompression;
import dev.runnel.persistence.record.TimestampType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class TopicConfigsTest {

  /** Settings unlike Kafka's defaults in every field, so a field parsed wrongly shows. */
  private static final TopicConfig ALL_CHANGED =
      new TopicConfig(
          -1,
          5_000_000_000L,
          TopicConfigs.MIN_SEGMENT_BYTES,
          1,
          CleanupPolicy.DELETE,
          0,
          TimestampType.LOG_APPEND_TIME,
          TopicCompression.ZSTD,
          1,
          60_000,
          0.25,
          0);

  static Stream<TopicConfig> acceptedConfigs() {
    return Stream.of(
        TopicConfig.KAFKA_DEFAULTS,
        ALL_CHANGED,
        new TopicConfig(
            0,
            -1,
            Integer.MAX_VALUE,
            Long.MAX_VALUE,
            CleanupPolicy.DELETE,
            Integer.MAX_VALUE,
            TimestampType.CREATE_TIME,
            TopicCompression.LZ4,
            Long.MAX_VALUE,
            1,
            1.0,
            Long.MAX_VALUE),
        new TopicConfig(
            Long.MAX_VALUE,
            0,
            64 * 1024 * 1024,
            3_600_000,
            CleanupPolicy.DELETE,
            1,
            TimestampType.CREATE_TIME,
            TopicCompression.UNCOMPRESSED,
            0,
            Long.MAX_VALUE,
            0.0,
            86_400_000));
  }

  @ParameterizedTest
  @MethodSource("acceptedConfigs")
  void shouldParseWhatToMapPrints(TopicConfig config) {
    Map<String, String> map = TopicConfigs.toMap(config);

    assertEquals(TopicConfigs.NAMES, new ArrayList<>(map.keySet()));
    TopicConfig otherDefaults =
        config.equals(ALL_CHANGED) ? TopicConfig.KAFKA_DEFAULTS : ALL_CHANGED;
    assertEquals(config, TopicConfigs.parse(map, otherDefaults));
    assertEquals(map, TopicConfigs.canonical(map));
  }

  @Test
  void shouldPrintKafkasSpellings() {
    assertEquals(
        Map.ofEntries(
            Map.entry("retention.ms", "-1"),
            Map.entry("retention.bytes", "5000000000"),
            Map.entry("segment.bytes", "1048576"),
            Map.entry("segment.ms", "1"),
            Map.entry("cleanup.policy", "delete"),
            Map.entry("max.message.bytes", "0"),
            Map.entry("message.timestamp.type", "LogAppendTime"),
            Map.entry("compression.type", "zstd"),
            Map.entry("min.compaction.lag.ms", "1"),
            Map.entry("max.compaction.lag.ms", "60000"),
            Map.entry("min.cleanable.dirty.ratio", "0.25"),
            Map.entry("delete.retention.ms", "0")),
        TopicConfigs.toMap(ALL_CHANGED));
    TopicConfig compacted =
        new TopicConfig(
            1,
            1,
            1,
            1,
            CleanupPolicy.COMPACT_DELETE,
            1,
            TimestampType.CREATE_TIME,
            TopicCompression.PRODUCER,
            0,
            Long.MAX_VALUE,
            0.5,
            0);
    assertEquals("compact,delete", TopicConfigs.toMap(compacted).get("cleanup.policy"));
    assertEquals("producer", TopicConfigs.toMap(compacted).get("compression.type"));
  }

  @Test
  void shouldTakeUnnamedSettingsFromTheDefaults() {
    TopicConfig parsed =
        TopicConfigs.parse(Map.of("retention.ms", "1000"), TopicConfig.KAFKA_DEFAULTS);

    assertEquals(1000, parsed.retentionMs());
    assertEquals(
        TopicConfigs.toMap(TopicConfig.KAFKA_DEFAULTS).get("segment.bytes"),
        TopicConfigs.toMap(parsed).get("segment.bytes"));
    assertEquals(ALL_CHANGED, TopicConfigs.parse(Map.of(), ALL_CHANGED));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "retention.ms           | ' 86400000 '     | 86400000",
        "retention.ms           | +5               | 5",
        "retention.bytes        | 0                | 0",
        "segment.bytes          | 1048576          | 1048576",
        "segment.bytes          | 2147483647       | 2147483647",
        "segment.ms             | 1                | 1",
        "cleanup.policy         | ' delete '       | delete",
        "cleanup.policy         | 'delete, delete' | delete",
        "cleanup.policy         | compact          | compact",
        "cleanup.policy         | 'delete, compact'| compact,delete",
        "cleanup.policy         | compact,delete   | compact,delete",
        "min.compaction.lag.ms  | 0                | 0",
        "max.compaction.lag.ms  | 1                | 1",
        "min.cleanable.dirty.ratio | ' 0.5 '       | 0.5",
        "min.cleanable.dirty.ratio | 1             | 1.0",
        "delete.retention.ms    | 86400000         | 86400000",
        "max.message.bytes      | 0                | 0",
        "message.timestamp.type | LogAppendTime    | LogAppendTime",
        "message.timestamp.type | CreateTime       | CreateTime",
        "compression.type       | lz4              | lz4",
        "compression.type       | uncompressed     | uncompressed",
        "compression.type       | ' zstd'          | zstd"
      })
  void shouldAcceptKafkaSyntaxAndPrintItCanonically(String key, String value, String canonical) {
    assertEquals(Map.of(key, canonical), TopicConfigs.canonical(Map.of(key, value)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "retention.ms           | -2             | an integer >= -1",
        "retention.ms           | abc            | an integer >= -1",
        "retention.ms           | 1.5            | an integer >= -1",
        "retention.ms           | ''             | an integer >= -1",
        "retention.ms           | 7d             | an integer >= -1",
        "retention.bytes        | -2             | an integer >= -1",
        "segment.bytes          | 1048575        | an integer from 1048576 (1 MiB) to 2147483647",
        "segment.bytes          | 2147483648     | an integer from 1048576 (1 MiB) to 2147483647",
        "segment.bytes          | 14             | an integer from 1048576 (1 MiB) to 2147483647",
        "segment.ms             | 0              | an integer >= 1",
        "cleanup.policy         | compact,       | allowed=delete, compact or compact,delete",
        "min.compaction.lag.ms  | -1             | an integer >= 0",
        "max.compaction.lag.ms  | 0              | an integer >= 1",
        "min.cleanable.dirty.ratio | 1.5         | a number from 0 to 1",
        "min.cleanable.dirty.ratio | NaN         | a number from 0 to 1",
        "min.cleanable.dirty.ratio | -0.1        | a number from 0 to 1",
        "delete.retention.ms    | -1             | an integer >= 0",
        "cleanup.policy         | ''             | allowed=delete",
        "cleanup.policy         | delete,        | allowed=delete",
        "cleanup.policy         | Delete         | allowed=delete",
        "cleanup.policy         | delete,remove  | allowed=delete",
        "max.message.bytes      | -1             | an integer from 0 to 2147483647",
        "max.message.bytes      | 2147483648     | an integer from 0 to 2147483647",
        "message.timestamp.type | createtime     | allowed=CreateTime or LogAppendTime",
        "message.timestamp.type | NoTimestamp    | allowed=CreateTime or LogAppendTime",
        "compression.type       | gzip           | reason=not supported by Runnel",
        "compression.type       | snappy         | reason=not supported by Runnel",
        "compression.type       | none           | allowed=producer, uncompressed, lz4 or zstd",
        "compression.type       | LZ4            | allowed=producer, uncompressed, lz4 or zstd"
      })
  void shouldRefuseAValueTheSettingCannotTake(String key, String value, String allowed) {
    RunnelException e =
        assertThrows(
            RunnelException.class,
            () -> TopicConfigs.parse(Map.of(key, value), TopicConfig.KAFKA_DEFAULTS));

    assertEquals(ErrorCode.INVALID_CONFIG, e.code());
    assertTrue(e.getMessage().contains("key=" + key + ", value=" + value + ", "), e.getMessage());
    assertTrue(e.getMessage().contains("allowed="), e.getMessage());
    assertTrue(e.getMessage().contains(allowed), e.getMessage());
  }

  @Test
  void shouldRefuseAMissingValue() {
    Map<String, String> configs = new HashMap<>();
    configs.put("retention.ms", null);

    RunnelException e =
        assertThrows(
            RunnelException.class, () -> TopicConfigs.parse(configs, TopicConfig.KAFKA_DEFAULTS));

    assertEquals(ErrorCode.INVALID_CONFIG, e.code());
    assertTrue(e.getMessage().contains("key=retention.ms, value=null"), e.getMessage());
  }

  @Test
  void shouldRefuseUnknownKeysNamingTheKnownOnes() {
    for (String key : List.of("min.insync.replicas", "retention", "Retention.ms", "")) {
      RunnelException parse =
          assertThrows(
              RunnelException.class,
              () -> TopicConfigs.parse(Map.of(key, "1"), TopicConfig.KAFKA_DEFAULTS));
      RunnelException reset =
          assertThrows(RunnelException.class, () -> TopicConfigs.requireKnown(Set.of(key)));

      assertEquals(ErrorCode.INVALID_CONFIG, parse.code());
      assertEquals(ErrorCode.INVALID_CONFIG, reset.code());
      assertTrue(parse.getMessage().contains("key=" + key + ", value=1"), parse.getMessage());
      assertTrue(parse.getMessage().contains("known=" + TopicConfigs.NAMES), parse.getMessage());
      assertTrue(reset.getMessage().contains("key=" + key), reset.getMessage());
    }
    TopicConfigs.requireKnown(Set.copyOf(TopicConfigs.NAMES));
  }
}
