package dev.runnel.sharding;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent.MemberRemoved;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.PartitionCommand;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Requests to partitions that give up early when a cluster member is removed while they wait.
 *
 * <p>A request sent to a partition on a node that then dies is lost with the node, and so is one
 * sent after the death but before the node's removal (until then the shard region still routes
 * there). Without this, each waits for its whole timeout ({@code request.timeout.ms}, 30 s by
 * default) although the partition takes requests again on another node a few seconds after the
 * removal. So when a member is removed, every request still waiting fails at once with {@link
 * ErrorCode#NOT_AVAILABLE}, a retriable error that, like a timeout, leaves open whether it was
 * done; callers retry it (the idempotent producer without duplicates) and reach the partition's new
 * home. A request that a live node was about to answer fails too: rare, and as safe to retry.
 *
 * <p>Answers and failures complete on the actor system's executor. Thread-safe.
 */
public final class PartitionRequests {

  private final PartitionSharding partitions;
  private final ActorSystem<?> system;
  private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();

  private PartitionRequests(PartitionSharding partitions, ActorSystem<?> system) {
    this.partitions = partitions;
    this.system = system;
  }

  /** Requests to {@code partitions}, watching this node's view of the cluster for removals. */
  static PartitionRequests start(ActorSystem<?> system, PartitionSharding partitions) {
    PartitionRequests requests = new PartitionRequests(partitions, system);
    ActorRef<MemberRemoved> removals =
        system.systemActorOf(
            Behaviors.receive(MemberRemoved.class)
                .onMessage(
                    MemberRemoved.class,
                    removed -> {
                      requests.failWaiting(removed.member().address().toString());
                      return Behaviors.same();
                    })
                .build(),
            "partition-request-watch",
            Props.empty());
    Cluster.get(system).subscriptions().tell(Subscribe.create(removals, MemberRemoved.class));
    return requests;
  }

  /**
   * Asks partition {@code tp}; fails with the ask's timeout, or early with {@link
   * ErrorCode#NOT_AVAILABLE} when a member is removed first.
   */
  public <R> CompletionStage<R> ask(
      TopicPartition tp, Function<ActorRef<R>, PartitionCommand> command, Duration timeout) {
    CompletableFuture<R> answer = new CompletableFuture<>();
    waiting.add(answer);
    partitions
        .entityRef(tp)
        .ask(command::apply, timeout)
        .whenCompleteAsync(
            (reply, failure) -> {
              waiting.remove(answer);
              if (failure == null) {
                answer.complete(reply);
              } else {
                answer.completeExceptionally(failure);
              }
            },
            system.executionContext());
    return answer;
  }

  private void failWaiting(String member) {
    RunnelException removed =
        new RunnelException(
            ErrorCode.NOT_AVAILABLE,
            "A cluster member was removed while the request waited; it may or may not have been"
                + " done: member="
                + member);
    for (CompletableFuture<?> request : waiting) {
      waiting.remove(request);
      request.completeExceptionally(removed);
    }
  }
}
