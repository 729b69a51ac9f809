package dev.runnel.bench;

import akka.Done;
import akka.japi.Pair;
import akka.stream.KillSwitches;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.group.GroupDescription;
import dev.runnel.actors.group.GroupState;
import dev.runnel.api.Runnel;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.consumer.AutoOffsetReset;
import dev.runnel.api.consumer.CommittableMessage;
import dev.runnel.api.consumer.Committer;
import dev.runnel.api.consumer.CommitterSettings;
import dev.runnel.api.consumer.Consumer;
import dev.runnel.api.consumer.ConsumerSettings;
import dev.runnel.api.consumer.Subscriptions;
import dev.runnel.api.producer.Producer;
import dev.runnel.api.producer.ProducerRecord;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The consumer-group benchmark, on a single node with the segment storage ({@code fsync = never}):
 *
 * <ol>
 *   <li>rebalance: three members of a group read a topic of 48 partitions; one member's stream is
 *       failed (its actor stops, the coordinator sees it at once), and one record is written to
 *       every partition. The time runs from the failure until the survivors have consumed the new
 *       record of every partition. Repeated with a fresh group each round.
 *   <li>commit: one member reads N records from a topic, and their committable offsets are then
 *       committed through {@code Committer.sink} (batches of 1000) as fast as the coordinator takes
 *       them: offsets committed per second, and batches (writes) per second. A second figure reads
 *       and commits in one stream.
 * </ol>
 */
@Command(
    name = "groups",
    mixinStandardHelpOptions = true,
    description = "Measures consumer-group rebalances and offset commits on one node.")
final class GroupsBenchmark implements Callable<Integer> {

  @Option(names = "--dir", description = "Directory for the data; emptied afterwards.")
  private Path dir = Path.of(System.getProperty("java.io.tmpdir"), "runnel-groups-bench");

  @Option(
      names = "--partitions",
      description = "Partitions of the rebalance run's topic (default: ${DEFAULT-VALUE}).")
  private int partitions = 48;

  @Option(names = "--rounds", description = "Rebalance rounds (default: ${DEFAULT-VALUE}).")
  private int rounds = 5;

  @Option(
      names = "--session-timeout-ms",
      description = "Members' session.timeout.ms (default: ${DEFAULT-VALUE}).")
  private long sessionTimeoutMs = 10_000;

  @Option(
      names = "--assignor",
      description =
          "partition.assignment.strategy of the rebalance run (default: ${DEFAULT-VALUE}).")
  private String assignor = "cooperative-sticky";

  @Option(
      names = "--commit-records",
      description = "Records of the commit run (default: ${DEFAULT-VALUE}).")
  private int commitRecords = 500_000;

  @Option(
      names = "--max-batch",
      description = "Committer max-batch of the commit run (default: ${DEFAULT-VALUE}).")
  private int maxBatch = 1000;

  @Option(
      names = "--run",
      split = ",",
      description = "Runs: rebalance, commit (default: ${DEFAULT-VALUE}).")
  private List<String> runs = List.of("rebalance", "commit");

  @Override
  public Integer call() throws Exception {
    System.out.printf(
        "groups benchmark: %d cores, max heap %d MiB, load average %.2f%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    for (String run : runs) {
      switch (run) {
        case "rebalance" -> rebalance();
        case "commit" -> commit();
        default -> throw new IllegalArgumentException("Unknown run: run=" + run);
      }
    }
    return 0;
  }

  private ConsumerSettings<byte[], byte[]> settings(Runnel runnel, String group) {
    return ConsumerSettings.create(
            runnel, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer())
        .withGroupId(group)
        .withAutoOffsetReset(AutoOffsetReset.EARLIEST)
        .withSessionTimeout(Duration.ofMillis(sessionTimeoutMs))
        .withHeartbeatInterval(Duration.ofMillis(sessionTimeoutMs / 3))
        .withPartitionAssignmentStrategy(assignor);
  }

  // ------------------------------------------------------------------ rebalance

  /** A member of the rebalance run: notes the offset it last read per partition. */
  private final class Member {
    final Consumer.Control control;
    final UniqueKillSwitch killSwitch;

    Member(Runnel runnel, String group, String topic, Map<TopicPartition, Long> read) {
      Pair<Consumer.Control, UniqueKillSwitch> running =
          Consumer.committableSource(settings(runnel, group), Subscriptions.topics(topic))
              .map(
                  message -> {
                    read.merge(
                        message.record().topicPartition(), message.record().offset(), Math::max);
                    return message.committableOffset();
                  })
              .viaMat(KillSwitches.single(), Keep.both())
              .to(Committer.sink(CommitterSettings.create(runnel)))
              .run(runnel.system());
      control = running.first();
      killSwitch = running.second();
    }
  }

  private void rebalance() throws Exception {
    List<Long> millis = new ArrayList<>();
    try (Runnel runnel = startNode()) {
      String topic = "rebalance";
      runnel
          .admin()
          .createTopic(new NewTopic(topic, partitions))
          .toCompletableFuture()
          .get(1, TimeUnit.MINUTES);
      for (int round = 0; round < rounds; round++) {
        String group = "rebalance-" + round;
        Map<TopicPartition, Long> read = new ConcurrentHashMap<>();
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          members.add(new Member(runnel, group, topic, read));
        }
        awaitGroup(runnel, group, 3);
        long marker = produceOneEach(runnel, topic);
        awaitRead(read, marker);

        long failed = System.nanoTime();
        members.get(0).killSwitch.abort(new IllegalStateException("member killed"));
        long next = produceOneEach(runnel, topic);
        awaitRead(read, next);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failed);
        millis.add(took);
        System.out.printf(
            "rebalance 3 -> 2 members, %d partitions, %s, round %d: %d ms%n",
            partitions, assignor, round, took);
        for (Member member : members.subList(1, 3)) {
          member.control.shutdown().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
      }
    } finally {
      StorageBenchmark.deleteRecursively(dir);
    }
    millis.sort(Long::compare);
    System.out.printf(
        "%-40s min %d ms, median %d ms, max %d ms (%d rounds)%n",
        "rebalance (" + assignor + "), failure to all consumed",
        millis.get(0),
        millis.get(millis.size() / 2),
        millis.get(millis.size() - 1),
        millis.size());
  }

  private static void awaitGroup(Runnel runnel, String group, int members) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (true) {
      GroupDescription described =
          runnel
              .admin()
              .describeConsumerGroup(group)
              .toCompletableFuture()
              .get(1, TimeUnit.MINUTES);
      if (described.state() == GroupState.STABLE && described.members().size() == members) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Group not stable: " + described);
      }
      Thread.sleep(10);
    }
  }

  /** Writes one record to every partition; answers the offset they got (the same everywhere). */
  private long produceOneEach(Runnel runnel, String topic) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      records.add(new ProducerRecord<>(topic, p, null, new byte[100]));
    }
    Source.from(records)
        .runWith(
            Producer.plainSink(
                ProducerSettings.create(
                        runnel, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer())
                    .withLinger(Duration.ZERO)),
            runnel.system())
        .toCompletableFuture()
        .get(1, TimeUnit.MINUTES);
    return runnel
            .admin()
            .listOffsets(
                new TopicPartition(topic, 0), dev.runnel.actors.partition.OffsetSpec.latest())
            .toCompletableFuture()
            .get(1, TimeUnit.MINUTES)
            .offset()
        - 1;
  }

  /** Spins until every partition's record at {@code offset} was read. */
  private void awaitRead(Map<TopicPartition, Long> read, long offset) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (read.size() < partitions || read.values().stream().anyMatch(last -> last < offset)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Not every partition was read: offset=" + offset);
      }
      Thread.onSpinWait();
    }
  }

  // ------------------------------------------------------------------ commit

  private void commit() throws Exception {
    try (Runnel runnel = startNode()) {
      String topic = "commits";
      int commitPartitions = 12;
      runnel
          .admin()
          .createTopic(new NewTopic(topic, commitPartitions))
          .toCompletableFuture()
          .get(1, TimeUnit.MINUTES);
      Source.range(1, commitRecords)
          .map(i -> new ProducerRecord<byte[], byte[]>(topic, null, new byte[10]))
          .runWith(
              Producer.plainSink(
                  ProducerSettings.create(
                      runnel, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer())),
              runnel.system())
          .toCompletableFuture()
          .get(10, TimeUnit.MINUTES);
      CommitterSettings committer = CommitterSettings.create(runnel).withMaxBatch(maxBatch);

      Pair<Consumer.Control, CompletionStage<List<CommittableMessage<byte[], byte[]>>>> read =
          Consumer.committableSource(settings(runnel, "commit-only"), Subscriptions.topics(topic))
              .take(commitRecords)
              .toMat(Sink.seq(), Keep.both())
              .run(runnel.system());
      List<CommittableMessage<byte[], byte[]>> messages =
          read.second().toCompletableFuture().get(10, TimeUnit.MINUTES);
      long start = System.nanoTime();
      Source.from(messages)
          .map(CommittableMessage::committableOffset)
          .runWith(Committer.sink(committer), runnel.system())
          .toCompletableFuture()
          .get(10, TimeUnit.MINUTES);
      printCommits("commit only (offsets read before)", messages.size(), start);
      read.first().shutdown().toCompletableFuture().get(1, TimeUnit.MINUTES);
      messages = null;

      start = System.nanoTime();
      Pair<Consumer.Control, CompletionStage<Done>> both =
          Consumer.committableSource(
                  settings(runnel, "read-and-commit"), Subscriptions.topics(topic))
              .take(commitRecords)
              .map(CommittableMessage::committableOffset)
              .toMat(Committer.sink(committer), Keep.both())
              .run(runnel.system());
      both.second().toCompletableFuture().get(10, TimeUnit.MINUTES);
      printCommits("read and commit in one stream", commitRecords, start);
      both.first()
          .drainAndShutdown(both.second(), runnel.system().executionContext())
          .toCompletableFuture()
          .get(10, TimeUnit.MINUTES);
    } finally {
      StorageBenchmark.deleteRecursively(dir);
    }
  }

  private void printCommits(String what, long offsets, long startNanos) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    System.out.printf(
        "%-40s %,12.0f offsets/s %,8.0f commits/s (%,d offsets in %.2f s, max-batch %d)%n",
        what,
        offsets / seconds,
        Math.ceil((double) offsets / maxBatch) / seconds,
        offsets,
        seconds,
        maxBatch);
  }

  private Runnel startNode() throws Exception {
    return BrokerBenchmark.startNode(
        dir, Map.of("runnel.fsync", "never", "runnel.group.min-session-timeout", "1s"));
  }
}
