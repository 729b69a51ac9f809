package dev.runnel.actors.partition;

import static dev.runnel.actors.partition.TestBatches.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.PersistenceQuery;
import akka.stream.testkit.TestSubscriber;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.partition.OffsetsReply.OffsetFound;
import dev.runnel.actors.topic.TopicConfig;
import dev.runnel.actors.topic.TopicConfig.TopicCompression;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.persistence.log.LogFiles;
import dev.runnel.persistence.query.javadsl.SegmentReadJournal;
import dev.runnel.persistence.record.TimestampType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionRetentionTest {

  private static final Duration AWAIT = Duration.ofSeconds(5);

  @TempDir static Path directory;
  private static PartitionFixture fixture;
  private static TestTopics topics;

  @BeforeAll
  static void start() {
    topics = new TestTopics();
    fixture =
        new PartitionFixture(
            directory,
            topics,
            ConfigFactory.parseString("runnel.persistence.query.chunk-entries = 2"));
  }

  @AfterAll
  static void stop() {
    fixture.shutdown();
  }

  /** An index entry per batch and a retention check every 50 ms. */
  private static ActorRef<PartitionCommand> spawn(TopicPartition tp) {
    return fixture.spawn(tp, PartitionFixture.settings(100, 1, Duration.ofMillis(50)));
  }

  private static TopicConfig retention(long retentionMs, long retentionBytes) {
    return TestTopics.config(
        retentionMs,
        retentionBytes,
        1_000_000,
        TimestampType.CREATE_TIME,
        TopicCompression.PRODUCER);
  }

  private static void awaitLogStart(ActorRef<PartitionCommand> partition, long logStart) {
    TestProbe<Object> probe = fixture.testKit.createTestProbe();
    probe.awaitAssert(
        AWAIT,
        () -> {
          assertEquals(logStart, fixture.info(partition).logStartOffset());
          return null;
        });
  }

  private static void assertOutOfRange(ActorRef<PartitionCommand> partition, long offset) {
    ReaderReply.ReaderFailed failed =
        assertInstanceOf(ReaderReply.ReaderFailed.class, fixture.open(partition, offset));
    assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, failed.code());
  }

  /** The base offset of the first batch the read journal still has of the partition. */
  private static long firstStoredOffset(TopicPartition tp) {
    SegmentReadJournal journal =
        PersistenceQuery.get(Adapter.toClassic(fixture.testKit.system()))
            .getReadJournalFor(SegmentReadJournal.class, SegmentReadJournal.IDENTIFIER);
    TestSubscriber.Probe<Object> events =
        fixture.subscribe(
            journal
                .currentEventsByPersistenceId(tp.persistenceId(), 0, Long.MAX_VALUE)
                .map(EventEnvelope::event));
    return ((StoredBatch) events.requestNext()).baseOffset();
  }

  @Test
  void shouldAdvanceTheLogStartBySizeKeepingAtLeastRetentionBytes() {
    int batchBytes = records("r0", 10, 1_000).length;
    TopicPartition tp = topics.create(retention(-1, 3L * batchBytes));
    ActorRef<PartitionCommand> partition = spawn(tp);

    for (int i = 0; i < 10; i++) {
      fixture.appended(partition, records("r" + i, 10, 1_000));
    }

    awaitLogStart(partition, 70);
    assertOutOfRange(partition, 69);
    assertEquals(70, fixture.read(partition, 70).requestNext().baseOffset());
    assertEquals(new OffsetFound(70, -1), fixture.list(partition, OffsetSpec.earliest()));
    assertEquals(new OffsetFound(70, 1_000), fixture.list(partition, OffsetSpec.forTimestamp(0)));
    TestProbe<Object> probe = fixture.testKit.createTestProbe();
    probe.awaitAssert(
        AWAIT,
        () -> {
          assertTrue(firstStoredOffset(tp) > 0, "events below the log start are deleted");
          return null;
        });
  }

  @Test
  void shouldAdvanceTheLogStartPastBatchesOlderThanRetentionMs() {
    long now = System.currentTimeMillis();
    TopicPartition tp = topics.create(retention(Duration.ofHours(1).toMillis(), -1));
    ActorRef<PartitionCommand> partition = spawn(tp);

    for (int i = 0; i < 5; i++) {
      fixture.appended(partition, records("old" + i, 10, now - Duration.ofHours(3).toMillis()));
    }
    for (int i = 0; i < 5; i++) {
      fixture.appended(partition, records("new" + i, 10, now));
    }

    awaitLogStart(partition, 50);
    assertOutOfRange(partition, 0);
    assertEquals(new OffsetFound(100, -1), fixture.list(partition, OffsetSpec.latest()));
  }

  @Test
  void shouldRememberTheLogStartAcrossRestartsAndForgetExpiredProducers() {
    long old = System.currentTimeMillis() - Duration.ofHours(3).toMillis();
    TopicPartition tp = topics.create(retention(Duration.ofHours(1).toMillis(), -1));
    ActorRef<PartitionCommand> partition = spawn(tp);
    fixture.appended(partition, TestBatches.idempotent("p", 2, 11, (short) 0, 0, old));
    fixture.appended(partition, records("old", 10, old));
    fixture.appended(partition, records("new", 10, System.currentTimeMillis()));

    awaitLogStart(partition, 12);
    fixture.stop(partition);
    setRetention(tp, retention(-1, -1));
    ActorRef<PartitionCommand> again = spawn(tp);

    assertEquals(12, fixture.info(again).logStartOffset());
    // Producer 11's only batch is gone, so it is unknown and may continue at any sequence.
    assertEquals(22, fixture.appended(again, TestBatches.idempotent("p", 1, 11, (short) 0, 9)));
  }

  private static void setRetention(TopicPartition tp, TopicConfig config) {
    topics.update(
        tp.topic(),
        metadata -> new TopicMetadata(metadata.name(), metadata.partitions(), config, false));
  }

  @Test
  void shouldFailAReaderWhoseNextBatchRetentionDeleted() {
    int batchBytes = records("f00", 10, 1_000).length;
    TopicPartition tp = topics.create(retention(-1, -1));
    ActorRef<PartitionCommand> partition = spawn(tp);
    for (int i = 0; i < 100; i++) {
      fixture.appended(partition, records(String.format("f%02d", i), 10, 1_000));
    }
    TestSubscriber.Probe<StoredBatch> reader = fixture.read(partition, 0);
    assertEquals(0, reader.requestNext().baseOffset());

    setRetention(tp, retention(-1, 2L * batchBytes));
    awaitLogStart(partition, 980);
    TestProbe<Object> probe = fixture.testKit.createTestProbe();
    probe.awaitAssert(
        AWAIT,
        () -> {
          assertTrue(firstStoredOffset(tp) > 0);
          return null;
        });

    List<StoredBatch> received = new ArrayList<>();
    Throwable failure = PartitionFixture.failure(reader, 100, received);

    assertTrue(failure.getMessage().contains("OFFSET_OUT_OF_RANGE"), failure.getMessage());
    long expected = 10;
    for (StoredBatch batch : received) {
      assertEquals(expected, batch.baseOffset(), "no offsets skipped");
      expected = batch.lastOffset() + 1;
    }
    assertTrue(expected < 980, "failed before the log start, at offset " + expected);
  }

  @Test
  void shouldApplyTheTopicsSegmentSizeToItsLog() throws IOException {
    TopicConfig d = TopicConfig.KAFKA_DEFAULTS;
    TopicPartition tp =
        topics.create(
            new TopicConfig(
                -1,
                -1,
                1024,
                d.segmentMs(),
                d.cleanupPolicy(),
                d.maxMessageBytes(),
                d.messageTimestampType(),
                d.compressionType(),
                d.minCompactionLagMs(),
                d.maxCompactionLagMs(),
                d.minCleanableDirtyRatio(),
                d.deleteRetentionMs()));
    ActorRef<PartitionCommand> partition = spawn(tp);

    for (int i = 0; i < 10; i++) {
      fixture.appended(partition, records("s" + i, 10, 1_000));
    }

    Path log = directory.resolve("journal").resolve(LogFiles.directoryName(tp.persistenceId()));
    try (Stream<Path> files = Files.list(log)) {
      long segments = files.filter(file -> file.toString().endsWith(".log")).count();
      assertTrue(segments >= 3, "segments=" + segments);
    }
  }
}
