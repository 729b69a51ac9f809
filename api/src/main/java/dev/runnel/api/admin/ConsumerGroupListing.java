package dev.runnel.api.admin;

import dev.runnel.actors.group.GroupState;
import java.util.Objects;

/**
 * A consumer group as {@code RunnelAdmin.listConsumerGroups} lists it, as Kafka's {@code
 * ConsumerGroupListing}.
 *
 * @param groupId the group's id
 * @param state where the group is in its life now ({@code EMPTY} when it has only offsets)
 */
public record ConsumerGroupListing(String groupId, GroupState state) {

  public ConsumerGroupListing {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(state, "state");
  }
}
