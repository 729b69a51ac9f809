package dev.runnel.actors.topic;

import java.util.List;
import java.util.Optional;

/**
 * Where a partition or a group coordinator finds the topics' current metadata, without a round
 * trip.
 */
public interface TopicConfigLookup {

  /** The topic's current metadata on this node, empty if the topic is unknown or deleted. */
  Optional<TopicMetadata> topic(String name);

  /** Every topic this node knows (those being deleted included), sorted by name. */
  List<TopicMetadata> all();
}
