package dev.runnel.actors.partition;

import static dev.runnel.actors.partition.TestBatches.records;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.stream.SourceRef;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.StreamRefs;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.partition.ProducerStates.BatchMetadata;
import dev.runnel.persistence.record.RecordBatchCodec;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PartitionSerializationTest {

  private static ActorTestKit testKit;
  private static SerializationTestKit serialization;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    serialization = new SerializationTestKit(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static <T> T roundTrip(T message) {
    return serialization.verifySerialization(message, true);
  }

  private static StoredBatch storedBatch(long baseOffset) {
    byte[] bytes = records("s", 3, 1_000);
    RecordBatchCodec.setBaseOffset(ByteBuffer.wrap(bytes), baseOffset);
    return new StoredBatch(bytes);
  }

  @Test
  void shouldRoundTripCommands() {
    TestProbe<AppendReply> appends = testKit.createTestProbe();
    byte[] batch = records("c", 2, 1_000);

    PartitionCommand.Append append =
        serialization.verifySerialization(
            new PartitionCommand.Append(batch, Acks.LEADER, appends.getRef()), false);

    assertArrayEquals(batch, append.batch());
    assertEquals(Acks.LEADER, append.acks());
    assertEquals(appends.getRef(), append.replyTo());
    roundTrip(new PartitionCommand.OpenReader(17, testKit.<ReaderReply>createTestProbe().getRef()));
    roundTrip(
        new PartitionCommand.ListOffsets(
            OffsetSpec.forTimestamp(123), testKit.<OffsetsReply>createTestProbe().getRef()));
    roundTrip(
        new PartitionCommand.GetPartitionInfo(testKit.<PartitionInfo>createTestProbe().getRef()));
    roundTrip(new PartitionCommand.DeletePartition(testKit.<Done>createTestProbe().getRef()));
    assertSame(PartitionCommand.Passivate.INSTANCE, roundTrip(PartitionCommand.Passivate.INSTANCE));
  }

  @Test
  void shouldRoundTripReplies() {
    roundTrip(new AppendReply.Appended(5, -1, 0));
    roundTrip(new AppendReply.AppendFailed(ErrorCode.PRODUCER_FENCED, "epoch=1"));
    roundTrip(new OffsetsReply.OffsetFound(7, 1_000));
    roundTrip(new OffsetsReply.OffsetsFailed(ErrorCode.KAFKA_STORAGE_ERROR, "reason=x"));
    roundTrip(new ReaderReply.ReaderFailed(ErrorCode.OFFSET_OUT_OF_RANGE, "offset=9"));
    roundTrip(new PartitionInfo(new TopicPartition("t", 3), 10, 20, 300));
    SourceRef<StoredBatch> ref =
        Source.single(storedBatch(4)).runWith(StreamRefs.sourceRef(), testKit.system());
    ReaderReply.ReaderOpened opened = roundTrip(new ReaderReply.ReaderOpened(4, 0, 7, ref));
    assertEquals(
        List.of(storedBatch(4)),
        opened
            .batches()
            .getSource()
            .runWith(akka.stream.javadsl.Sink.seq(), testKit.system())
            .toCompletableFuture()
            .join());
  }

  @Test
  void shouldWriteAStoredBatchAsItsOwnBytes() throws Exception {
    StoredBatch batch = storedBatch(40);
    Serialization akka = SerializationExtension.get(Adapter.toClassic(testKit.system()));

    StoredBatchSerializer serializer =
        assertInstanceOf(StoredBatchSerializer.class, akka.findSerializerFor(batch));

    assertSame(batch.bytes(), serializer.toBinary(batch));
    ByteBuffer direct = ByteBuffer.allocateDirect(batch.sizeInBytes() + 10);
    serializer.toBinary(batch, direct);
    direct.flip();
    StoredBatch read = (StoredBatch) serializer.fromBinary(direct, StoredBatchSerializer.MANIFEST);
    assertEquals(batch, read);
    assertEquals(40, read.baseOffset());
    assertEquals(42, read.lastOffset());
    assertEquals(batch, roundTrip(batch));
  }

  @Test
  void shouldRoundTripTheSnapshotAndTheLogStartEvent() {
    PartitionState state =
        PartitionState.EMPTY
            .withBatch(storedBatch(0), 1, 1)
            .withBatch(storedBatch(3), 2, 1)
            .withLogStart(3, 3);
    ProducerStates producers =
        ProducerStates.empty()
            .withBatch(5, (short) 2, new BatchMetadata(0, 2, 3, 5, 1_002))
            .withBatch(5, (short) 2, new BatchMetadata(3, 3, 6, 6, 1_003))
            .withBatch(9, (short) 0, new BatchMetadata(7, 9, 7, 9, 1_004));
    PartitionState withProducers =
        new PartitionState(
            state.logStartOffset(),
            state.highWatermark(),
            state.lastSequenceNr(),
            state.endPosition(),
            state.maxTimestamp(),
            state.index(),
            producers);

    assertEquals(withProducers, roundTrip(withProducers));
    assertEquals(PartitionState.EMPTY, roundTrip(PartitionState.EMPTY));
    assertEquals(new LogStartAdvanced(77), roundTrip(new LogStartAdvanced(77)));
  }
}
