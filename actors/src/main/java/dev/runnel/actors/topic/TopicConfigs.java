package dev.runnel.actors.topic;

import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.topic.TopicConfig.CleanupPolicy;
import dev.runnel.actors.topic.TopicConfig.TopicCompression;
import dev.runnel.persistence.record.TimestampType;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ObjLongConsumer;

/**
 * Topic settings as Kafka writes them: string values under Kafka's names ({@code retention.ms},
 * {@code cleanup.policy}, ...), parsed into a {@link TopicConfig} and printed back.
 *
 * <p>Values follow Kafka's syntax and ranges: numbers are decimal strings (surrounding blanks are
 * ignored), {@code cleanup.policy} is a comma-separated list, the other choices are Kafka's exact
 * spellings. Runnel refuses what it cannot honour instead of accepting a setting that does nothing:
 * {@code gzip} and {@code snappy}, and segments outside the storage engine's range. Every refusal
 * is a {@link RunnelException} with {@link ErrorCode#INVALID_CONFIG} naming the key, the value and
 * what is allowed.
 */
public final class TopicConfigs {

  public static final String RETENTION_MS = "retention.ms";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String SEGMENT_BYTES = "segment.bytes";
  public static final String SEGMENT_MS = "segment.ms";
  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
  public static final String COMPRESSION_TYPE = "compression.type";
  public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
  public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
  public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";

  /** The smallest {@code segment.bytes}: Kafka's minimum since 4.0, and the engine's sane floor. */
  public static final int MIN_SEGMENT_BYTES = 1024 * 1024;

  /** Every setting's name, in the order of {@link TopicConfig}'s components. */
  public static final List<String> NAMES = Arrays.stream(Setting.values()).map(s -> s.key).toList();

  private TopicConfigs() {}

  /**
   * The settings {@code configs} names, the others taken from {@code defaults}.
   *
   * @throws RunnelException with {@link ErrorCode#INVALID_CONFIG} for an unknown key or a value the
   *     key cannot take (including {@code null})
   */
  public static TopicConfig parse(Map<String, String> configs, TopicConfig defaults) {
    Values values = new Values(defaults);
    configs.forEach(
        (key, value) -> {
          Setting setting = find(key);
          if (setting == null) {
            throw new RunnelException(
                ErrorCode.INVALID_CONFIG,
                "Unknown topic setting: key=" + key + ", value=" + value + ", known=" + NAMES);
          }
          if (value == null) {
            throw setting.invalid(null, "a value is required");
          }
          setting.parse(value, values);
        });
    return values.toConfig();
  }

  /**
   * The canonical spelling of the given settings (only those), validated as by {@link #parse}:
   * equal maps mean equal settings. Sorted by key.
   */
  public static Map<String, String> canonical(Map<String, String> configs) {
    TopicConfig parsed = parse(configs, TopicConfig.KAFKA_DEFAULTS);
    Map<String, String> canonical = new TreeMap<>();
    configs.keySet().forEach(key -> canonical.put(key, find(key).format(parsed)));
    return Collections.unmodifiableMap(canonical);
  }

  /**
   * Checks that every key names a setting, as for a reset to the default.
   *
   * @throws RunnelException with {@link ErrorCode#INVALID_CONFIG} for an unknown key
   */
  public static void requireKnown(Set<String> keys) {
    for (String key : keys) {
      if (find(key) == null) {
        throw new RunnelException(
            ErrorCode.INVALID_CONFIG, "Unknown topic setting: key=" + key + ", known=" + NAMES);
      }
    }
  }

  /** All settings of {@code config} with Kafka's names and spellings, in {@link #NAMES} order. */
  public static Map<String, String> toMap(TopicConfig config) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Setting setting : Setting.values()) {
      map.put(setting.key, setting.format(config));
    }
    return Collections.unmodifiableMap(map);
  }

  /** The setting named {@code key}, null if there is none. */
  private static Setting find(String key) {
    for (Setting setting : Setting.values()) {
      if (setting.key.equals(key)) {
        return setting;
      }
    }
    return null;
  }

  /** Parses one setting's value into {@code values}, or throws {@link Setting#invalid}. */
  @FunctionalInterface
  private interface Parser {
    void parse(Setting setting, String value, Values values);
  }

  /** One setting: its Kafka name, what it allows, how it is parsed and printed. */
  private enum Setting {
    RETENTION_MS(
        TopicConfigs.RETENTION_MS,
        "an integer >= -1 (milliseconds, -1 = unlimited)",
        number(-1, Long.MAX_VALUE, (values, n) -> values.retentionMs = n),
        config -> Long.toString(config.retentionMs())),
    RETENTION_BYTES(
        TopicConfigs.RETENTION_BYTES,
        "an integer >= -1 (bytes per partition, -1 = unlimited)",
        number(-1, Long.MAX_VALUE, (values, n) -> values.retentionBytes = n),
        config -> Long.toString(config.retentionBytes())),
    SEGMENT_BYTES(
        TopicConfigs.SEGMENT_BYTES,
        "an integer from "
            + MIN_SEGMENT_BYTES
            + " (1 MiB) to "
            + Integer.MAX_VALUE
            + " (segment files stay below 2 GiB)",
        number(MIN_SEGMENT_BYTES, Integer.MAX_VALUE, (values, n) -> values.segmentBytes = (int) n),
        config -> Integer.toString(config.segmentBytes())),
    SEGMENT_MS(
        TopicConfigs.SEGMENT_MS,
        "an integer >= 1 (milliseconds)",
        number(1, Long.MAX_VALUE, (values, n) -> values.segmentMs = n),
        config -> Long.toString(config.segmentMs())),
    CLEANUP_POLICY(
        TopicConfigs.CLEANUP_POLICY,
        "delete, compact or compact,delete (a comma-separated list, any order)",
        Setting::parseCleanupPolicy,
        config ->
            switch (config.cleanupPolicy()) {
              case DELETE -> "delete";
              case COMPACT -> "compact";
              case COMPACT_DELETE -> "compact,delete";
            }),
    MAX_MESSAGE_BYTES(
        TopicConfigs.MAX_MESSAGE_BYTES,
        "an integer from 0 to " + Integer.MAX_VALUE + " (bytes of one record batch)",
        number(0, Integer.MAX_VALUE, (values, n) -> values.maxMessageBytes = (int) n),
        config -> Integer.toString(config.maxMessageBytes())),
    MESSAGE_TIMESTAMP_TYPE(
        TopicConfigs.MESSAGE_TIMESTAMP_TYPE,
        "CreateTime or LogAppendTime",
        (setting, value, values) ->
            values.messageTimestampType =
                switch (value.trim()) {
                  case "CreateTime" -> TimestampType.CREATE_TIME;
                  case "LogAppendTime" -> TimestampType.LOG_APPEND_TIME;
                  default -> throw setting.invalid(value, null);
                },
        config ->
            switch (config.messageTimestampType()) {
              case CREATE_TIME -> "CreateTime";
              case LOG_APPEND_TIME -> "LogAppendTime";
            }),
    COMPRESSION_TYPE(
        TopicConfigs.COMPRESSION_TYPE,
        "producer, uncompressed, lz4 or zstd",
        (setting, value, values) ->
            values.compressionType =
                switch (value.trim()) {
                  case "producer" -> TopicCompression.PRODUCER;
                  case "uncompressed" -> TopicCompression.UNCOMPRESSED;
                  case "lz4" -> TopicCompression.LZ4;
                  case "zstd" -> TopicCompression.ZSTD;
                  case "gzip", "snappy" -> throw setting.invalid(value, "not supported by Runnel");
                  default -> throw setting.invalid(value, null);
                },
        config ->
            switch (config.compressionType()) {
              case PRODUCER -> "producer";
              case UNCOMPRESSED -> "uncompressed";
              case LZ4 -> "lz4";
              case ZSTD -> "zstd";
            }),
    MIN_COMPACTION_LAG_MS(
        TopicConfigs.MIN_COMPACTION_LAG_MS,
        "an integer >= 0 (milliseconds)",
        number(0, Long.MAX_VALUE, (values, n) -> values.minCompactionLagMs = n),
        config -> Long.toString(config.minCompactionLagMs())),
    MAX_COMPACTION_LAG_MS(
        TopicConfigs.MAX_COMPACTION_LAG_MS,
        "an integer >= 1 (milliseconds, " + Long.MAX_VALUE + " = no limit)",
        number(1, Long.MAX_VALUE, (values, n) -> values.maxCompactionLagMs = n),
        config -> Long.toString(config.maxCompactionLagMs())),
    MIN_CLEANABLE_DIRTY_RATIO(
        TopicConfigs.MIN_CLEANABLE_DIRTY_RATIO,
        "a number from 0 to 1",
        Setting::parseRatio,
        config -> Double.toString(config.minCleanableDirtyRatio())),
    DELETE_RETENTION_MS(
        TopicConfigs.DELETE_RETENTION_MS,
        "an integer >= 0 (milliseconds)",
        number(0, Long.MAX_VALUE, (values, n) -> values.deleteRetentionMs = n),
        config -> Long.toString(config.deleteRetentionMs()));

    final String key;
    final String allowed;
    private final Parser parser;
    private final Function<TopicConfig, String> format;

    Setting(String key, String allowed, Parser parser, Function<TopicConfig, String> format) {
      this.key = key;
      this.allowed = allowed;
      this.parser = parser;
      this.format = format;
    }

    void parse(String value, Values values) {
      parser.parse(this, value, values);
    }

    String format(TopicConfig config) {
      return format.apply(config);
    }

    /** A decimal integer from {@code min} to {@code max}, as Kafka's LONG and INT settings. */
    private static Parser number(long min, long max, ObjLongConsumer<Values> set) {
      return (setting, value, values) -> {
        long parsed;
        try {
          parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
          throw setting.invalid(value, null);
        }
        if (parsed < min || parsed > max) {
          throw setting.invalid(value, null);
        }
        set.accept(values, parsed);
      };
    }

    /** Kafka's list syntax: "delete", "compact", or both in any order. */
    private static void parseCleanupPolicy(Setting setting, String value, Values values) {
      Set<String> policies = new TreeSet<>();
      for (String policy : value.split(",", -1)) {
        policies.add(policy.trim());
      }
      if (policies.equals(Set.of("delete"))) {
        values.cleanupPolicy = CleanupPolicy.DELETE;
      } else if (policies.equals(Set.of("compact"))) {
        values.cleanupPolicy = CleanupPolicy.COMPACT;
      } else if (policies.equals(Set.of("compact", "delete"))) {
        values.cleanupPolicy = CleanupPolicy.COMPACT_DELETE;
      } else {
        throw setting.invalid(value, null);
      }
    }

    /** A decimal number from 0 to 1, as Kafka's {@code min.cleanable.dirty.ratio}. */
    private static void parseRatio(Setting setting, String value, Values values) {
      double parsed;
      try {
        parsed = Double.parseDouble(value.trim());
      } catch (NumberFormatException e) {
        throw setting.invalid(value, null);
      }
      if (!(parsed >= 0 && parsed <= 1)) {
        throw setting.invalid(value, null);
      }
      values.minCleanableDirtyRatio = parsed;
    }

    RunnelException invalid(String value, String reason) {
      return new RunnelException(
          ErrorCode.INVALID_CONFIG,
          "Invalid topic setting: key="
              + key
              + ", value="
              + value
              + (reason == null ? "" : ", reason=" + reason)
              + ", allowed="
              + allowed);
    }
  }

  /** The settings being parsed, started from the defaults. */
  private static final class Values {
    long retentionMs;
    long retentionBytes;
    int segmentBytes;
    long segmentMs;
    CleanupPolicy cleanupPolicy;
    int maxMessageBytes;
    TimestampType messageTimestampType;
    TopicCompression compressionType;
    long minCompactionLagMs;
    long maxCompactionLagMs;
    double minCleanableDirtyRatio;
    long deleteRetentionMs;

    Values(TopicConfig defaults) {
      retentionMs = defaults.retentionMs();
      retentionBytes = defaults.retentionBytes();
      segmentBytes = defaults.segmentBytes();
      segmentMs = defaults.segmentMs();
      cleanupPolicy = defaults.cleanupPolicy();
      maxMessageBytes = defaults.maxMessageBytes();
      messageTimestampType = defaults.messageTimestampType();
      compressionType = defaults.compressionType();
      minCompactionLagMs = defaults.minCompactionLagMs();
      maxCompactionLagMs = defaults.maxCompactionLagMs();
      minCleanableDirtyRatio = defaults.minCleanableDirtyRatio();
      deleteRetentionMs = defaults.deleteRetentionMs();
    }

    TopicConfig toConfig() {
      return new TopicConfig(
          retentionMs,
          retentionBytes,
          segmentBytes,
          segmentMs,
          cleanupPolicy,
          maxMessageBytes,
          messageTimestampType,
          compressionType,
          minCompactionLagMs,
          maxCompactionLagMs,
          minCleanableDirtyRatio,
          deleteRetentionMs);
    }
  }
}
