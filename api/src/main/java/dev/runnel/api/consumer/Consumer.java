package dev.runnel.api.consumer;

import akka.Done;
import akka.NotUsed;
import akka.japi.Pair;
import akka.stream.KillSwitches;
import akka.stream.SystemMaterializer;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;

/**
 * Akka Streams sources that consume records, named and shaped as Alpakka Kafka's {@code
 * javadsl.Consumer}, and Reactive Streams views of them.
 *
 * <p>A consumer reads each assigned partition through a reader that follows the log live: embedded,
 * a stream reference the partition hands out; remote, a {@code Consume} call to the server. Either
 * way with backpressure end to end: a slow downstream makes the consumer, and the partition (or the
 * server), hold back, never buffer without bound. Each partition's records come in offset order,
 * once each, also across readers reopened after a partition moved or the server restarted; records
 * of different partitions interleave.
 */
public final class Consumer {

  private Consumer() {}

  /**
   * Controls a running consumer stream, as Alpakka Kafka's {@code Consumer.Control}. For a manual
   * assignment there is nothing to commit, so {@link #stop} and {@link #shutdown} do the same:
   * complete the stream and release its readers. For a consumer group, {@link #stop} completes the
   * stream but stays in the group, so that offsets of records still in the stream can be committed;
   * {@link #shutdown} also commits automatically where that is on, and leaves the group.
   */
  public interface Control {

    /**
     * Stops emitting: completes the stream (each partition's source, in a group); the stage
     * completes when it has ended. A group member stays in the group until {@link #shutdown}.
     */
    CompletionStage<Done> stop();

    /**
     * Completes the stream and, in a group, commits automatically (if on) and leaves the group; the
     * stage completes when the stream and the member have ended.
     */
    CompletionStage<Done> shutdown();

    /**
     * Stops gracefully, as Alpakka Kafka's {@code DrainingControl}: {@link #stop} at once, then
     * waits for {@code streamCompletion} (typically the {@link Committer#sink} at the stream's end,
     * which completes once the offsets of every record emitted are committed), then {@link
     * #shutdown}. The stage completes, on {@code executor}, with {@code streamCompletion}'s outcome
     * once the shutdown is done.
     */
    default <T> CompletionStage<T> drainAndShutdown(
        CompletionStage<T> streamCompletion, Executor executor) {
      CompletableFuture<T> drained = new CompletableFuture<>();
      stop();
      streamCompletion.whenCompleteAsync(
          (value, failure) ->
              shutdown()
                  .whenCompleteAsync(
                      (done, shutdownFailure) -> {
                        if (failure != null) {
                          drained.completeExceptionally(failure);
                        } else {
                          drained.complete(value);
                        }
                      },
                      executor),
          executor);
      return drained;
    }

    /** Completes when the stream has ended, however it ended (completion, failure, cancel). */
    CompletionStage<Done> isShutdown();

    /** The stream's counters now. */
    ConsumerMetrics metrics();
  }

  /**
   * The records of the subscription's partitions, from the subscription's start offsets.
   *
   * <p>The stream fails with a {@link dev.runnel.actors.error.RunnelException}: {@code
   * UNKNOWN_TOPIC_OR_PARTITION} when a partition does not appear within {@code
   * default.api.timeout.ms}, {@code OFFSET_OUT_OF_RANGE} when a start offset is outside the log and
   * {@code auto.offset.reset} is {@code none}, {@code INVALID_RECORD} when a deserializer throws,
   * {@code CORRUPT_MESSAGE} for a batch that fails its checks.
   */
  public static <K, V> Source<ConsumerRecord<K, V>, Control> plainSource(
      ConsumerSettings<K, V> settings, ManualSubscription subscription) {
    return plainSource(settings, subscription, PartitionAccess.of(settings.runnel()));
  }

  /** {@link #plainSource} over the given access to the partitions. */
  static <K, V> Source<ConsumerRecord<K, V>, Control> plainSource(
      ConsumerSettings<K, V> settings, ManualSubscription subscription, PartitionAccess access) {
    Executor executor = settings.runnel().system().executionContext();
    ConsumerMetricsCounter metrics = new ConsumerMetricsCounter();
    List<TopicPartition> partitions =
        subscription.partitions().stream()
            .sorted((a, b) -> a.toString().compareTo(b.toString()))
            .toList();
    Source<List<ConsumerRecord<K, V>>, ?> batches =
        partitions.size() == 1
            ? PartitionReader.source(settings, partitions.get(0), subscription, metrics, access)
            : Source.from(partitions)
                .flatMapMerge(
                    partitions.size(),
                    tp -> PartitionReader.source(settings, tp, subscription, metrics, access));
    return batches
        .mapConcat(records -> emitted(records, metrics))
        .viaMat(KillSwitches.single(), Keep.right())
        .watchTermination(
            (killSwitch, terminated) ->
                new StreamControl(killSwitch, terminated, metrics, executor));
  }

  /**
   * The records of a consumer group's share of the subscribed topics, as Alpakka Kafka's {@code
   * Consumer.plainSource} with a group: the stream joins the group {@code group.id} with the
   * assignor {@code partition.assignment.strategy}, reads each partition it is assigned from the
   * group's committed offset (or where {@code auto.offset.reset} says, if there is none), and
   * follows rebalances. With {@code enable.auto.commit} (the default) it commits the offset after
   * the last record taken downstream every {@code auto.commit.interval.ms}, when a partition is
   * revoked and at {@link Control#shutdown}: records taken but not processed when the consumer
   * fails are lost to the group, so use {@link #committableSource} for at-least-once processing.
   *
   * @throws dev.runnel.actors.error.RunnelException with {@code INVALID_GROUP_ID} when {@code
   *     group.id} is empty or breaks the naming rules
   */
  public static <K, V> Source<ConsumerRecord<K, V>, Control> plainSource(
      ConsumerSettings<K, V> settings, AutoSubscription subscription) {
    return GroupSources.plain(settings, subscription, GroupSources.coordinators(settings));
  }

  /**
   * The records of a consumer group's share of the subscribed topics, each with the offset to
   * commit once it is processed (through a {@link Committer}), as Alpakka Kafka's {@code
   * Consumer.committableSource}: at-least-once processing. The stream joins the group {@code
   * group.id}, reads each assigned partition from the group's committed offset (or where {@code
   * auto.offset.reset} says, if there is none) and follows rebalances: a revoked partition's
   * records stop, a newly assigned one's start; with the {@code cooperative-sticky} assignor the
   * partitions a member keeps are read on without a pause. The stream commits nothing by itself.
   *
   * @throws dev.runnel.actors.error.RunnelException with {@code INVALID_GROUP_ID} when {@code
   *     group.id} is empty or breaks the naming rules
   */
  public static <K, V> Source<CommittableMessage<K, V>, Control> committableSource(
      ConsumerSettings<K, V> settings, AutoSubscription subscription) {
    return GroupSources.committable(settings, subscription, GroupSources.coordinators(settings));
  }

  /**
   * As {@link #committableSource}, but each assigned partition as a source of its own, emitted when
   * the partition is assigned and completed when it is revoked, as Alpakka Kafka's {@code
   * Consumer.committablePartitionedSource}: for processing partitions in parallel, each in order. A
   * partition assigned again later comes again, as a new source, from the group's committed offset.
   *
   * @throws dev.runnel.actors.error.RunnelException with {@code INVALID_GROUP_ID} when {@code
   *     group.id} is empty or breaks the naming rules
   */
  public static <K, V>
      Source<Pair<TopicPartition, Source<CommittableMessage<K, V>, NotUsed>>, Control>
          committablePartitionedSource(
              ConsumerSettings<K, V> settings, AutoSubscription subscription) {
    return committablePartitionedSource(settings, subscription, RebalanceListener.NONE);
  }

  /**
   * As {@link #committablePartitionedSource(ConsumerSettings, AutoSubscription)}, telling {@code
   * listener} what the stream's member holds after each assignment and revocation (for clients that
   * commit by member id and generation themselves, as the gRPC API's group streams do).
   */
  public static <K, V>
      Source<Pair<TopicPartition, Source<CommittableMessage<K, V>, NotUsed>>, Control>
          committablePartitionedSource(
              ConsumerSettings<K, V> settings,
              AutoSubscription subscription,
              RebalanceListener listener) {
    return GroupSources.partitioned(
        settings, subscription, listener, GroupSources.coordinators(settings));
  }

  /**
   * A {@link Publisher} of the records: each subscriber gets a consumer stream of its own, from the
   * subscription's start offsets, that ends when it cancels. The publisher is cold and may be
   * subscribed to more than once.
   */
  public static <K, V> Publisher<ConsumerRecord<K, V>> publisher(
      ConsumerSettings<K, V> settings, ManualSubscription subscription) {
    return new SourcePublisher<>(
        plainSource(settings, subscription),
        SystemMaterializer.get(settings.runnel().system()).materializer());
  }

  /** {@link #publisher} as a {@link java.util.concurrent.Flow.Publisher}. */
  public static <K, V> java.util.concurrent.Flow.Publisher<ConsumerRecord<K, V>> flowPublisher(
      ConsumerSettings<K, V> settings, ManualSubscription subscription) {
    return FlowAdapters.toFlowPublisher(publisher(settings, subscription));
  }

  /**
   * One batch's records as the flattening stage hands them downstream: it takes each with {@link
   * Iterator#next} as it pushes it, so counting there counts the records passed downstream.
   */
  static <T> Iterable<T> emitted(List<T> records, ConsumerMetricsCounter metrics) {
    return new Emitted<>(records, metrics);
  }

  private record Emitted<T>(List<T> records, ConsumerMetricsCounter metrics)
      implements Iterable<T> {
    @Override
    public Iterator<T> iterator() {
      return new Iterator<>() {
        private int index;

        @Override
        public boolean hasNext() {
          return index < records.size();
        }

        @Override
        public T next() {
          if (index >= records.size()) {
            throw new NoSuchElementException();
          }
          metrics.recordEmitted();
          return records.get(index++);
        }
      };
    }
  }

  private static final class StreamControl implements Control {
    private final UniqueKillSwitch killSwitch;
    private final CompletionStage<Done> shutdown;
    private final ConsumerMetricsCounter metrics;

    StreamControl(
        UniqueKillSwitch killSwitch,
        CompletionStage<Done> terminated,
        ConsumerMetricsCounter metrics,
        Executor executor) {
      this.killSwitch = killSwitch;
      this.metrics = metrics;
      CompletableFuture<Done> ended = new CompletableFuture<>();
      terminated.whenCompleteAsync((done, failure) -> ended.complete(Done.getInstance()), executor);
      this.shutdown = ended;
    }

    @Override
    public CompletionStage<Done> stop() {
      killSwitch.shutdown();
      return shutdown;
    }

    @Override
    public CompletionStage<Done> shutdown() {
      return stop();
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
}
