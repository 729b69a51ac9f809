package dev.runnel.actors.group;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.TopicPartition;
import java.util.Map;

/**
 * The answer to {@link GroupCommand.FetchOffsets}: the committed offsets asked for; a partition
 * without one is absent.
 */
public record OffsetsFetched(Map<TopicPartition, OffsetAndMetadata> offsets)
    implements RunnelSerializable {

  public OffsetsFetched {
    offsets = Map.copyOf(offsets);
  }
}
