package dev.runnel.actors.group;

import akka.serialization.SerializerWithStringManifest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.group.GroupEvent.GenerationStarted;
import dev.runnel.actors.group.GroupEvent.GroupDeleted;
import dev.runnel.actors.group.GroupEvent.OffsetsCommitted;
import dev.runnel.actors.group.GroupEvent.OffsetsDropped;
import dev.runnel.actors.group.proto.GroupSnapshot;
import java.io.NotSerializableException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Akka serializer of a group coordinator's events and snapshot: Protobuf ({@code group.proto}), one
 * manifest per message type (the Protobuf message's name), so stored data can evolve by adding
 * fields and messages. Bound in the actors module's {@code reference.conf}. Thread-safe.
 */
public final class GroupSerializer extends SerializerWithStringManifest {

  /** This serializer's identifier, unique among the serializers of an ActorSystem. */
  public static final int IDENTIFIER = 7320;

  private static final String GENERATION_STARTED = "GenerationStarted";
  private static final String OFFSETS_COMMITTED = "OffsetsCommitted";
  private static final String OFFSETS_DROPPED = "OffsetsDropped";
  private static final String GROUP_DELETED = "GroupDeleted";
  private static final String SNAPSHOT = "GroupSnapshot";

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof GenerationStarted) {
      return GENERATION_STARTED;
    } else if (o instanceof OffsetsCommitted) {
      return OFFSETS_COMMITTED;
    } else if (o instanceof OffsetsDropped) {
      return OFFSETS_DROPPED;
    } else if (o instanceof GroupDeleted) {
      return GROUP_DELETED;
    } else if (o instanceof StoredGroup) {
      return SNAPSHOT;
    }
    throw unsupported(o);
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof GenerationStarted e) {
      return dev.runnel.actors.group.proto.GenerationStarted.newBuilder()
          .setGeneration(e.generation())
          .setAssignor(e.assignor())
          .build()
          .toByteArray();
    } else if (o instanceof OffsetsCommitted e) {
      return dev.runnel.actors.group.proto.OffsetsCommitted.newBuilder()
          .addAllOffsets(offsets(e.offsets()))
          .build()
          .toByteArray();
    } else if (o instanceof OffsetsDropped e) {
      var dropped = dev.runnel.actors.group.proto.OffsetsDropped.newBuilder();
      e.partitions().forEach(tp -> dropped.addTopics(tp.topic()).addPartitions(tp.partition()));
      return dropped.build().toByteArray();
    } else if (o instanceof GroupDeleted) {
      return dev.runnel.actors.group.proto.GroupDeleted.getDefaultInstance().toByteArray();
    } else if (o instanceof StoredGroup state) {
      return GroupSnapshot.newBuilder()
          .setGeneration(state.generation())
          .setAssignor(state.assignor())
          .addAllOffsets(offsets(state.offsets()))
          .build()
          .toByteArray();
    }
    throw unsupported(o);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try {
      return switch (manifest) {
        case GENERATION_STARTED -> {
          var e = dev.runnel.actors.group.proto.GenerationStarted.parseFrom(bytes);
          yield new GenerationStarted(e.getGeneration(), e.getAssignor());
        }
        case OFFSETS_COMMITTED ->
            new OffsetsCommitted(
                offsets(
                    dev.runnel.actors.group.proto.OffsetsCommitted.parseFrom(bytes)
                        .getOffsetsList()));
        case OFFSETS_DROPPED -> {
          var e = dev.runnel.actors.group.proto.OffsetsDropped.parseFrom(bytes);
          Set<TopicPartition> dropped = new HashSet<>();
          for (int i = 0; i < e.getTopicsCount(); i++) {
            dropped.add(new TopicPartition(e.getTopics(i), e.getPartitions(i)));
          }
          yield new OffsetsDropped(dropped);
        }
        case GROUP_DELETED -> {
          dev.runnel.actors.group.proto.GroupDeleted.parseFrom(bytes);
          yield GroupDeleted.INSTANCE;
        }
        case SNAPSHOT -> {
          GroupSnapshot snapshot = GroupSnapshot.parseFrom(bytes);
          yield new StoredGroup(
              snapshot.getGeneration(), snapshot.getAssignor(), offsets(snapshot.getOffsetsList()));
        }
        default ->
            throw new NotSerializableException(
                "Unknown group manifest: manifest=" + manifest + ", serializer=" + IDENTIFIER);
      };
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "Corrupt group message: manifest=" + manifest + ", bytes=" + bytes.length, e);
    }
  }

  private static List<dev.runnel.actors.group.proto.CommittedOffset> offsets(
      Map<TopicPartition, CommittedOffset> offsets) {
    return offsets.entrySet().stream()
        .map(
            entry ->
                dev.runnel.actors.group.proto.CommittedOffset.newBuilder()
                    .setTopic(entry.getKey().topic())
                    .setPartition(entry.getKey().partition())
                    .setOffset(entry.getValue().offset())
                    .setMetadata(entry.getValue().metadata())
                    .setCommitTimestamp(entry.getValue().commitTimestamp())
                    .setTopicId(entry.getValue().topicId())
                    .build())
        .toList();
  }

  private static Map<TopicPartition, CommittedOffset> offsets(
      List<dev.runnel.actors.group.proto.CommittedOffset> stored) {
    Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
    for (var offset : stored) {
      offsets.put(
          new TopicPartition(offset.getTopic(), offset.getPartition()),
          new CommittedOffset(
              offset.getOffset(),
              offset.getMetadata(),
              offset.getCommitTimestamp(),
              offset.getTopicId()));
    }
    return offsets;
  }

  private static IllegalArgumentException unsupported(Object o) {
    return new IllegalArgumentException(
        "Not a group event or snapshot: class=" + o.getClass().getName());
  }
}
