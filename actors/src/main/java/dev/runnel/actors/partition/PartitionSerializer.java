package dev.runnel.actors.partition;

import akka.serialization.SerializerWithStringManifest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.runnel.actors.partition.ProducerStates.BatchMetadata;
import dev.runnel.actors.partition.ProducerStates.ProducerState;
import dev.runnel.actors.partition.proto.IndexEntry;
import dev.runnel.actors.partition.proto.PartitionSnapshot;
import dev.runnel.actors.partition.proto.Producer;
import dev.runnel.actors.partition.proto.ProducerBatch;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Akka serializer of a partition's snapshot ({@link PartitionState}) and of its {@link
 * LogStartAdvanced} event, as the Protobuf messages of {@code partition.proto}.
 *
 * <pre>
 * manifest "S1"   PartitionSnapshot
 * manifest "L1"   LogStartAdvanced
 * </pre>
 *
 * <p>Thread-safe: stateless.
 */
public final class PartitionSerializer extends SerializerWithStringManifest {

  /** This serializer's id; Runnel's serializers use 7300-7399. */
  public static final int IDENTIFIER = 7311;

  static final String STATE_MANIFEST = "S1";
  static final String LOG_START_MANIFEST = "L1";

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof PartitionState) {
      return STATE_MANIFEST;
    }
    if (o instanceof LogStartAdvanced) {
      return LOG_START_MANIFEST;
    }
    throw cannotSerialize(o);
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof PartitionState state) {
      return toProto(state).toByteArray();
    }
    if (o instanceof LogStartAdvanced advanced) {
      return dev.runnel.actors.partition.proto.LogStartAdvanced.newBuilder()
          .setLogStartOffset(advanced.logStartOffset())
          .build()
          .toByteArray();
    }
    throw cannotSerialize(o);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try {
      return switch (manifest) {
        case STATE_MANIFEST -> fromProto(PartitionSnapshot.parseFrom(bytes));
        case LOG_START_MANIFEST ->
            new LogStartAdvanced(
                dev.runnel.actors.partition.proto.LogStartAdvanced.parseFrom(bytes)
                    .getLogStartOffset());
        default ->
            throw new NotSerializableException(
                "Unknown manifest: manifest=" + manifest + ", serializer=PartitionSerializer");
      };
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      NotSerializableException failure =
          new NotSerializableException(
              "Cannot deserialize: manifest="
                  + manifest
                  + ", bytes="
                  + bytes.length
                  + ", reason="
                  + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }

  private static IllegalArgumentException cannotSerialize(Object o) {
    return new IllegalArgumentException(
        "Cannot serialize: class=" + o.getClass().getName() + ", serializer=PartitionSerializer");
  }

  private static PartitionSnapshot toProto(PartitionState state) {
    PartitionSnapshot.Builder snapshot =
        PartitionSnapshot.newBuilder()
            .setLogStartOffset(state.logStartOffset())
            .setHighWatermark(state.highWatermark())
            .setLastSequenceNr(state.lastSequenceNr())
            .setEndPosition(state.endPosition())
            .setMaxTimestamp(state.maxTimestamp());
    for (OffsetIndex.Entry entry : state.index().entries()) {
      snapshot.addIndex(
          IndexEntry.newBuilder()
              .setOffset(entry.offset())
              .setSequenceNr(entry.sequenceNr())
              .setPosition(entry.position())
              .setMaxTimestampBefore(entry.maxTimestampBefore()));
    }
    for (Map.Entry<Long, ProducerState> producer : state.producers().asMap().entrySet()) {
      Producer.Builder proto =
          Producer.newBuilder()
              .setProducerId(producer.getKey())
              .setEpoch(producer.getValue().epoch());
      for (BatchMetadata batch : producer.getValue().batches()) {
        proto.addBatches(
            ProducerBatch.newBuilder()
                .setFirstSequence(batch.firstSequence())
                .setLastSequence(batch.lastSequence())
                .setBaseOffset(batch.baseOffset())
                .setLastOffset(batch.lastOffset())
                .setMaxTimestamp(batch.maxTimestamp()));
      }
      snapshot.addProducers(proto);
    }
    return snapshot.build();
  }

  private static PartitionState fromProto(PartitionSnapshot snapshot) {
    List<OffsetIndex.Entry> entries = new ArrayList<>(snapshot.getIndexCount());
    for (IndexEntry entry : snapshot.getIndexList()) {
      entries.add(
          new OffsetIndex.Entry(
              entry.getOffset(),
              entry.getSequenceNr(),
              entry.getPosition(),
              entry.getMaxTimestampBefore()));
    }
    Map<Long, ProducerState> producers = new LinkedHashMap<>();
    for (Producer producer : snapshot.getProducersList()) {
      List<BatchMetadata> batches = new ArrayList<>(producer.getBatchesCount());
      for (ProducerBatch batch : producer.getBatchesList()) {
        batches.add(
            new BatchMetadata(
                batch.getFirstSequence(),
                batch.getLastSequence(),
                batch.getBaseOffset(),
                batch.getLastOffset(),
                batch.getMaxTimestamp()));
      }
      producers.put(
          producer.getProducerId(), new ProducerState((short) producer.getEpoch(), batches));
    }
    return new PartitionState(
        snapshot.getLogStartOffset(),
        snapshot.getHighWatermark(),
        snapshot.getLastSequenceNr(),
        snapshot.getEndPosition(),
        snapshot.getMaxTimestamp(),
        OffsetIndex.of(entries),
        ProducerStates.of(producers));
  }
}
