package dev.runnel.actors.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import akka.serialization.jackson.JacksonCborSerializer;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.topic.TopicRegistryEvent.PartitionsCreated;
import dev.runnel.actors.topic.TopicRegistryEvent.ProducerIdBlockReserved;
import dev.runnel.actors.topic.TopicRegistryEvent.TopicConfigAltered;
import dev.runnel.actors.topic.TopicRegistryEvent.TopicCreated;
import dev.runnel.actors.topic.TopicRegistryEvent.TopicDeleted;
import dev.runnel.actors.topic.TopicRegistryEvent.TopicDeletionStarted;
import java.io.NotSerializableException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every message of the registry survives the serializer it is bound to, unchanged. */
class TopicRegistrySerializationTest {

  @TempDir static Path directory;

  private static ActorTestKit kit;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(RegistryTestConfig.under(directory));
    serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void shouldStoreEventsAndSnapshotsAsProtobufAndReadThemBack() {
    Map<String, String> configs = Map.of("retention.ms", "1000", "compression.type", "lz4");
    TreeMap<String, TopicRegistryState.Topic> topics = new TreeMap<>();
    topics.put("a", new TopicRegistryState.Topic("a", 3, configs, false, "id-a"));
    topics.put("b.c", new TopicRegistryState.Topic("b.c", 1, Map.of(), true, ""));
    List<Object> stored =
        List.of(
            new TopicCreated("orders", 3, configs, "5b3c0a8e-2f1d-4c7b-9e61-0d2a4f7c9b10"),
            new TopicCreated("empty", 1, Map.of(), ""),
            new TopicConfigAltered("orders", Map.of("segment.ms", "60000")),
            new PartitionsCreated("orders", 12),
            new TopicDeletionStarted("orders"),
            new TopicDeleted("orders"),
            new ProducerIdBlockReserved(5000),
            new TopicRegistryState(topics, 42),
            TopicRegistryState.EMPTY);
    Set<String> manifests = new HashSet<>();

    for (Object message : stored) {
      Serializer serializer = serialization.findSerializerFor(message);
      assertInstanceOf(TopicRegistrySerializer.class, serializer);
      String manifest = Serializers.manifestFor(serializer, message);
      byte[] bytes = serialization.serialize(message).get();

      assertEquals(
          message,
          serialization.deserialize(bytes, TopicRegistrySerializer.IDENTIFIER, manifest).get());
      manifests.add(manifest);
    }
    assertEquals(7, manifests.size());
  }

  @Test
  void shouldRefuseAnUnknownManifest() {
    assertThrows(
        NotSerializableException.class,
        () -> new TopicRegistrySerializer().fromBinary(new byte[0], "TopicRenamed"));
  }

  @Test
  void shouldRoundTripCommandsRepliesAndPublicationsThroughJackson() {
    SerializationTestKit serializationKit = new SerializationTestKit(kit.system());
    TestProbe<TopicReply> reply = kit.createTestProbe();
    TopicMetadata topic =
        new TopicMetadata(
            "orders",
            3,
            TopicConfigs.parse(
                Map.of("message.timestamp.type", "LogAppendTime"), TopicConfig.KAFKA_DEFAULTS),
            true);
    Map<String, String> withNull = new HashMap<>();
    withNull.put("retention.ms", null);
    List<Object> messages =
        List.of(
            new TopicRegistryCommand.CreateTopic("orders", 3, withNull, reply.getRef()),
            new TopicRegistryCommand.DescribeTopic("orders", reply.getRef()),
            new TopicRegistryCommand.ListTopics(kit.<TopicList>createTestProbe().getRef()),
            new TopicRegistryCommand.AlterTopicConfig(
                "orders", Map.of("segment.ms", "1"), Set.of("retention.ms"), reply.getRef()),
            new TopicRegistryCommand.CreatePartitions("orders", 4, reply.getRef()),
            new TopicRegistryCommand.DeleteTopic("orders", reply.getRef()),
            new TopicRegistryCommand.AllocateProducerId(
                kit.<ProducerIdAllocated>createTestProbe().getRef()),
            new TopicReply.TopicOk(topic),
            new TopicReply.TopicFailed(ErrorCode.INVALID_CONFIG, "Invalid topic setting: key=x"),
            new TopicList(List.of(topic)),
            new ProducerIdAllocated(1234),
            new TopicRegistry.TopicsPublished(List.of(topic)),
            new TopicRegistry.TopicPublished(topic),
            new TopicRegistry.TopicRemoved("orders"));

    for (Object message : messages) {
      assertInstanceOf(JacksonCborSerializer.class, serialization.findSerializerFor(message));
      serializationKit.verifySerialization(message, true);
    }
  }
}
