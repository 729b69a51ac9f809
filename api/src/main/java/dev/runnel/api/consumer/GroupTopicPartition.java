package dev.runnel.api.consumer;

import dev.runnel.actors.TopicPartition;
import java.util.Objects;

/**
 * A partition as seen by one consumer group (Alpakka Kafka's {@code
 * ConsumerMessage.GroupTopicPartition}).
 *
 * @param groupId the consumer group
 * @param topicPartition the partition
 */
public record GroupTopicPartition(String groupId, TopicPartition topicPartition) {

  public GroupTopicPartition {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(topicPartition, "topicPartition");
  }
}
