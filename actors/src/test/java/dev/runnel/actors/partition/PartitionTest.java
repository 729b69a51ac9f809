package dev.runnel.actors.partition;

import static dev.runnel.actors.partition.TestBatches.idempotent;
import static dev.runnel.actors.partition.TestBatches.records;
import static dev.runnel.actors.partition.TestBatches.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.stream.testkit.TestSubscriber;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.partition.AppendReply.AppendFailed;
import dev.runnel.actors.partition.AppendReply.Appended;
import dev.runnel.actors.partition.OffsetsReply.OffsetFound;
import dev.runnel.actors.topic.TopicConfig;
import dev.runnel.actors.topic.TopicConfig.TopicCompression;
import dev.runnel.persistence.record.CompressionCodec;
import dev.runnel.persistence.record.Record;
import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.persistence.record.RecordBatchCodec;
import dev.runnel.persistence.record.TimestampType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionTest {

  @TempDir static Path directory;
  private static PartitionFixture fixture;
  private static TestTopics topics;

  @BeforeAll
  static void start() {
    topics = new TestTopics();
    fixture = new PartitionFixture(directory, topics);
  }

  @AfterAll
  static void stop() {
    fixture.shutdown();
  }

  private static ActorRef<PartitionCommand> spawn(TopicPartition tp) {
    return fixture.spawn(tp, PartitionFixture.settings());
  }

  private static AppendFailed failed(AppendReply reply, ErrorCode code) {
    AppendFailed failed = assertInstanceOf(AppendFailed.class, reply);
    assertEquals(code, failed.code(), failed.message());
    return failed;
  }

  @Test
  void shouldAssignOffsetsAndReadBackKeysValuesHeadersAndTimestamps() {
    ActorRef<PartitionCommand> partition = spawn(topics.create());

    assertEquals(0, fixture.appended(partition, records("a", 3, 1_000)));
    assertEquals(3, fixture.appended(partition, records("b", 2, 2_000)));

    TestSubscriber.Probe<StoredBatch> reader = fixture.read(partition, 0);
    RecordBatch first = reader.requestNext().decode();
    RecordBatch second = reader.requestNext().decode();
    assertEquals(0, first.baseOffset());
    assertEquals(3, second.baseOffset());
    Record record = second.records().get(1);
    assertEquals(4, record.offset());
    assertEquals(2_001, record.timestamp());
    assertEquals("k1", text(record.key()));
    assertEquals("b-1", text(record.value()));
    assertEquals("b", text(record.headers().get(0).value()));
    assertEquals(TimestampType.CREATE_TIME, second.timestampType());
    reader.cancel();

    PartitionInfo info = fixture.info(partition);
    assertEquals(0, info.logStartOffset());
    assertEquals(5, info.highWatermark());
    assertTrue(info.sizeInBytes() > 0);
  }

  @Test
  void shouldStoreTheProducersBytesWithOnlyTheBaseOffsetSet() {
    ActorRef<PartitionCommand> partition = spawn(topics.create());
    fixture.appended(partition, records("a", 2, 1_000));
    byte[] sent = records("b", 2, 1_000);
    byte[] copy = sent.clone();

    fixture.appended(partition, sent);

    assertArrayEquals(copy, sent, "the sender's array is left alone");
    StoredBatch stored = fixture.read(partition, 2).requestNext();
    RecordBatchCodec.setBaseOffset(ByteBuffer.wrap(copy), 2);
    assertArrayEquals(copy, stored.bytes());
  }

  @Test
  void shouldWriteConcurrentAppendsTogetherAndAnswerEachWithItsOwnOffset() {
    ActorRef<PartitionCommand> partition = spawn(topics.create());
    fixture.appended(partition, records("warm-up", 1, 1_000));
    long writesBefore = fixture.journalWrites();
    TestProbe<AppendReply> probe = fixture.testKit.createTestProbe();
    int appends = 50;

    for (int i = 0; i < appends; i++) {
      partition.tell(
          new PartitionCommand.Append(records("c" + i, 2, 1_000), Acks.ALL, probe.getRef()));
    }

    Set<Long> offsets = new HashSet<>();
    for (int i = 0; i < appends; i++) {
      offsets.add(assertInstanceOf(Appended.class, probe.receiveMessage()).baseOffset());
    }
    Set<Long> expected = new HashSet<>();
    for (int i = 0; i < appends; i++) {
      expected.add(1L + 2L * i);
    }
    assertEquals(expected, offsets);
    long writes = fixture.journalWrites() - writesBefore;
    assertTrue(writes < appends / 2, "journal writes for " + appends + " appends: " + writes);
  }

  @Test
  void shouldAnswerAcksNoneOnReceiptAndStillWrite() {
    ActorRef<PartitionCommand> partition = spawn(topics.create());

    AppendReply reply = fixture.append(partition, records("n", 4, 1_000), Acks.NONE);

    assertEquals(new Appended(-1, -1, 0), reply);
    assertEquals(0, fixture.read(partition, 0).requestNext().baseOffset());
    assertEquals(new OffsetFound(4, -1), fixture.list(partition, OffsetSpec.latest()));
  }

  @Test
  void shouldRefuseATooLargeBatchAndWriteNothing() {
    TopicConfig small =
        TestTopics.config(-1, -1, 200, TimestampType.CREATE_TIME, TopicCompression.PRODUCER);
    ActorRef<PartitionCommand> partition = spawn(topics.create(small));
    long writesBefore = fixture.journalWrites();

    failed(fixture.append(partition, records("big", 20, 1_000)), ErrorCode.RECORD_TOO_LARGE);

    assertEquals(0, fixture.info(partition).highWatermark());
    assertEquals(writesBefore, fixture.journalWrites());
    assertEquals(0, fixture.appended(partition, records("ok", 1, 1_000)));
  }

  @Test
  void shouldRefuseCorruptAndInvalidBatches() {
    ActorRef<PartitionCommand> partition = spawn(topics.create());
    byte[] corrupt = records("x", 2, 1_000);
    corrupt[corrupt.length - 1] ^= 1;
    byte[] offset = records("x", 2, 1_000);
    RecordBatchCodec.setBaseOffset(ByteBuffer.wrap(offset), 7);
    byte[] empty = TestBatches.CODEC.encode(RecordBatch.builder(0).build());
    byte[] trailing = java.util.Arrays.copyOf(records("x", 1, 1_000), 200);

    failed(fixture.append(partition, corrupt), ErrorCode.CORRUPT_MESSAGE);
    failed(fixture.append(partition, offset), ErrorCode.INVALID_REQUEST);
    failed(fixture.append(partition, empty), ErrorCode.INVALID_REQUEST);
    failed(fixture.append(partition, trailing), ErrorCode.INVALID_REQUEST);
    assertEquals(0, fixture.info(partition).highWatermark());
  }

  @Test
  void shouldRefuseUnknownAndDeletingTopics() {
    TopicPartition tp = topics.create();
    ActorRef<PartitionCommand> partition = spawn(tp);
    ActorRef<PartitionCommand> beyond = spawn(new TopicPartition(tp.topic(), 1));

    failed(fixture.append(beyond, records("x", 1, 1_000)), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    topics.update(
        tp.topic(),
        metadata ->
            new dev.runnel.actors.topic.TopicMetadata(
                metadata.name(), metadata.partitions(), metadata.config(), true));
    failed(fixture.append(partition, records("x", 1, 1_000)), ErrorCode.TOPIC_DELETION_IN_PROGRESS);
    topics.remove(tp.topic());
    failed(fixture.append(partition, records("x", 1, 1_000)), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assertEquals(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        assertInstanceOf(ReaderReply.ReaderFailed.class, fixture.open(partition, 0)).code());
  }

  @Test
  void shouldStampLogAppendTimeAndRecompressOnlyWhenTheTopicSaysSo() {
    TopicConfig appendTime =
        TestTopics.config(
            -1, -1, 1_000_000, TimestampType.LOG_APPEND_TIME, TopicCompression.PRODUCER);
    TopicConfig lz4 =
        TestTopics.config(-1, -1, 1_000_000, TimestampType.CREATE_TIME, TopicCompression.LZ4);
    ActorRef<PartitionCommand> stamped = spawn(topics.create(appendTime));
    ActorRef<PartitionCommand> compressed = spawn(topics.create(lz4));
    long before = System.currentTimeMillis();

    Appended appended =
        assertInstanceOf(Appended.class, fixture.append(stamped, records("t", 3, 1_000)));
    fixture.appended(compressed, records("z", 3, 1_000));

    assertTrue(appended.logAppendTime() >= before, "logAppendTime=" + appended.logAppendTime());
    RecordBatch stampedBatch = fixture.read(stamped, 0).requestNext().decode();
    assertEquals(TimestampType.LOG_APPEND_TIME, stampedBatch.timestampType());
    for (Record record : stampedBatch.records()) {
      assertEquals(appended.logAppendTime(), record.timestamp());
    }
    RecordBatch compressedBatch = fixture.read(compressed, 0).requestNext().decode();
    assertEquals(CompressionCodec.LZ4, compressedBatch.compression());
    assertEquals(1_002, compressedBatch.records().get(2).timestamp());
    assertEquals("z-2", text(compressedBatch.records().get(2).value()));
  }

  @Test
  void shouldAnswerARetriedBatchWithItsOriginalOffsetsAndNotWriteItAgain() {
    ActorRef<PartitionCommand> partition = spawn(topics.create());
    byte[] first = idempotent("p", 3, 7, (short) 0, 0);
    fixture.appended(partition, records("other", 2, 1_000));
    long offset = fixture.appended(partition, first);
    fixture.appended(partition, idempotent("p", 2, 7, (short) 0, 3));
    long writes = fixture.journalWrites();

    assertEquals(offset, fixture.appended(partition, first));

    assertEquals(writes, fixture.journalWrites());
    assertEquals(7, fixture.info(partition).highWatermark());
  }

  @Test
  void shouldDetectARetryInTheSameGroupCommit() {
    ActorRef<PartitionCommand> partition = spawn(topics.create());
    byte[] batch = idempotent("p", 2, 8, (short) 0, 0);
    TestProbe<AppendReply> probe = fixture.testKit.createTestProbe();

    partition.tell(new PartitionCommand.Append(batch, Acks.ALL, probe.getRef()));
    partition.tell(new PartitionCommand.Append(batch, Acks.ALL, probe.getRef()));

    assertEquals(new Appended(0, -1, 0), probe.receiveMessage());
    assertEquals(new Appended(0, -1, 0), probe.receiveMessage());
    assertEquals(2, fixture.info(partition).highWatermark());
  }

  @Test
  void shouldRefuseSequenceGapsAndFencedEpochs() {
    ActorRef<PartitionCommand> partition = spawn(topics.create());
    fixture.appended(partition, idempotent("p", 2, 9, (short) 0, 0));

    failed(
        fixture.append(partition, idempotent("p", 1, 9, (short) 0, 5)),
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    failed(
        fixture.append(partition, idempotent("p", 1, 9, (short) 1, 2)),
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    fixture.appended(partition, idempotent("p", 1, 9, (short) 1, 0));
    failed(
        fixture.append(partition, idempotent("p", 1, 9, (short) 0, 2)), ErrorCode.PRODUCER_FENCED);
    fixture.appended(partition, idempotent("p", 1, 9, (short) 1, 1));
    assertEquals(4, fixture.info(partition).highWatermark());
  }

  @Test
  void shouldListEarliestLatestAndOffsetsByTimestamp() {
    ActorRef<PartitionCommand> partition = spawn(topics.create());
    for (int i = 0; i < 10; i++) {
      fixture.appended(partition, records("b" + i, 10, 100_000L * (i + 1)));
    }

    assertEquals(new OffsetFound(0, -1), fixture.list(partition, OffsetSpec.earliest()));
    assertEquals(new OffsetFound(100, -1), fixture.list(partition, OffsetSpec.latest()));
    assertEquals(new OffsetFound(0, 100_000), fixture.list(partition, OffsetSpec.forTimestamp(0)));
    assertEquals(
        new OffsetFound(55, 600_005), fixture.list(partition, OffsetSpec.forTimestamp(600_005)));
    assertEquals(
        new OffsetFound(60, 700_000), fixture.list(partition, OffsetSpec.forTimestamp(600_010)));
    assertEquals(
        new OffsetFound(-1, -1), fixture.list(partition, OffsetSpec.forTimestamp(2_000_000)));
  }

  @Test
  void shouldDeleteItsLogAndStopThenStartOverEmpty() {
    TopicPartition tp = topics.create();
    ActorRef<PartitionCommand> partition = spawn(tp);
    fixture.appended(partition, records("d", 5, 1_000));
    fixture.appended(partition, idempotent("p", 1, 10, (short) 3, 0));
    TestSubscriber.Probe<StoredBatch> reader = fixture.read(partition, 0);
    TestProbe<Object> watcher = fixture.testKit.createTestProbe();

    fixture.delete(partition);

    watcher.expectTerminated(partition, Duration.ofSeconds(5));
    Throwable failure = PartitionFixture.failure(reader, 10, new ArrayList<>());
    assertTrue(failure.getMessage().contains("UNKNOWN_TOPIC_OR_PARTITION"), failure.getMessage());
    ActorRef<PartitionCommand> again = spawn(tp);
    PartitionInfo info = fixture.info(again);
    assertEquals(0, info.logStartOffset());
    assertEquals(0, info.highWatermark());
    // The producer is forgotten too: it may continue at any sequence.
    assertEquals(0, fixture.appended(again, idempotent("q", 1, 10, (short) 3, 1)));
    assertEquals(
        "q-0", text(fixture.read(again, 0).requestNext().decode().records().get(0).value()));
  }
}
