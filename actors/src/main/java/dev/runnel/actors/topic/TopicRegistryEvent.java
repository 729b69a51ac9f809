package dev.runnel.actors.topic;

import java.util.Map;
import java.util.Objects;

/**
 * What the topic registry persists. Stored as Protobuf by {@link TopicRegistrySerializer} ({@code
 * topic.proto}); a topic's {@code configs} are its own settings only, Kafka name to canonical value
 * ({@link TopicConfigs#canonical}).
 */
sealed interface TopicRegistryEvent {

  /**
   * A topic was created with these partitions and settings of its own.
   *
   * @param topicId the id of this incarnation of the name ("" for topics created before ids)
   */
  record TopicCreated(String name, int partitions, Map<String, String> configs, String topicId)
      implements TopicRegistryEvent {
    public TopicCreated {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(topicId, "topicId");
      configs = Map.copyOf(configs);
    }
  }

  /** A topic's own settings became these. */
  record TopicConfigAltered(String name, Map<String, String> configs)
      implements TopicRegistryEvent {
    public TopicConfigAltered {
      Objects.requireNonNull(name, "name");
      configs = Map.copyOf(configs);
    }
  }

  /** A topic's partition count grew to {@code partitions}. */
  record PartitionsCreated(String name, int partitions) implements TopicRegistryEvent {
    public PartitionsCreated {
      Objects.requireNonNull(name, "name");
    }
  }

  /** A topic's deletion began. */
  record TopicDeletionStarted(String name) implements TopicRegistryEvent {
    public TopicDeletionStarted {
      Objects.requireNonNull(name, "name");
    }
  }

  /** A topic's partitions are all deleted and its name is free. */
  record TopicDeleted(String name) implements TopicRegistryEvent {
    public TopicDeleted {
      Objects.requireNonNull(name, "name");
    }
  }

  /** Producer ids below {@code blockEnd} are used up; the next block starts there. */
  record ProducerIdBlockReserved(long blockEnd) implements TopicRegistryEvent {}
}
