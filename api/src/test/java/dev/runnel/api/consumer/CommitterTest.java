package dev.runnel.api.consumer;

import static dev.runnel.api.TestNode.assertFails;
import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The committer's batching, against members that record what they are asked to commit. */
class CommitterTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A member that records every commit and answers it as {@code answer} says. */
  private static final class RecordingMember implements OffsetCommitter {
    final List<Map<TopicPartition, Long>> commits = new CopyOnWriteArrayList<>();
    volatile RunnelException refusal;

    @Override
    public String groupId() {
      return "g";
    }

    @Override
    public Executor executor() {
      return testKit.system().executionContext();
    }

    @Override
    public CompletionStage<Done> commit(Map<TopicPartition, Long> nextOffsets) {
      commits.add(Map.copyOf(nextOffsets));
      return refusal == null
          ? CompletableFuture.completedFuture(Done.getInstance())
          : CompletableFuture.failedFuture(refusal);
    }
  }

  /** Offsets 0..count-1 alternating between partitions 0 and 1 (each partition counting up). */
  private static List<CommittableOffset> offsets(RecordingMember member, int count) {
    AssignedPartition p0 = new AssignedPartition(new GroupTopicPartition("g", P0), member);
    AssignedPartition p1 = new AssignedPartition(new GroupTopicPartition("g", P1), member);
    List<CommittableOffset> offsets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      offsets.add(new RecordOffset(i % 2 == 0 ? p0 : p1, i / 2));
    }
    return offsets;
  }

  private static CommitterSettings settings(int maxBatch) {
    return CommitterSettings.create(testKit.system())
        .withMaxBatch(maxBatch)
        .withMaxInterval(Duration.ofMinutes(1));
  }

  @Test
  void shouldCommitTheNextOffsetOfEachPartitionOncePerBatchAndTheRestOnCompletion() {
    RecordingMember member = new RecordingMember();

    result(
        Source.from(offsets(member, 25)).runWith(Committer.sink(settings(10)), testKit.system()));

    assertEquals(
        List.of(Map.of(P0, 5L, P1, 5L), Map.of(P0, 10L, P1, 10L), Map.of(P0, 13L, P1, 12L)),
        member.commits,
        "batches of 10 offsets, each one commit of the offset after the last record per partition;"
            + " the last 5 when the stream completed");
  }

  @Test
  void shouldEmitCommittedBatchesWithTheirSizes() {
    RecordingMember member = new RecordingMember();

    List<CommittableOffsetBatch> batches =
        result(
            Source.from(offsets(member, 7))
                .via(Committer.batchFlow(settings(3)))
                .runWith(akka.stream.javadsl.Sink.seq(), testKit.system()));

    assertEquals(List.of(3L, 3L, 1L), batches.stream().map(b -> b.batchSize()).toList());
    assertEquals(
        Map.of(new GroupTopicPartition("g", P0), 2L, new GroupTopicPartition("g", P1), 2L),
        batches.get(1).offsets(),
        "a batch keeps the last record's offset per partition");
  }

  @Test
  void shouldFailTheStreamOnARefusedCommitOnlyWhenWaitingForAcknowledgements() {
    RecordingMember member = new RecordingMember();
    member.refusal = new RunnelException(ErrorCode.ILLEGAL_GENERATION, "stale");

    assertFails(
        ErrorCode.ILLEGAL_GENERATION,
        Source.from(offsets(member, 4)).runWith(Committer.sink(settings(2)), testKit.system()));
    member.commits.clear();

    result(
        Source.from(offsets(member, 4))
            .runWith(
                Committer.sink(
                    settings(2).withDelivery(CommitterSettings.CommitDelivery.SEND_AND_FORGET)),
                testKit.system()));
    assertEquals(2, member.commits.size(), "send and forget goes on after a refusal");
  }

  @Test
  void shouldMergeBatchesAndCommitOncePerMember() {
    RecordingMember first = new RecordingMember();
    RecordingMember second = new RecordingMember();
    CommittableOffsetBatch batch =
        CommittableOffsetBatch.of(offsets(first, 4)).updated(offsets(second, 1).get(0));

    assertEquals(5, batch.batchSize());
    result(batch.commit());

    assertEquals(List.of(Map.of(P1, 2L)), first.commits, "partition 0 went to the second member");
    assertEquals(List.of(Map.of(P0, 1L)), second.commits);
    assertTrue(CommittableOffsetBatch.empty().isEmpty());
  }

  @Test
  void shouldRefuseBadSettingsNamingThem() {
    RunnelException error =
        org.junit.jupiter.api.Assertions.assertThrows(RunnelException.class, () -> settings(0));
    assertEquals(ErrorCode.INVALID_CONFIG, error.code());
    assertTrue(error.getMessage().contains("max-batch"), error.getMessage());
  }
}
