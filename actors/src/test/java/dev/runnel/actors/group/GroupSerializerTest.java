package dev.runnel.actors.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import dev.runnel.actors.TopicPartition;
import java.io.NotSerializableException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GroupSerializerTest {

  private static ActorTestKit kit;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
    serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void shouldStoreEventsAndSnapshotsAsProtobufAndReadThemBack() {
    Map<TopicPartition, CommittedOffset> offsets =
        Map.of(
            new TopicPartition("a-b", 0),
                new CommittedOffset(12, "meta", 1_700_000_000_000L, "id-1"),
            new TopicPartition("c", 9), new CommittedOffset(0, "", 5, ""));
    List<Object> stored =
        List.of(
            new GroupEvent.GenerationStarted(7, "cooperative-sticky"),
            new GroupEvent.GenerationStarted(8, ""),
            new GroupEvent.OffsetsCommitted(offsets),
            new GroupEvent.OffsetsDropped(
                Set.of(new TopicPartition("a-b", 0), new TopicPartition("c", 9))),
            GroupEvent.GroupDeleted.INSTANCE,
            new StoredGroup(8, "range", offsets),
            StoredGroup.EMPTY);
    Set<String> manifests = new HashSet<>();

    for (Object message : stored) {
      Serializer serializer = serialization.findSerializerFor(message);
      assertInstanceOf(GroupSerializer.class, serializer);
      String manifest = Serializers.manifestFor(serializer, message);
      byte[] bytes = serialization.serialize(message).get();

      assertEquals(
          message, serialization.deserialize(bytes, GroupSerializer.IDENTIFIER, manifest).get());
      manifests.add(manifest);
    }
    assertEquals(5, manifests.size());
  }

  @Test
  void shouldRefuseAnUnknownManifest() {
    assertThrows(
        NotSerializableException.class,
        () -> new GroupSerializer().fromBinary(new byte[0], "GroupRenamed"));
  }
}
