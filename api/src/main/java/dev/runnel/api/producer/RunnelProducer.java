package dev.runnel.api.producer;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.api.internal.Completions;
import dev.runnel.persistence.record.Header;
import dev.runnel.persistence.record.RecordBatchCodec;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A producer of records, Runnel's counterpart of Kafka's {@code KafkaProducer}: {@link #send} hands
 * a record over and returns a stage that completes with where it was stored. Records are collected
 * per partition into batches ({@code batch.size}, {@code linger.ms}) and appended with the
 * acknowledgement {@code acks} asks for; with {@code enable.idempotence} (the default) each batch
 * carries the producer's id and sequence numbers, so retries after a lost answer write it once, in
 * order.
 *
 * <p>The same producer works embedded and remote: embedded, batches go to the partitions of the
 * node in this JVM; remote, through one {@code ProduceStream} call to the server, which appends
 * them in the order sent. A remote producer rides through a server restart: the batches the broken
 * call left unanswered are sent again once the server is back (within {@code delivery.timeout.ms}),
 * and the server's sequence check writes each once.
 *
 * <p>{@code send} never blocks and never waits for memory. It serializes the record on the calling
 * thread and, when the topic's metadata is at hand, puts it into its partition's open batch there
 * too, as Kafka's producer does; an actor sends the batches. It fails the returned stage at once
 * with:
 *
 * <ul>
 *   <li>{@code INVALID_RECORD} when a serializer throws (the exception is the cause);
 *   <li>{@code RECORD_TOO_LARGE} when the record is larger than {@code max.request.size}, or (once
 *       the topic is known) than the topic's {@code max.message.bytes};
 *   <li>{@code BUFFER_EXHAUSTED} when the record does not fit in what is left of {@code
 *       buffer.memory}: the bound on what a producer holds. Retry later, or send through {@link
 *       Producer#plainSink} or {@link Producer#flow}, which wait for room instead;
 *   <li>{@code NOT_AVAILABLE} after {@link #close}.
 * </ul>
 *
 * Later it fails with {@code UNKNOWN_TOPIC_OR_PARTITION} when the topic does not appear within
 * {@code max.block.ms}, {@code REQUEST_TIMED_OUT} when {@code delivery.timeout.ms} passes before
 * the record is appended, or the partition's refusal ({@code RECORD_TOO_LARGE}, {@code
 * OUT_OF_ORDER_SEQUENCE_NUMBER}, {@code PRODUCER_FENCED}, ...).
 *
 * <p>Records sent from one thread to one partition are appended in the order sent. Every stage
 * completes on the actor system's executor. Thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RunnelProducer<K, V> {

  private final ProducerSettings<K, V> settings;
  private final ActorRef<ProducerActor.Command> actor;
  private final BufferPool pool;
  private final RecordAccumulator accumulator;
  private final RecordRouter router;
  private final RecordOutcomes outcomes;
  private final Executor executor;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Done> stopped = new CompletableFuture<>();
  private final AtomicBoolean actorStopped = new AtomicBoolean();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final Queue<ProducerActor.Enqueue> handedOver = new ConcurrentLinkedQueue<>();

  private RunnelProducer(ProducerSettings<K, V> settings, ProducerAccess access) {
    this.settings = settings;
    this.pool = new BufferPool(settings.bufferMemory());
    // A batch never grows past max.request.size: the codec refuses what is larger.
    this.accumulator =
        new RecordAccumulator(
            Math.min(settings.batchSize(), settings.maxRequestSize()),
            settings.linger().toNanos(),
            new RecordBatchCodec(settings.maxRequestSize()));
    this.router = new RecordRouter(access, accumulator);
    ActorSystem<Void> system = settings.runnel().system();
    this.executor = system.executionContext();
    this.outcomes = new RecordOutcomes(access, pool, executor);
    this.actor =
        system.systemActorOf(
            ProducerActor.create(
                settings,
                access,
                accumulator,
                router,
                outcomes,
                actorStopped,
                wakeupPending,
                handedOver),
            "runnel-producer-" + UUID.randomUUID(),
            Props.empty());
  }

  /** Starts a producer on the settings' node; {@code runnel.producer(settings)} does the same. */
  public static <K, V> RunnelProducer<K, V> create(ProducerSettings<K, V> settings) {
    return create(settings, ProducerAccess.of(settings));
  }

  /** A producer that reaches the cluster through {@code access}. */
  static <K, V> RunnelProducer<K, V> create(
      ProducerSettings<K, V> settings, ProducerAccess access) {
    return new RunnelProducer<>(settings, access);
  }

  /**
   * Sends a record; the stage completes with its metadata once the partition acknowledged it as
   * {@code acks} asks, or fails with a {@link RunnelException} (see the class description).
   */
  public CompletionStage<RecordMetadata> send(ProducerRecord<K, V> record) {
    return send(record, false);
  }

  /**
   * Sends a record once it fits in {@code buffer.memory}, instead of failing with {@code
   * BUFFER_EXHAUSTED}: for the streams, whose parallelism bounds how many records wait.
   */
  CompletionStage<RecordMetadata> sendWhenRoom(ProducerRecord<K, V> record) {
    return send(record, true);
  }

  private CompletionStage<RecordMetadata> send(ProducerRecord<K, V> record, boolean waitForRoom) {
    Objects.requireNonNull(record, "record");
    String topic = record.topic();
    if (closed.get() || actorStopped.get()) {
      return Completions.failed(
          new RunnelException(
              ErrorCode.NOT_AVAILABLE,
              "Producer closed: topic=" + topic + ", nodeStopped=" + actorStopped.get()),
          executor);
    }
    byte[] key;
    byte[] value;
    try {
      key = settings.keySerializer().serialize(topic, record.headers(), record.key());
      value = settings.valueSerializer().serialize(topic, record.headers(), record.value());
    } catch (RuntimeException e) {
      return Completions.failed(
          new RunnelException(
              ErrorCode.INVALID_RECORD,
              "Cannot serialize record: topic=" + topic + ", reason=" + e.getMessage(),
              e),
          executor);
    }
    List<Header> headers = record.headers().asList();
    long recordBytes = RecordSizes.record(key, value, headers);
    if (recordBytes + RecordSizes.BATCH_OVERHEAD > settings.maxRequestSize()) {
      return Completions.failed(
          new RunnelException(
              ErrorCode.RECORD_TOO_LARGE,
              "Record too large: topic="
                  + topic
                  + ", recordBytes="
                  + (recordBytes + RecordSizes.BATCH_OVERHEAD)
                  + ", max.request.size="
                  + settings.maxRequestSize()),
          executor);
    }
    long timestamp = record.timestamp() != null ? record.timestamp() : System.currentTimeMillis();
    CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
    Integer partition = record.partition();
    ProducerBatch.Entry entry =
        new ProducerBatch.Entry(timestamp, key, value, headers, (int) recordBytes, result);
    if (waitForRoom) {
      pool.reserve(recordBytes, () -> handOver(topic, partition, entry));
    } else if (pool.tryReserve(recordBytes)) {
      handOver(topic, partition, entry);
    } else {
      return Completions.failed(
          new RunnelException(
              ErrorCode.BUFFER_EXHAUSTED,
              "Producer buffer full: topic="
                  + topic
                  + ", recordBytes="
                  + recordBytes
                  + ", buffer.memory="
                  + pool.capacity()
                  + ", used="
                  + pool.used()),
          executor);
    }
    return result;
  }

  /**
   * Puts a record that has its room in {@code buffer.memory} into its partition's open batch, or
   * hands it to the actor when this thread cannot route it.
   */
  private void handOver(String topic, Integer partition, ProducerBatch.Entry entry) {
    TopicMetadata metadata = router.routable(topic);
    if (metadata == null) {
      router.handedOver(topic);
      handedOver.add(new ProducerActor.Enqueue(topic, partition, entry));
      if (actorStopped.get()) {
        // The actor stopped before it could take the record: nothing else fails it now.
        ProducerActor.failHandedOver(handedOver, outcomes, router);
      } else {
        actor.tell(ProducerActor.HandedOver.INSTANCE);
      }
      return;
    }
    RecordAccumulator.Appended appended;
    try {
      appended = router.route(metadata, partition, entry);
    } catch (RunnelException refused) {
      outcomes.failed(entry, refused);
      return;
    }
    if (actorStopped.get()) {
      // The actor stopped while this record went in, maybe after it failed what it found.
      RunnelException error =
          new RunnelException(ErrorCode.NOT_AVAILABLE, "Producer stopped: topic=" + topic);
      accumulator.drainAll().forEach(batch -> outcomes.failed(batch, error));
    } else if (appended.wakesSender() && wakeupPending.compareAndSet(false, true)) {
      actor.tell(ProducerActor.BatchesWaiting.INSTANCE);
    }
  }

  /**
   * Sends every waiting batch without waiting for {@code linger.ms}; completes when every record
   * sent before the call has succeeded or failed.
   */
  public CompletionStage<Done> flush() {
    CompletableFuture<Done> done = new CompletableFuture<>();
    actor.tell(new ProducerActor.Flush(done));
    return done;
  }

  /**
   * Refuses further sends, flushes, and stops the producer; completes when it is stopped. Records
   * still unanswered then fail with {@code NOT_AVAILABLE}.
   */
  public CompletionStage<Done> close() {
    if (closed.compareAndSet(false, true)) {
      actor.tell(new ProducerActor.Close(stopped));
    }
    return stopped;
  }

  /** The settings this producer was created with. */
  public ProducerSettings<K, V> settings() {
    return settings;
  }

  /** The bytes of records held now, out of {@code buffer.memory}. */
  public long bufferedBytes() {
    return pool.used();
  }
}
