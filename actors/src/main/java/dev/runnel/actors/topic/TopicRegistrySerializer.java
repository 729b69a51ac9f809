package dev.runnel.actors.topic;

import akka.serialization.SerializerWithStringManifest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.runnel.actors.topic.TopicRegistryEvent.PartitionsCreated;
import dev.runnel.actors.topic.TopicRegistryEvent.ProducerIdBlockReserved;
import dev.runnel.actors.topic.TopicRegistryEvent.TopicConfigAltered;
import dev.runnel.actors.topic.TopicRegistryEvent.TopicCreated;
import dev.runnel.actors.topic.TopicRegistryEvent.TopicDeleted;
import dev.runnel.actors.topic.TopicRegistryEvent.TopicDeletionStarted;
import dev.runnel.actors.topic.proto.Topic;
import dev.runnel.actors.topic.proto.TopicRegistrySnapshot;
import java.io.NotSerializableException;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Akka serializer of the topic registry's events and snapshot: Protobuf ({@code topic.proto}), one
 * manifest per message type (the Protobuf message's name), so stored data can evolve by adding
 * fields and messages. Bound in the actors module's {@code reference.conf}. Thread-safe.
 */
public final class TopicRegistrySerializer extends SerializerWithStringManifest {

  /** This serializer's identifier, unique among the serializers of an ActorSystem. */
  public static final int IDENTIFIER = 7301;

  private static final String TOPIC_CREATED = "TopicCreated";
  private static final String TOPIC_CONFIG_ALTERED = "TopicConfigAltered";
  private static final String PARTITIONS_CREATED = "PartitionsCreated";
  private static final String TOPIC_DELETION_STARTED = "TopicDeletionStarted";
  private static final String TOPIC_DELETED = "TopicDeleted";
  private static final String PRODUCER_ID_BLOCK_RESERVED = "ProducerIdBlockReserved";
  private static final String SNAPSHOT = "TopicRegistrySnapshot";

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof TopicCreated) {
      return TOPIC_CREATED;
    } else if (o instanceof TopicConfigAltered) {
      return TOPIC_CONFIG_ALTERED;
    } else if (o instanceof PartitionsCreated) {
      return PARTITIONS_CREATED;
    } else if (o instanceof TopicDeletionStarted) {
      return TOPIC_DELETION_STARTED;
    } else if (o instanceof TopicDeleted) {
      return TOPIC_DELETED;
    } else if (o instanceof ProducerIdBlockReserved) {
      return PRODUCER_ID_BLOCK_RESERVED;
    } else if (o instanceof TopicRegistryState) {
      return SNAPSHOT;
    }
    throw unsupported(o);
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof TopicCreated e) {
      return dev.runnel.actors.topic.proto.TopicCreated.newBuilder()
          .setName(e.name())
          .setPartitions(e.partitions())
          .putAllConfigs(e.configs())
          .setTopicId(e.topicId())
          .build()
          .toByteArray();
    } else if (o instanceof TopicConfigAltered e) {
      return dev.runnel.actors.topic.proto.TopicConfigAltered.newBuilder()
          .setName(e.name())
          .putAllConfigs(e.configs())
          .build()
          .toByteArray();
    } else if (o instanceof PartitionsCreated e) {
      return dev.runnel.actors.topic.proto.PartitionsCreated.newBuilder()
          .setName(e.name())
          .setPartitions(e.partitions())
          .build()
          .toByteArray();
    } else if (o instanceof TopicDeletionStarted e) {
      return dev.runnel.actors.topic.proto.TopicDeletionStarted.newBuilder()
          .setName(e.name())
          .build()
          .toByteArray();
    } else if (o instanceof TopicDeleted e) {
      return dev.runnel.actors.topic.proto.TopicDeleted.newBuilder()
          .setName(e.name())
          .build()
          .toByteArray();
    } else if (o instanceof ProducerIdBlockReserved e) {
      return dev.runnel.actors.topic.proto.ProducerIdBlockReserved.newBuilder()
          .setBlockEnd(e.blockEnd())
          .build()
          .toByteArray();
    } else if (o instanceof TopicRegistryState state) {
      return snapshot(state).toByteArray();
    }
    throw unsupported(o);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try {
      return switch (manifest) {
        case TOPIC_CREATED -> {
          var e = dev.runnel.actors.topic.proto.TopicCreated.parseFrom(bytes);
          yield new TopicCreated(e.getName(), e.getPartitions(), e.getConfigsMap(), e.getTopicId());
        }
        case TOPIC_CONFIG_ALTERED -> {
          var e = dev.runnel.actors.topic.proto.TopicConfigAltered.parseFrom(bytes);
          yield new TopicConfigAltered(e.getName(), e.getConfigsMap());
        }
        case PARTITIONS_CREATED -> {
          var e = dev.runnel.actors.topic.proto.PartitionsCreated.parseFrom(bytes);
          yield new PartitionsCreated(e.getName(), e.getPartitions());
        }
        case TOPIC_DELETION_STARTED ->
            new TopicDeletionStarted(
                dev.runnel.actors.topic.proto.TopicDeletionStarted.parseFrom(bytes).getName());
        case TOPIC_DELETED ->
            new TopicDeleted(dev.runnel.actors.topic.proto.TopicDeleted.parseFrom(bytes).getName());
        case PRODUCER_ID_BLOCK_RESERVED ->
            new ProducerIdBlockReserved(
                dev.runnel.actors.topic.proto.ProducerIdBlockReserved.parseFrom(bytes)
                    .getBlockEnd());
        case SNAPSHOT -> state(TopicRegistrySnapshot.parseFrom(bytes));
        default ->
            throw new NotSerializableException(
                "Unknown topic registry manifest: manifest="
                    + manifest
                    + ", serializer="
                    + IDENTIFIER);
      };
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "Corrupt topic registry message: manifest=" + manifest + ", bytes=" + bytes.length, e);
    }
  }

  private static TopicRegistrySnapshot snapshot(TopicRegistryState state) {
    TopicRegistrySnapshot.Builder snapshot =
        TopicRegistrySnapshot.newBuilder().setProducerIdBlockEnd(state.producerIdBlockEnd());
    for (TopicRegistryState.Topic topic : state.topics().values()) {
      snapshot.addTopics(
          Topic.newBuilder()
              .setName(topic.name())
              .setPartitions(topic.partitions())
              .putAllConfigs(topic.configs())
              .setDeleting(topic.deleting())
              .setTopicId(topic.topicId()));
    }
    return snapshot.build();
  }

  private static TopicRegistryState state(TopicRegistrySnapshot snapshot) {
    SortedMap<String, TopicRegistryState.Topic> topics = new TreeMap<>();
    for (Topic topic : snapshot.getTopicsList()) {
      topics.put(
          topic.getName(),
          new TopicRegistryState.Topic(
              topic.getName(),
              topic.getPartitions(),
              topic.getConfigsMap(),
              topic.getDeleting(),
              topic.getTopicId()));
    }
    return new TopicRegistryState(topics, snapshot.getProducerIdBlockEnd());
  }

  private static IllegalArgumentException unsupported(Object o) {
    return new IllegalArgumentException(
        "Not a topic registry event or snapshot: class=" + o.getClass().getName());
  }
}
