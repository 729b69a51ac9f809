package dev.runnel.actors.topic;

import java.util.Optional;

/** Where a partition finds its topic's current metadata, without a round trip. */
@FunctionalInterface
public interface TopicConfigLookup {

  /** The topic's current metadata on this node, empty if the topic is unknown or deleted. */
  Optional<TopicMetadata> topic(String name);
}
