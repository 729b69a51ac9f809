package dev.runnel.actors.partition;

import static dev.runnel.actors.partition.TestBatches.CODEC;
import static dev.runnel.actors.partition.TestBatches.records;
import static dev.runnel.actors.partition.TestBatches.text;
import static dev.runnel.actors.partition.TestBatches.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.stream.testkit.TestSubscriber;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.partition.AppendReply.AppendFailed;
import dev.runnel.actors.topic.TopicConfig;
import dev.runnel.actors.topic.TopicConfig.CleanupPolicy;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.persistence.journal.SegmentStorage;
import dev.runnel.persistence.log.CleaningResult;
import dev.runnel.persistence.log.LogStore;
import dev.runnel.persistence.record.Record;
import dev.runnel.persistence.record.RecordBatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition of a compacted topic on the segment journal: keyless records refused, the log
 * compacted under readers and restarts, the policy changed on a live topic.
 */
class PartitionCompactionTest {

  @TempDir static Path directory;
  private static PartitionFixture fixture;
  private static TestTopics topics;

  @BeforeAll
  static void start() {
    topics = new TestTopics();
    // The background cleaner looks for work only when a log's compaction is configured: the
    // tests clean when they want to.
    fixture =
        new PartitionFixture(
            directory,
            topics,
            ConfigFactory.parseString("runnel.persistence.journal.cleaner.backoff = 1h"));
  }

  @AfterAll
  static void stop() {
    fixture.shutdown();
  }

  /**
   * Kafka's defaults but the policy, 1 KiB segments so that the log has closed ones, records kept
   * for ever (their timestamps are from 1970) and tombstones removed at the next cleaning.
   */
  private static TopicConfig config(CleanupPolicy policy) {
    TopicConfig d = TopicConfig.KAFKA_DEFAULTS;
    return new TopicConfig(
        -1,
        d.retentionBytes(),
        1024,
        d.segmentMs(),
        policy,
        d.maxMessageBytes(),
        d.messageTimestampType(),
        d.compressionType(),
        d.minCompactionLagMs(),
        d.maxCompactionLagMs(),
        d.minCleanableDirtyRatio(),
        0);
  }

  private static ActorRef<PartitionCommand> spawn(TopicPartition tp) {
    return fixture.spawn(tp, PartitionFixture.settings(100, 1, Duration.ofMillis(50)));
  }

  private static LogStore store() {
    return SegmentStorage.get(Adapter.toClassic(fixture.testKit.system()))
        .storage(PartitionFixture.JOURNAL)
        .store();
  }

  private static byte[] keyless() {
    return CODEC.encode(
        RecordBatch.builder(0)
            .add(1_000, utf8("k"), utf8("v"))
            .add(1_000, null, utf8("v"))
            .build());
  }

  private static byte[] tombstone(String key) {
    return CODEC.encode(RecordBatch.builder(0).add(1_000, utf8(key), null).build());
  }

  /**
   * Reads the partition from offset 0 to its high watermark into the latest value per key, counting
   * batches, records and keyless records into {@code counts}.
   */
  private static Map<String, String> readLatest(
      ActorRef<PartitionCommand> partition, int[] counts) {
    long highWatermark = fixture.info(partition).highWatermark();
    TestSubscriber.Probe<StoredBatch> reader = fixture.read(partition, 0);
    Map<String, String> latest = new HashMap<>();
    long next = 0;
    long lastOffset = -1;
    while (next < highWatermark) {
      StoredBatch batch = reader.requestNext();
      assertEquals(next, batch.baseOffset(), "batches cover consecutive offsets");
      next = batch.lastOffset() + 1;
      counts[0]++;
      for (Record record : batch.decode().records()) {
        assertTrue(record.offset() > lastOffset, "offsets only grow");
        lastOffset = record.offset();
        counts[1]++;
        if (record.key() == null) {
          counts[2]++;
        } else if (record.value() == null) {
          latest.remove(text(record.key()));
        } else {
          latest.put(text(record.key()), text(record.value()));
        }
      }
    }
    reader.cancel();
    return latest;
  }

  @Test
  void shouldRefuseRecordsWithoutAKeyAndWriteNothing() {
    TopicPartition tp = topics.create(config(CleanupPolicy.COMPACT));
    ActorRef<PartitionCommand> partition = spawn(tp);

    AppendFailed failed =
        assertInstanceOf(AppendFailed.class, fixture.append(partition, keyless()));

    assertEquals(ErrorCode.INVALID_RECORD, failed.code());
    assertEquals("Compacted topic cannot accept message without key", failed.message());
    assertEquals(0, fixture.info(partition).highWatermark());
  }

  @Test
  void shouldKeepTheLatestValueOfEveryKeyAndEveryOffsetAcrossCleaningAndRestart() {
    TopicPartition tp = topics.create(config(CleanupPolicy.COMPACT_DELETE));
    ActorRef<PartitionCommand> partition = spawn(tp);
    for (int i = 0; i < 60; i++) {
      fixture.appended(partition, records("r" + i, 5, 1_000));
    }
    fixture.appended(partition, tombstone("k4"));
    Map<String, String> expected = new HashMap<>();
    for (int j = 0; j < 4; j++) {
      expected.put("k" + j, "r59-" + j);
    }
    int[] before = new int[3];
    assertEquals(expected, readLatest(partition, before));

    CleaningResult cleaned = store().clean(tp.persistenceId()).orElseThrow();

    assertTrue(cleaned.recordsKept() < cleaned.recordsRead(), cleaned.toString());
    int[] after = new int[3];
    assertEquals(expected, readLatest(partition, after));
    assertEquals(before[0], after[0], "every batch is still there");
    assertTrue(
        after[1] < before[1], "records removed: before=" + before[1] + ", after=" + after[1]);

    fixture.stop(partition);
    ActorRef<PartitionCommand> restarted = spawn(tp);
    assertEquals(301, fixture.info(restarted).highWatermark());
    assertEquals(expected, readLatest(restarted, new int[3]));
    assertEquals(301, fixture.appended(restarted, records("next", 1, 1_000)));
  }

  @Test
  void shouldCompactATopicWhosePolicyChangesWhileItRuns() {
    TopicPartition tp = topics.create(config(CleanupPolicy.DELETE));
    ActorRef<PartitionCommand> partition = spawn(tp);
    fixture.appended(partition, keyless());

    topics.update(
        tp.topic(),
        metadata ->
            new TopicMetadata(
                metadata.name(),
                metadata.partitions(),
                config(CleanupPolicy.COMPACT),
                metadata.deleting()));

    assertEquals(
        ErrorCode.INVALID_RECORD,
        assertInstanceOf(AppendFailed.class, fixture.append(partition, keyless())).code());
    for (int i = 0; i < 30; i++) {
      fixture.appended(partition, records("c" + i, 5, 1_000));
    }
    TestProbe<Object> probe = fixture.testKit.createTestProbe();
    // Throws IllegalStateException until the partition handed the policy to the storage; empty
    // if the background cleaner, woken by that, cleaned the log first.
    probe.awaitAssert(Duration.ofSeconds(5), () -> store().clean(tp.persistenceId()));
    int[] counts = new int[3];
    Map<String, String> latest = readLatest(partition, counts);
    assertEquals("c29-0", latest.get("k0"));
    assertEquals("v", latest.get("k"));
    assertEquals(0, counts[2], "the keyless record written before the change is gone");
  }
}
