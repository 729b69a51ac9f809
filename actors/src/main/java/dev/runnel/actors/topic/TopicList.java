package dev.runnel.actors.topic;

import dev.runnel.actors.RunnelSerializable;
import java.util.List;

/**
 * Every topic the registry knows, sorted by name; topics being deleted are included (with {@code
 * deleting} set) until their deletion ends.
 */
public record TopicList(List<TopicMetadata> topics) implements RunnelSerializable {

  public TopicList {
    topics = List.copyOf(topics);
  }
}
