package dev.runnel.sharding;

import static dev.runnel.sharding.TestNodes.CODEC;
import static dev.runnel.sharding.TestNodes.WAIT;
import static dev.runnel.sharding.TestNodes.append;
import static dev.runnel.sharding.TestNodes.batch;
import static dev.runnel.sharding.TestNodes.createTopic;
import static dev.runnel.sharding.TestNodes.info;
import static dev.runnel.sharding.TestNodes.read;
import static dev.runnel.sharding.TestNodes.text;
import static dev.runnel.sharding.TestNodes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.japi.function.Creator;
import akka.stream.javadsl.Sink;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.partition.AppendReply;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.actors.partition.OffsetsReply;
import dev.runnel.actors.partition.PartitionCommand;
import dev.runnel.actors.partition.PartitionInfo;
import dev.runnel.actors.partition.PartitionSerializer;
import dev.runnel.actors.partition.ReaderReply;
import dev.runnel.actors.partition.StoredBatchSerializer;
import dev.runnel.actors.topic.TopicRegistryCommand;
import dev.runnel.actors.topic.TopicRegistrySerializer;
import dev.runnel.actors.topic.TopicReply;
import dev.runnel.persistence.record.Record;
import dev.runnel.persistence.record.RecordBatch;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on PostgreSQL ({@code runnel.storage = jdbc}): what the partitions and the registry store
 * in the tables, and that retention, deletion, restarts, idempotence and time lookups behave as on
 * the segment storage. Retention is checked every 200 ms, every batch is an index entry and state
 * is snapshotted every two events, so that the tests cross those boundaries.
 */
class JdbcStorageTest {

  @RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();

  private static final String[] SETTINGS = {
    "runnel.partition.retention-check-interval = 200ms",
    "runnel.partition.index-interval-bytes = 1",
    "runnel.partition.snapshot-every-batches = 2",
    "runnel.topic-registry.snapshot-every-events = 2"
  };

  @TempDir static Path dir;
  private static RunnelNode node;

  @BeforeAll
  static void start() {
    node = startNode();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static RunnelNode startNode() {
    return TestNodes.start(POSTGRES.nodeConfig(), dir, SETTINGS);
  }

  @Test
  void shouldStoreEachBatchAsItsEncodedBytesInARowAndTheRegistryAsProtobuf() throws SQLException {
    createTopic(node, "rows", 1);
    TopicPartition tp = new TopicPartition("rows", 0);
    append(node, tp, batch("a", "b"));
    append(node, tp, batch("c"));

    List<Record> stored = new ArrayList<>();
    try (Connection connection = POSTGRES.connect();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT event_ser_id, event_ser_manifest, event_payload FROM event_journal"
                    + " WHERE persistence_id = ? ORDER BY sequence_number")) {
      select.setString(1, tp.persistenceId());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          assertEquals(StoredBatchSerializer.IDENTIFIER, rows.getInt(1));
          assertEquals("B1", rows.getString(2));
          stored.addAll(CODEC.decode(ByteBuffer.wrap(rows.getBytes(3))).records());
        }
      }
    }
    assertEquals(List.of(0L, 1L, 2L), stored.stream().map(Record::offset).toList());
    assertEquals(
        List.of("value-of-a", "value-of-b", "value-of-c"),
        stored.stream().map(r -> text(r.value())).toList());
    assertEquals(
        stored.stream().map(r -> text(r.value())).toList(),
        read(node, tp, 0, 3).stream().map(r -> text(r.value())).toList(),
        "what the partition reads is what the table holds");

    assertTrue(
        POSTGRES.queryLong(
                "SELECT count(*) FROM event_journal WHERE persistence_id = 'topic-registry'"
                    + " AND event_ser_id = ?",
                TopicRegistrySerializer.IDENTIFIER)
            > 0,
        "registry events");
  }

  @Test
  void shouldFollowNewBatchesLive() {
    createTopic(node, "live", 1);
    TopicPartition tp = new TopicPartition("live", 0);
    ReaderReply reply =
        TestNodes.await(
            node.partition(tp).ask(replyTo -> new PartitionCommand.OpenReader(0, replyTo), WAIT));
    ReaderReply.ReaderOpened opened = assertInstanceOf(ReaderReply.ReaderOpened.class, reply);
    CompletionStage<List<String>> values =
        opened
            .batches()
            .getSource()
            .mapConcat(batch -> batch.decode().records())
            .map(record -> text(record.value()))
            .take(2)
            .runWith(Sink.seq(), node.system());

    append(node, tp, batch("first"));
    append(node, tp, batch("second"));

    assertEquals(List.of("value-of-first", "value-of-second"), TestNodes.await(values));
  }

  @Test
  void shouldKeepProducerStateTimestampsAndSnapshotsAcrossARestart() {
    createTopic(node, "kept", 1);
    TopicPartition tp = new TopicPartition("kept", 0);
    long base = System.currentTimeMillis() - 60_000;
    append(node, tp, idempotentBatch(0, base, "a"));
    append(node, tp, idempotentBatch(1, base + 1_000, "b"));
    assertEquals(2, append(node, tp, idempotentBatch(2, base + 2_000, "c")).baseOffset());
    assertTrue(
        POSTGRES.queryLong(
                "SELECT count(*) FROM snapshot WHERE persistence_id = ? AND snapshot_ser_id = ?",
                tp.persistenceId(),
                PartitionSerializer.IDENTIFIER)
            > 0,
        "the partition's state was snapshotted");

    node.close();
    node = startNode();
    TestNodes.await(node.topics().await("kept", topic -> true, WAIT));

    AppendReply.Appended retried = append(node, tp, idempotentBatch(1, base + 1_000, "b"));
    assertEquals(1, retried.baseOffset(), "a retry is answered with its original offset");
    assertEquals(3, info(node, tp).highWatermark(), "and not written again");
    assertEquals(new OffsetsReply.OffsetFound(1, base + 1_000), offsetFor(tp, base + 500));
    assertEquals(new OffsetsReply.OffsetFound(-1, -1), offsetFor(tp, base + 5_000));
    assertEquals(
        List.of("value-of-a", "value-of-b", "value-of-c"),
        read(node, tp, 0, 3).stream().map(r -> text(r.value())).toList());
  }

  @Test
  void shouldMoveTheLogStartByRetentionTimeAndDeleteTheRows() {
    createTopic(node, "aged", 1, Map.of("retention.ms", "60000"));
    TopicPartition tp = new TopicPartition("aged", 0);
    long old = System.currentTimeMillis() - 600_000;
    append(node, tp, batchAt(old, "x"));
    append(node, tp, batchAt(old + 1, "y"));

    eventually(
        () -> {
          assertEquals(2, info(node, tp).logStartOffset());
          assertEquals(0, storedBatches(tp), "rows of expired batches");
        });

    assertEquals(2, append(node, tp, batch("z")).baseOffset());
    assertEquals(
        List.of("value-of-z"), read(node, tp, 2, 1).stream().map(r -> text(r.value())).toList());
  }

  @Test
  void shouldKeepTheNewestRetentionBytesAndDeleteTheRowsBelow() {
    int batchBytes = batch("k").length;
    createTopic(node, "sized", 1, Map.of("retention.bytes", Integer.toString(2 * batchBytes)));
    TopicPartition tp = new TopicPartition("sized", 0);
    for (int i = 0; i < 4; i++) {
      append(node, tp, batch("k"));
    }

    eventually(
        () -> {
          PartitionInfo info = info(node, tp);
          assertEquals(2, info.logStartOffset());
          assertEquals(2L * batchBytes, info.sizeInBytes(), "bytes of the retained batches");
          assertEquals(2, storedBatches(tp), "rows of retained batches");
        });
  }

  @Test
  void shouldDeleteEveryRowOfADeletedTopicAndStartItAgainEmpty() {
    createTopic(node, "doomed", 2);
    TopicPartition first = new TopicPartition("doomed", 0);
    for (int i = 0; i < 3; i++) {
      append(node, first, batch("old-" + i));
    }
    append(node, new TopicPartition("doomed", 1), batch("old"));
    assertTrue(snapshots("partition|doomed|%") > 0, "snapshots before the deletion");

    deleteTopic("doomed");

    assertEquals(
        0,
        POSTGRES.queryLong(
            "SELECT count(*) FROM event_journal WHERE persistence_id LIKE ? AND NOT deleted",
            "partition|doomed|%"),
        "readable rows");
    assertTrue(
        POSTGRES.queryLong(
                "SELECT count(*) FROM event_journal WHERE persistence_id LIKE ?",
                "partition|doomed|%")
            <= 2,
        "at most one row per partition, marked deleted, keeps its highest sequence number");
    assertEquals(0, snapshots("partition|doomed|%"));

    createTopic(node, "doomed", 2);
    assertEquals(0, append(node, first, batch("new")).baseOffset());
    assertEquals(
        List.of("value-of-new"),
        read(node, first, 0, 1).stream().map(r -> text(r.value())).toList());
    assertEquals(1, info(node, first).highWatermark());
  }

  private void deleteTopic(String name) {
    TestProbe<TopicReply> deleted = TestProbe.create(node.system());
    node.topicRegistry().tell(new TopicRegistryCommand.DeleteTopic(name, deleted.getRef()));
    assertInstanceOf(TopicReply.TopicOk.class, deleted.receiveMessage(WAIT));
    eventually(() -> assertEquals(Optional.empty(), node.topics().topic(name), "removed"));
  }

  private OffsetsReply offsetFor(TopicPartition tp, long timestamp) {
    return TestNodes.await(
        node.partition(tp)
            .ask(
                replyTo ->
                    new PartitionCommand.ListOffsets(OffsetSpec.forTimestamp(timestamp), replyTo),
                WAIT));
  }

  /** Readable rows of record batches of the partition. */
  private static long storedBatches(TopicPartition tp) {
    return POSTGRES.queryLong(
        "SELECT count(*) FROM event_journal WHERE persistence_id = ? AND NOT deleted"
            + " AND event_ser_id = ?",
        tp.persistenceId(),
        StoredBatchSerializer.IDENTIFIER);
  }

  private static long snapshots(String persistenceIdPattern) {
    return POSTGRES.queryLong(
        "SELECT count(*) FROM snapshot WHERE persistence_id LIKE ?", persistenceIdPattern);
  }

  private static byte[] batchAt(long timestamp, String key) {
    return CODEC.encode(
        RecordBatch.builder(0).add(timestamp, utf8(key), utf8("value-of-" + key)).build());
  }

  /** One record of producer 77, epoch 0, with the given sequence number. */
  private static byte[] idempotentBatch(int sequence, long timestamp, String key) {
    return CODEC.encode(
        RecordBatch.builder(0)
            .producer(77, (short) 0, sequence)
            .add(timestamp, utf8(key), utf8("value-of-" + key))
            .build());
  }

  private static void eventually(Runnable assertion) {
    Creator<Void> check =
        () -> {
          assertion.run();
          return null;
        };
    TestProbe.create(node.system()).awaitAssert(WAIT, check);
  }
}
