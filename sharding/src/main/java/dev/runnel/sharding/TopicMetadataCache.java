package dev.runnel.sharding;

import akka.actor.Cancellable;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWMapKey;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.topic.TopicConfigLookup;
import dev.runnel.actors.topic.TopicMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import scala.concurrent.ExecutionContextExecutor;

/**
 * This node's copy of every topic's metadata, so that routing a record or configuring a partition
 * needs no round trip to the topic registry.
 *
 * <p>The registry's listener ({@link TopicMetadataPublisher}) writes the metadata to Distributed
 * Data under {@link #TOPICS_KEY}, an {@code LWWMap} from topic name to {@link TopicMetadata}. Every
 * node subscribes to it and copies each change into a {@link ConcurrentHashMap}, which is what the
 * methods read. A change made by the registry shows here after Distributed Data has carried it to
 * this node and the replicator has notified its subscribers ({@code
 * akka.cluster.distributed-data.notify-subscribers-interval}); {@link #await} waits for that.
 *
 * <p>Thread-safe: reads are lock-free map lookups; one actor applies changes.
 */
public final class TopicMetadataCache implements TopicConfigLookup {

  /** The Distributed Data key of the topic metadata: topic name to its metadata. */
  static final Key<LWWMap<String, TopicMetadata>> TOPICS_KEY = LWWMapKey.create("runnel-topics");

  private final ConcurrentHashMap<String, TopicMetadata> topics = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
  private final ActorSystem<?> system;

  private TopicMetadataCache(ActorSystem<?> system) {
    this.system = system;
  }

  /** Starts this node's cache: subscribes it to the topic metadata in Distributed Data. */
  public static TopicMetadataCache start(ActorSystem<?> system) {
    TopicMetadataCache cache = new TopicMetadataCache(system);
    system.systemActorOf(cache.subscriber(), "topic-metadata-cache", Props.empty());
    return cache;
  }

  /** The topic's metadata as this node knows it, including a topic being deleted. */
  @Override
  public Optional<TopicMetadata> topic(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  /** Every topic this node knows (those being deleted included), sorted by name. */
  @Override
  public List<TopicMetadata> all() {
    List<TopicMetadata> all = new ArrayList<>(topics.values());
    all.sort(Comparator.comparing(TopicMetadata::name));
    return all;
  }

  /**
   * Completes with the topic's metadata once this node knows the topic and {@code ready} accepts
   * its metadata (at once if it does already), or fails with {@link RunnelException} {@link
   * ErrorCode#UNKNOWN_TOPIC_OR_PARTITION} after {@code timeout}. Completes on the actor system's
   * dispatcher unless it completes at once.
   *
   * @param ready what the caller needs, for example {@code m -> m.partitions() > 3 &&
   *     !m.deleting()}
   */
  public CompletionStage<TopicMetadata> await(
      String name, Predicate<TopicMetadata> ready, Duration timeout) {
    Objects.requireNonNull(ready, "ready");
    Waiter waiter = new Waiter(name, ready, new CompletableFuture<>());
    waiter.offer(topics.get(name));
    if (waiter.result.isDone()) {
      return waiter.result;
    }
    waiters.compute(
        name,
        (n, set) -> {
          Set<Waiter> updated = set == null ? ConcurrentHashMap.newKeySet() : set;
          updated.add(waiter);
          return updated;
        });
    ExecutionContextExecutor dispatcher = system.executionContext();
    Cancellable timer =
        system
            .scheduler()
            .scheduleOnce(timeout, () -> waiter.timeOut(timeout, topics.get(name)), dispatcher);
    waiter.result.whenCompleteAsync((metadata, error) -> forget(waiter, timer), dispatcher);
    // A change applied between the first look and the registration above notified nobody.
    waiter.offer(topics.get(name));
    return waiter.result;
  }

  private void forget(Waiter waiter, Cancellable timer) {
    timer.cancel();
    waiters.computeIfPresent(
        waiter.name,
        (n, set) -> {
          set.remove(waiter);
          return set.isEmpty() ? null : set;
        });
  }

  /** Makes the map equal to {@code current} and wakes the waiters of the topics that changed. */
  private void apply(Map<String, TopicMetadata> current) {
    List<String> changed = new ArrayList<>();
    current.forEach(
        (name, metadata) -> {
          if (!metadata.equals(topics.put(name, metadata))) {
            changed.add(name);
          }
        });
    topics.keySet().removeIf(name -> !current.containsKey(name));
    for (String name : changed) {
      Set<Waiter> waiting = waiters.get(name);
      if (waiting != null) {
        TopicMetadata metadata = topics.get(name);
        waiting.forEach(waiter -> waiter.offer(metadata));
      }
    }
  }

  private Behavior<Replicator.SubscribeResponse<LWWMap<String, TopicMetadata>>> subscriber() {
    return Behaviors.setup(
        context -> {
          DistributedData.get(context.getSystem())
              .replicator()
              .tell(new Replicator.Subscribe<>(TOPICS_KEY, context.getSelf()));
          return Behaviors.receiveMessage(
              response -> {
                if (response instanceof Replicator.Changed<LWWMap<String, TopicMetadata>> change) {
                  apply(change.dataValue().getEntries());
                }
                return Behaviors.same();
              });
        });
  }

  /** A caller of {@link #await} waiting for a topic to become what it needs. */
  private record Waiter(
      String name, Predicate<TopicMetadata> ready, CompletableFuture<TopicMetadata> result) {

    void offer(TopicMetadata metadata) {
      if (metadata == null || result.isDone()) {
        return;
      }
      try {
        if (ready.test(metadata)) {
          result.complete(metadata);
        }
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    }

    void timeOut(Duration timeout, TopicMetadata known) {
      result.completeExceptionally(
          new RunnelException(
              ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              "Topic metadata not ready: topic="
                  + name
                  + ", timeout="
                  + timeout
                  + ", known="
                  + (known == null ? "none" : known)));
    }
  }
}
