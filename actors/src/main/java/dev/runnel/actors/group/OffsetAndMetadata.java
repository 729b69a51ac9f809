package dev.runnel.actors.group;

import dev.runnel.actors.RunnelSerializable;

/**
 * A committed position in a partition, as Kafka's: {@code offset} is the next offset the group will
 * read (the last processed offset + 1), {@code metadata} free text the committer attaches.
 *
 * @param offset the next offset to read, not negative
 * @param metadata the committer's text, "" when none (null is taken as "")
 */
public record OffsetAndMetadata(long offset, String metadata) implements RunnelSerializable {

  public OffsetAndMetadata {
    metadata = metadata == null ? "" : metadata;
  }

  /** An offset without metadata. */
  public static OffsetAndMetadata of(long offset) {
    return new OffsetAndMetadata(offset, "");
  }
}
