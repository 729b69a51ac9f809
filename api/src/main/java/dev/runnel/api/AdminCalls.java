package dev.runnel.api;

import akka.Done;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.group.GroupDescription;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.api.admin.ConsumerGroupListing;
import dev.runnel.api.admin.ConsumerGroupOffset;
import dev.runnel.api.admin.ListOffsetsResultInfo;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.admin.TopicDescription;
import dev.runnel.sharding.ClusterStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.CompletionStage;

/**
 * The requests {@link RunnelAdmin} is built on, answered by a node in this JVM ({@link
 * EmbeddedAdmin}) or a server over gRPC ({@link RemoteAdmin}). Each method does what the {@link
 * RunnelAdmin} method of the same name documents; a failure is a {@link
 * dev.runnel.actors.error.RunnelException} (or a failure {@link
 * dev.runnel.api.internal.Completions#toRunnelException} names). Group ids are valid: {@link
 * RunnelAdmin} checks them first. Stages may complete on any thread: {@link RunnelAdmin} moves them
 * to the system's executor.
 */
interface AdminCalls {

  CompletionStage<TopicDescription> createTopic(NewTopic topic);

  CompletionStage<TopicDescription> describeTopic(String name);

  CompletionStage<SortedSet<String>> listTopics();

  CompletionStage<TopicDescription> alterTopicConfig(
      String name, Map<String, String> set, Set<String> reset);

  CompletionStage<TopicDescription> createPartitions(String name, int totalCount);

  CompletionStage<Done> deleteTopic(String name);

  CompletionStage<ListOffsetsResultInfo> listOffsets(TopicPartition tp, OffsetSpec spec);

  CompletionStage<List<ConsumerGroupListing>> listConsumerGroups();

  CompletionStage<GroupDescription> describeConsumerGroup(String groupId);

  CompletionStage<Map<TopicPartition, ConsumerGroupOffset>> listConsumerGroupOffsets(
      String groupId);

  /** Stores {@code offsets} as the committed offsets of a group without members. */
  CompletionStage<Done> setConsumerGroupOffsets(String groupId, Map<TopicPartition, Long> offsets);

  CompletionStage<Done> deleteConsumerGroup(String groupId);

  CompletionStage<ClusterStatus> clusterStatus();
}
