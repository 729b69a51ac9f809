package dev.runnel.api.cli;

import dev.runnel.api.grpc.v1.CommitOffsetsRequest;
import dev.runnel.api.grpc.v1.GroupEvent;
import dev.runnel.api.grpc.v1.OffsetAndMetadata;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import dev.runnel.api.grpc.v1.TopicPartition;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What {@code consume --group} holds and has printed, and its commits of that: the member id and
 * generation of the latest Assignment, the partitions it holds, and per partition the offset after
 * the last record printed. A revoked partition is forgotten (the server gave it up already; its
 * next owner reads on from the last commit). Thread-safe: the stream and the commit timer share it.
 */
final class GroupProgress {

  private final String groupId;
  private String memberId = "";
  private int generation = -1;
  private final Set<TopicPartition> held = new HashSet<>();
  private final Map<TopicPartition, Long> printed = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();

  GroupProgress(String groupId) {
    this.groupId = groupId;
  }

  /**
   * Follows an assignment or revocation; answers whether records of the event are to be printed.
   */
  synchronized boolean follow(GroupEvent event) {
    if (event.hasAssignment()) {
      if (!memberId.equals(event.getAssignment().getMemberId())) {
        // A new membership (the call was made again): what the old one printed may have been
        // read and committed further by others since, and must not be committed over that.
        printed.clear();
        committed.clear();
      }
      memberId = event.getAssignment().getMemberId();
      generation = event.getAssignment().getGenerationId();
      held.clear();
      held.addAll(event.getAssignment().getPartitionsList());
      printed.keySet().retainAll(held);
      committed.keySet().retainAll(held);
      return false;
    }
    if (event.hasRevocation()) {
      event.getRevocation().getPartitionsList().forEach(this::forget);
      return false;
    }
    return event.hasRecords() && held.contains(event.getRecords().getPartition());
  }

  private void forget(TopicPartition tp) {
    held.remove(tp);
    printed.remove(tp);
    committed.remove(tp);
  }

  /** The record at {@code offset} of {@code tp} was printed. */
  synchronized void printed(TopicPartition tp, long offset) {
    printed.merge(tp, offset + 1, Math::max);
  }

  /** Commits what was printed since the last commit; completes at once when there is nothing. */
  CompletionStage<?> commit(RunnelServiceClient client) {
    CommitOffsetsRequest.Builder request;
    Map<TopicPartition, Long> sending = new HashMap<>();
    synchronized (this) {
      printed.forEach(
          (tp, next) -> {
            if (!next.equals(committed.get(tp))) {
              sending.put(tp, next);
            }
          });
      if (sending.isEmpty() || memberId.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      request =
          CommitOffsetsRequest.newBuilder()
              .setGroupId(groupId)
              .setMemberId(memberId)
              .setGenerationId(generation);
    }
    sending.forEach(
        (tp, next) ->
            request.addOffsets(OffsetAndMetadata.newBuilder().setPartition(tp).setOffset(next)));
    return client
        .commitOffsets(request.build())
        .thenApply(
            done -> {
              synchronized (this) {
                sending.forEach(
                    (tp, next) -> {
                      if (held.contains(tp)) {
                        committed.merge(tp, next, Math::max);
                      }
                    });
              }
              return done;
            });
  }
}
