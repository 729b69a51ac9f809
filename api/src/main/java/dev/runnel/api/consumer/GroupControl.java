package dev.runnel.api.consumer;

import akka.Done;
import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.group.GroupSubscription;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The {@link Consumer.Control} of a group-subscribed stream: it starts the stream's {@link
 * GroupMember} when the stream is materialized and ends it with the stream. {@link #stop} completes
 * the stream and keeps the member in the group (so that commits still work), {@link #shutdown} also
 * commits automatically where that is on, leaves the group and stops the member; {@link
 * #isShutdown} completes when both the stream and the member have ended. Thread-safe.
 */
final class GroupControl implements Consumer.Control {

  /** Numbers the client ids made up for members without {@code client.id}. */
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final ActorRef<Object> member;
  private final CompletableFuture<Done> memberStopped;
  private final CompletableFuture<Done> streamEnded = new CompletableFuture<>();
  private final CompletionStage<Done> shutdown;
  private final ConsumerMetricsCounter metrics;
  private final Executor executor;

  private GroupControl(
      ActorRef<Object> member,
      CompletableFuture<Done> memberStopped,
      ConsumerMetricsCounter metrics,
      Executor executor) {
    this.member = member;
    this.memberStopped = memberStopped;
    this.metrics = metrics;
    this.executor = executor;
    this.shutdown =
        memberStopped.thenCombineAsync(streamEnded, (stopped, ended) -> stopped, executor);
  }

  /**
   * Starts the member of a stream being materialized, which offers its partitions to {@code queue}:
   * {@code member} makes its behavior, {@link GroupMember} in this JVM or {@link RemoteGroupMember}
   * for a server; both take the messages {@link GroupMember} defines for the stream's end and
   * commits.
   */
  static <K, V> GroupControl start(
      ConsumerSettings<K, V> settings,
      GroupSubscription subscription,
      boolean autoCommit,
      RebalanceListener listener,
      BoundedSourceQueue<Pair<TopicPartition, Source<CommittableMessage<K, V>, NotUsed>>> queue,
      Function<GroupMember.Parts<K, V>, Behavior<Object>> member) {
    ActorSystem<Void> system = settings.runnel().system();
    int number = CLIENTS.incrementAndGet();
    String clientId =
        settings.clientId().isEmpty()
            ? "consumer-" + settings.groupId() + "-" + number
            : settings.clientId();
    ConsumerMetricsCounter metrics = new ConsumerMetricsCounter();
    CompletableFuture<Done> stopped = new CompletableFuture<>();
    ActorRef<Object> actor =
        system.systemActorOf(
            member.apply(
                new GroupMember.Parts<>(
                    settings,
                    clientId,
                    subscription,
                    queue,
                    metrics,
                    autoCommit,
                    listener,
                    stopped)),
            "runnel-consumer-" + settings.groupId() + "-" + number,
            Props.empty());
    return new GroupControl(actor, stopped, metrics, system.executionContext());
  }

  /** Follows the stream's end: tells the member, which leaves the group when it failed. */
  Consumer.Control watching(CompletionStage<Done> terminated) {
    terminated.whenCompleteAsync(
        (done, failure) -> {
          member.tell(new GroupMember.StreamEnded(failure));
          streamEnded.complete(Done.getInstance());
        },
        executor);
    return this;
  }

  /** The member actor, for tests that stop it. */
  ActorRef<Object> member() {
    return member;
  }

  @Override
  public CompletionStage<Done> stop() {
    member.tell(GroupMember.StopConsuming.INSTANCE);
    return streamEnded.thenApplyAsync(ended -> ended, executor);
  }

  @Override
  public CompletionStage<Done> shutdown() {
    member.tell(GroupMember.Shutdown.INSTANCE);
    return shutdown;
  }

  @Override
  public CompletionStage<Done> isShutdown() {
    return shutdown;
  }

  @Override
  public ConsumerMetrics metrics() {
    return metrics.snapshot();
  }
}
