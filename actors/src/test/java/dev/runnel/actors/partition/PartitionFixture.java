package dev.runnel.actors.partition;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.stream.javadsl.Source;
import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.TopicPartition;
import dev.runnel.persistence.journal.SegmentStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import scala.util.Either;

/**
 * One ActorSystem with the segment journal, snapshot store and read journal under a directory
 * (fsync never), partitions spawned in it, and request helpers that return the answer.
 */
final class PartitionFixture {

  static final String JOURNAL = "runnel.persistence.journal";
  static final String SNAPSHOTS = "runnel.persistence.snapshot-store";
  static final String QUERY = "runnel.persistence.query";

  final ActorTestKit testKit;
  final TestTopics topics;

  PartitionFixture(Path directory, TestTopics topics) {
    this(directory, topics, ConfigFactory.empty());
  }

  PartitionFixture(Path directory, TestTopics topics, Config overrides) {
    this.testKit = ActorTestKit.create(overrides.withFallback(config(directory)));
    this.topics = topics;
  }

  static Config config(Path directory) {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "akka.persistence.journal.plugin = \"" + JOURNAL + "\"",
                "akka.persistence.snapshot-store.plugin = \"" + SNAPSHOTS + "\"",
                JOURNAL + ".dir = \"" + directory.resolve("journal") + "\"",
                JOURNAL + ".fsync = never",
                SNAPSHOTS + ".dir = \"" + directory.resolve("snapshots") + "\"",
                "akka.actor.testkit.typed.single-expect-default = 5s"))
        .withFallback(ConfigFactory.load());
  }

  /** Settings with the segment plugins and a large write limit. */
  static PartitionSettings settings(
      int snapshotEveryBatches, long indexIntervalBytes, Duration retentionCheckInterval) {
    return new PartitionSettings(
        JOURNAL,
        SNAPSHOTS,
        QUERY,
        snapshotEveryBatches,
        2,
        indexIntervalBytes,
        retentionCheckInterval,
        8 * 1024 * 1024,
        128);
  }

  static PartitionSettings settings() {
    return settings(100, 1024, Duration.ofMinutes(5));
  }

  ActorRef<PartitionCommand> spawn(TopicPartition tp, PartitionSettings settings) {
    return testKit.spawn(Partition.create(tp, settings, topics));
  }

  /** Stops a partition and waits until it terminated. */
  void stop(ActorRef<PartitionCommand> partition) {
    testKit.stop(partition, Duration.ofSeconds(10));
  }

  void shutdown() {
    testKit.shutdownTestKit();
  }

  AppendReply append(ActorRef<PartitionCommand> partition, byte[] batch) {
    return append(partition, batch, Acks.ALL);
  }

  AppendReply append(ActorRef<PartitionCommand> partition, byte[] batch, Acks acks) {
    TestProbe<AppendReply> probe = testKit.createTestProbe();
    partition.tell(new PartitionCommand.Append(batch, acks, probe.getRef()));
    return probe.receiveMessage();
  }

  /** Appends and returns the base offset, failing unless the append succeeded. */
  long appended(ActorRef<PartitionCommand> partition, byte[] batch) {
    AppendReply reply = append(partition, batch);
    if (reply instanceof AppendReply.Appended appended) {
      return appended.baseOffset();
    }
    throw new AssertionError("Append failed: " + reply);
  }

  ReaderReply open(ActorRef<PartitionCommand> partition, long fromOffset) {
    TestProbe<ReaderReply> probe = testKit.createTestProbe();
    partition.tell(new PartitionCommand.OpenReader(fromOffset, probe.getRef()));
    return probe.receiveMessage();
  }

  /** Opens a reader and subscribes to its batches, failing unless it opened. */
  TestSubscriber.Probe<StoredBatch> read(ActorRef<PartitionCommand> partition, long fromOffset) {
    ReaderReply reply = open(partition, fromOffset);
    if (reply instanceof ReaderReply.ReaderOpened opened) {
      return subscribe(opened.batches().getSource());
    }
    throw new AssertionError("Reader failed: " + reply);
  }

  /**
   * Requests up to {@code max} batches and returns the failure the reader ends with, adding the
   * batches that came before it to {@code received}.
   */
  static Throwable failure(
      TestSubscriber.Probe<StoredBatch> reader, int max, List<StoredBatch> received) {
    reader.request(max);
    Either<Throwable, StoredBatch> next = reader.expectNextOrError();
    while (next.isRight()) {
      received.add(next.toOption().get());
      next = reader.expectNextOrError();
    }
    return next.swap().toOption().get();
  }

  <T> TestSubscriber.Probe<T> subscribe(Source<T, ?> source) {
    return source.runWith(TestSink.create(testKit.system()), testKit.system());
  }

  OffsetsReply list(ActorRef<PartitionCommand> partition, OffsetSpec spec) {
    TestProbe<OffsetsReply> probe = testKit.createTestProbe();
    partition.tell(new PartitionCommand.ListOffsets(spec, probe.getRef()));
    return probe.receiveMessage();
  }

  PartitionInfo info(ActorRef<PartitionCommand> partition) {
    TestProbe<PartitionInfo> probe = testKit.createTestProbe();
    partition.tell(new PartitionCommand.GetPartitionInfo(probe.getRef()));
    return probe.receiveMessage();
  }

  void delete(ActorRef<PartitionCommand> partition) {
    TestProbe<Done> probe = testKit.createTestProbe();
    partition.tell(new PartitionCommand.DeletePartition(probe.getRef()));
    probe.expectMessage(Done.getInstance());
  }

  /** Journal writes (AtomicWrites, one log entry each) of the segment journal so far. */
  long journalWrites() {
    return SegmentStorage.get(Adapter.toClassic(testKit.system()))
        .storage(JOURNAL)
        .store()
        .stats()
        .entries();
  }
}
