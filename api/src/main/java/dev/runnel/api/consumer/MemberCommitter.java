package dev.runnel.api.consumer;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.group.CommitReply;
import dev.runnel.api.internal.Completions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Commits through a {@link GroupMember} actor, which adds its member id and generation and leaves
 * out partitions it does not own. A commit after the member stopped fails at once with {@code
 * NOT_AVAILABLE}; one the coordinator does not answer within {@code commit-timeout} fails with
 * {@code REQUEST_TIMED_OUT}. Thread-safe.
 */
final class MemberCommitter implements OffsetCommitter {

  private final String groupId;
  private final ActorRef<Object> member;
  private final CompletionStage<Done> memberStopped;
  private final Duration timeout;
  private final ActorSystem<?> system;
  private final Executor executor;

  MemberCommitter(
      String groupId,
      ActorRef<Object> member,
      CompletionStage<Done> memberStopped,
      Duration timeout,
      ActorSystem<?> system) {
    this.groupId = groupId;
    this.member = member;
    this.memberStopped = memberStopped;
    this.timeout = timeout;
    this.system = system;
    this.executor = system.executionContext();
  }

  @Override
  public String groupId() {
    return groupId;
  }

  @Override
  public Executor executor() {
    return executor;
  }

  @Override
  public CompletionStage<Done> commit(Map<TopicPartition, Long> nextOffsets) {
    String request = "request=commit, groupId=" + groupId + ", offsets=" + nextOffsets;
    if (memberStopped.toCompletableFuture().isDone()) {
      return Completions.failed(
          new RunnelException(ErrorCode.NOT_AVAILABLE, "Consumer stopped: " + request), executor);
    }
    CompletionStage<CommitReply> answer =
        AskPattern.ask(
            member,
            replyTo -> new GroupMember.Commit(nextOffsets, replyTo),
            timeout,
            system.scheduler());
    return Completions.onExecutor(
        answer.thenApply(
            reply -> {
              if (reply instanceof CommitReply.CommitFailed failed) {
                throw new RunnelException(failed.code(), failed.message());
              }
              return Done.getInstance();
            }),
        executor,
        request);
  }
}
