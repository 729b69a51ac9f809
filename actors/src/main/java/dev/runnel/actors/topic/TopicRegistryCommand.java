package dev.runnel.actors.topic;

import akka.actor.typed.ActorRef;
import dev.runnel.actors.RunnelSerializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the {@link TopicRegistry} is asked. Topic settings are Kafka's names and string values
 * ({@link TopicConfigs}); a refused command is answered {@link TopicReply.TopicFailed} and changes
 * nothing.
 */
public sealed interface TopicRegistryCommand extends RunnelSerializable
    permits TopicRegistryCommand.CreateTopic,
        TopicRegistryCommand.DescribeTopic,
        TopicRegistryCommand.ListTopics,
        TopicRegistryCommand.AlterTopicConfig,
        TopicRegistryCommand.CreatePartitions,
        TopicRegistryCommand.DeleteTopic,
        TopicRegistryCommand.AllocateProducerId,
        TopicRegistry.Internal {

  /**
   * Creates a topic. Refused with INVALID_TOPIC_EXCEPTION (a name against the rules of {@link
   * TopicNames}, or colliding with another topic's), TOPIC_ALREADY_EXISTS,
   * TOPIC_DELETION_IN_PROGRESS (the name, or a colliding one, is being deleted),
   * INVALID_PARTITIONS, INVALID_CONFIG.
   *
   * @param partitions the partition count, or -1 for {@code runnel.topic-defaults.partitions}
   * @param configs settings of the topic's own; the others follow {@code runnel.topic-defaults}
   */
  record CreateTopic(
      String name, int partitions, Map<String, String> configs, ActorRef<TopicReply> replyTo)
      implements TopicRegistryCommand {
    public CreateTopic {
      configs = copy(configs);
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** The topic as it is now (also while it is being deleted), or UNKNOWN_TOPIC_OR_PARTITION. */
  record DescribeTopic(String name, ActorRef<TopicReply> replyTo) implements TopicRegistryCommand {
    public DescribeTopic {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Every topic, answered with a {@link TopicList}. */
  record ListTopics(ActorRef<TopicList> replyTo) implements TopicRegistryCommand {
    public ListTopics {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Changes a topic's own settings, as Kafka's incremental alter: {@code set} gives new values,
   * {@code reset} returns settings to the defaults. Refused with UNKNOWN_TOPIC_OR_PARTITION,
   * TOPIC_DELETION_IN_PROGRESS, INVALID_REQUEST (a key both set and reset), INVALID_CONFIG.
   */
  record AlterTopicConfig(
      String name, Map<String, String> set, Set<String> reset, ActorRef<TopicReply> replyTo)
      implements TopicRegistryCommand {
    public AlterTopicConfig {
      set = copy(set);
      reset = reset == null ? Set.of() : Collections.unmodifiableSet(new HashSet<>(reset));
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Grows a topic to {@code totalCount} partitions. Refused with UNKNOWN_TOPIC_OR_PARTITION,
   * TOPIC_DELETION_IN_PROGRESS, INVALID_PARTITIONS (not more than it has: partitions never shrink).
   */
  record CreatePartitions(String name, int totalCount, ActorRef<TopicReply> replyTo)
      implements TopicRegistryCommand {
    public CreatePartitions {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Starts deleting a topic, answered once the deletion is recorded (the topic with {@code
   * deleting} set); the registry then deletes its partitions and publishes its removal. Deleting a
   * topic being deleted answers the same. Refused with UNKNOWN_TOPIC_OR_PARTITION.
   */
  record DeleteTopic(String name, ActorRef<TopicReply> replyTo) implements TopicRegistryCommand {
    public DeleteTopic {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** A new producer id, answered with {@link ProducerIdAllocated}. */
  record AllocateProducerId(ActorRef<ProducerIdAllocated> replyTo) implements TopicRegistryCommand {
    public AllocateProducerId {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** An unmodifiable copy that keeps null keys and values, so the registry can refuse them. */
  private static Map<String, String> copy(Map<String, String> settings) {
    return settings == null ? Map.of() : Collections.unmodifiableMap(new HashMap<>(settings));
  }
}
