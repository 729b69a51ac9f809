package dev.runnel.actors.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A registry spawned in a test, its listener probe, and one method per command. Topic ids are
 * random, so the metadata it hands to tests (replies, lists, publications) has them removed; {@link
 * #topicId} reads one.
 */
final class RegistryClient {

  final ActorTestKit kit;
  final ActorRef<TopicRegistryCommand> registry;
  final TestProbe<TopicRegistry.Published> published;

  private RegistryClient(
      ActorTestKit kit,
      ActorRef<TopicRegistryCommand> registry,
      TestProbe<TopicRegistry.Published> published) {
    this.kit = kit;
    this.registry = registry;
    this.published = published;
  }

  static RegistryClient spawn(ActorTestKit kit, String persistenceId, PartitionDeletion deletion) {
    TestProbe<TopicRegistry.Published> published = kit.createTestProbe();
    ActorRef<TopicRegistry.Published> withoutIds =
        kit.spawn(
            Behaviors.receiveMessage(
                message -> {
                  published.getRef().tell(withoutId(message));
                  return Behaviors.same();
                }));
    ActorRef<TopicRegistryCommand> registry =
        kit.spawn(
            TopicRegistry.create(
                PersistenceId.ofUniqueId(persistenceId),
                RegistryTestConfig.settings(kit.system().settings().config()),
                withoutIds,
                deletion));
    return new RegistryClient(kit, registry, published);
  }

  /** Deletion that tells {@code asked} each partition and answers as {@code result} says. */
  static PartitionDeletion deletion(
      TestProbe<TopicPartition> asked, Function<TopicPartition, CompletionStage<Done>> result) {
    return tp -> {
      asked.getRef().tell(tp);
      return result.apply(tp);
    };
  }

  /** Deletion that tells {@code asked} each partition and succeeds at once. */
  static PartitionDeletion succeeding(TestProbe<TopicPartition> asked) {
    return deletion(asked, tp -> CompletableFuture.completedFuture(Done.getInstance()));
  }

  TopicReply create(String name, int partitions, Map<String, String> configs) {
    TestProbe<TopicReply> reply = kit.createTestProbe();
    registry.tell(new TopicRegistryCommand.CreateTopic(name, partitions, configs, reply.getRef()));
    return withoutId(reply.receiveMessage());
  }

  TopicReply describe(String name) {
    TestProbe<TopicReply> reply = kit.createTestProbe();
    registry.tell(new TopicRegistryCommand.DescribeTopic(name, reply.getRef()));
    return withoutId(reply.receiveMessage());
  }

  List<TopicMetadata> list() {
    TestProbe<TopicList> reply = kit.createTestProbe();
    registry.tell(new TopicRegistryCommand.ListTopics(reply.getRef()));
    return reply.receiveMessage().topics().stream().map(RegistryClient::withoutId).toList();
  }

  /** The id the registry gave the topic now of that name. */
  String topicId(String name) {
    TestProbe<TopicReply> reply = kit.createTestProbe();
    registry.tell(new TopicRegistryCommand.DescribeTopic(name, reply.getRef()));
    return ok(reply.receiveMessage()).topicId();
  }

  static TopicMetadata withoutId(TopicMetadata topic) {
    return new TopicMetadata(topic.name(), topic.partitions(), topic.config(), topic.deleting());
  }

  private static TopicReply withoutId(TopicReply reply) {
    return reply instanceof TopicReply.TopicOk ok
        ? new TopicReply.TopicOk(withoutId(ok.topic()))
        : reply;
  }

  private static TopicRegistry.Published withoutId(TopicRegistry.Published message) {
    if (message instanceof TopicRegistry.TopicsPublished all) {
      return new TopicRegistry.TopicsPublished(
          all.all().stream().map(RegistryClient::withoutId).toList());
    } else if (message instanceof TopicRegistry.TopicPublished one) {
      return new TopicRegistry.TopicPublished(withoutId(one.topic()));
    }
    return message;
  }

  TopicReply alter(String name, Map<String, String> set, Set<String> reset) {
    TestProbe<TopicReply> reply = kit.createTestProbe();
    registry.tell(new TopicRegistryCommand.AlterTopicConfig(name, set, reset, reply.getRef()));
    return withoutId(reply.receiveMessage());
  }

  TopicReply createPartitions(String name, int totalCount) {
    TestProbe<TopicReply> reply = kit.createTestProbe();
    registry.tell(new TopicRegistryCommand.CreatePartitions(name, totalCount, reply.getRef()));
    return withoutId(reply.receiveMessage());
  }

  TopicReply delete(String name) {
    TestProbe<TopicReply> reply = kit.createTestProbe();
    registry.tell(new TopicRegistryCommand.DeleteTopic(name, reply.getRef()));
    return withoutId(reply.receiveMessage());
  }

  long allocateProducerId() {
    TestProbe<ProducerIdAllocated> reply = kit.createTestProbe();
    registry.tell(new TopicRegistryCommand.AllocateProducerId(reply.getRef()));
    return reply.receiveMessage().producerId();
  }

  /** The topic a successful reply carries. */
  static TopicMetadata ok(TopicReply reply) {
    return assertInstanceOf(TopicReply.TopicOk.class, reply).topic();
  }

  /** The failure a refused reply carries, checking its code. */
  static TopicReply.TopicFailed failed(TopicReply reply, ErrorCode code) {
    TopicReply.TopicFailed failed = assertInstanceOf(TopicReply.TopicFailed.class, reply);
    assertEquals(code, failed.code(), failed.message());
    return failed;
  }

  /** A topic with the test settings' defaults. */
  static TopicMetadata topic(String name, int partitions, boolean deleting) {
    return new TopicMetadata(name, partitions, TopicConfig.KAFKA_DEFAULTS, deleting);
  }
}
