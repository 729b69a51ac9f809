package dev.runnel.actors.partition;

import dev.runnel.actors.RunnelSerializable;
import java.util.Objects;

/**
 * Which offset {@link PartitionCommand.ListOffsets} asks for, as Kafka's {@code ListOffsets}.
 *
 * @param kind what to look for
 * @param timestamp for {@link Kind#TIMESTAMP}: the earliest record at or after this time (epoch
 *     milliseconds) is wanted; -1 otherwise
 */
public record OffsetSpec(Kind kind, long timestamp) implements RunnelSerializable {

  /** What {@link PartitionCommand.ListOffsets} looks for. */
  public enum Kind {
    /** The log start offset: the first offset still stored. */
    EARLIEST,
    /** The high watermark: the offset the next record will get. */
    LATEST,
    /** The first offset whose record has a timestamp at or after {@link #timestamp()}. */
    TIMESTAMP
  }

  public OffsetSpec {
    Objects.requireNonNull(kind, "kind");
  }

  /** The log start offset. */
  public static OffsetSpec earliest() {
    return new OffsetSpec(Kind.EARLIEST, -1);
  }

  /** The high watermark. */
  public static OffsetSpec latest() {
    return new OffsetSpec(Kind.LATEST, -1);
  }

  /** The first offset with a record timestamp at or after {@code timestamp}. */
  public static OffsetSpec forTimestamp(long timestamp) {
    return new OffsetSpec(Kind.TIMESTAMP, timestamp);
  }
}
