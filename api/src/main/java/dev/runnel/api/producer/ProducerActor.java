package dev.runnel.api.producer;

import akka.Done;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import dev.runnel.actors.Pipe;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.AppendReply;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.api.internal.Completions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The actor behind a {@link RunnelProducer}: it owns the delivery of the producer's batches, so
 * that all of that state is touched by one thread at a time. The sending threads put records into
 * the {@link RecordAccumulator} themselves (through the {@link RecordRouter}) and tell this actor
 * {@link BatchesWaiting} when a batch opened or filled up; it takes the ready batches from there
 * and lets each partition's {@link PartitionSender} append them to the partition entity and see
 * them through. It completes the records' stages on the system's executor, never on its own thread,
 * so that an application's callbacks cannot hold it up.
 *
 * <p>Records for a topic with no metadata here come here one by one ({@link Enqueue}) and wait, in
 * order, until the metadata arrives (or {@code max.block.ms} passes), so that a topic's records
 * keep the order they were sent in. With {@code runnel.auto-create-topics} on, the first such
 * record creates the topic.
 */
final class ProducerActor extends AbstractBehavior<ProducerActor.Command> {

  /** What the actor is told. */
  sealed interface Command {}

  /**
   * A serialized record of a topic the sending thread could not route (see {@link
   * RecordRouter#routable}); announced with {@link RecordRouter#handedOver}, put into the hand-over
   * queue and followed by {@link HandedOver}.
   *
   * @param partition the record's partition, or null to choose by key or stickily
   */
  record Enqueue(String topic, Integer partition, ProducerBatch.Entry entry) {}

  /**
   * Records wait in the hand-over queue. A queue rather than a message per record, so that a record
   * handed over as the actor stops is failed by whichever side comes last, never lost in dead
   * letters ({@link #failHandedOver}).
   */
  enum HandedOver implements Command {
    INSTANCE
  }

  /**
   * A sending thread opened or filled a batch: the ready ones go out, and the linger of new ones is
   * timed. Sent when {@code wakeupPending} turns true, so that one is on its way at a time.
   */
  enum BatchesWaiting implements Command {
    INSTANCE
  }

  /** Sends every waiting batch now and completes {@code done} when all records before it did. */
  record Flush(CompletableFuture<Done> done) implements Command {}

  /** Flushes, then stops; {@code done} completes once stopped. */
  record Close(CompletableFuture<Done> done) implements Command {}

  private enum Wakeup implements Command {
    INSTANCE
  }

  private record Stop(CompletableFuture<Done> done) implements Command {}

  private record AppendAnswered(ProducerBatch batch, AppendReply reply, Throwable failure)
      implements Command {}

  private record ProducerIdAnswered(TopicPartition partition, Long producerId, Throwable failure)
      implements Command {}

  private record RetryProducerId(TopicPartition partition) implements Command {}

  private record TopicAwaited(String topic, TopicMetadata metadata, Throwable failure)
      implements Command {}

  private static final Object WAKEUP_KEY = "wakeup";

  private final ProducerAccess access;
  private final TimerScheduler<Command> timers;
  private final RecordAccumulator accumulator;
  private final RecordRouter router;
  private final RecordOutcomes outcomes;
  private final AtomicBoolean stopped;
  private final AtomicBoolean wakeupPending;
  private final Queue<Enqueue> handedOver;
  private final Executor executor;
  private final boolean idempotent;
  private final int maxInFlight;
  private final long deliveryTimeoutNanos;
  private final long retryBackoffNanos;
  private final Duration requestTimeout;
  private final Duration retryBackoff;
  private final Duration maxBlock;
  private final ProducerSettings<?, ?> settings;
  private final Map<TopicPartition, PartitionSender> senders = new HashMap<>();
  private final Map<String, ArrayDeque<Enqueue>> waitingForTopic = new HashMap<>();
  private long scheduledWakeup = Long.MAX_VALUE;
  private boolean flushWaitingForTopics;
  private RunnelException fatal;

  private ProducerActor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ProducerSettings<?, ?> settings,
      ProducerAccess access,
      RecordAccumulator accumulator,
      RecordRouter router,
      RecordOutcomes outcomes,
      AtomicBoolean stopped,
      AtomicBoolean wakeupPending,
      Queue<Enqueue> handedOver) {
    super(context);
    this.handedOver = handedOver;
    this.stopped = stopped;
    this.wakeupPending = wakeupPending;
    this.access = access;
    this.timers = timers;
    this.accumulator = accumulator;
    this.router = router;
    this.outcomes = outcomes;
    this.settings = settings;
    this.executor = context.getSystem().executionContext();
    this.idempotent = settings.enableIdempotence();
    this.maxInFlight = settings.maxInFlight();
    this.deliveryTimeoutNanos = settings.deliveryTimeout().toNanos();
    this.retryBackoffNanos = settings.retryBackoff().toNanos();
    this.requestTimeout = settings.requestTimeout();
    this.retryBackoff = settings.retryBackoff();
    this.maxBlock = settings.maxBlock();
  }

  /**
   * The behavior of a producer's actor.
   *
   * @param accumulator where the sending threads put records
   * @param stopped set once the actor stopped, so that sends from then on fail at once instead of
   *     going to dead letters
   * @param wakeupPending true while a {@link BatchesWaiting} is on its way; cleared on receipt
   * @param handedOver where sending threads put the records they cannot route ({@link Enqueue})
   */
  static Behavior<Command> create(
      ProducerSettings<?, ?> settings,
      ProducerAccess access,
      RecordAccumulator accumulator,
      RecordRouter router,
      RecordOutcomes outcomes,
      AtomicBoolean stopped,
      AtomicBoolean wakeupPending,
      Queue<Enqueue> handedOver) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new ProducerActor(
                        context,
                        timers,
                        settings,
                        access,
                        accumulator,
                        router,
                        outcomes,
                        stopped,
                        wakeupPending,
                        handedOver)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(BatchesWaiting.INSTANCE, this::onBatchesWaiting)
        .onMessageEquals(HandedOver.INSTANCE, this::onHandedOver)
        .onMessage(TopicAwaited.class, this::onTopicAwaited)
        .onMessageEquals(Wakeup.INSTANCE, this::onWakeup)
        .onMessage(AppendAnswered.class, this::onAppendAnswered)
        .onMessage(ProducerIdAnswered.class, this::onProducerIdAnswered)
        .onMessage(RetryProducerId.class, this::onRetryProducerId)
        .onMessage(Flush.class, this::onFlush)
        .onMessage(Close.class, this::onClose)
        .onMessage(Stop.class, this::onStop)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  // ------------------------------------------------------------------ routing

  private Behavior<Command> onHandedOver() {
    takeHandedOver();
    return this;
  }

  /** Takes the records waiting in the hand-over queue, in the order they were handed over. */
  private void takeHandedOver() {
    for (Enqueue enqueue = handedOver.poll(); enqueue != null; enqueue = handedOver.poll()) {
      enqueue(enqueue);
    }
  }

  private void enqueue(Enqueue enqueue) {
    if (fatal != null) {
      failEnqueued(enqueue, fatal);
      return;
    }
    ArrayDeque<Enqueue> waiting = waitingForTopic.get(enqueue.topic());
    if (waiting != null) {
      waiting.addLast(enqueue);
      return;
    }
    Optional<TopicMetadata> metadata = access.topic(enqueue.topic());
    if (metadata.isPresent()) {
      route(enqueue, metadata.get());
      sendReady();
    } else {
      waiting = new ArrayDeque<>();
      waiting.addLast(enqueue);
      waitingForTopic.put(enqueue.topic(), waiting);
      awaitTopic(enqueue.topic());
    }
  }

  private void awaitTopic(String topic) {
    Pipe.toSelf(
        getContext(),
        access.awaitTopic(topic, maxBlock),
        (metadata, failure) -> new TopicAwaited(topic, metadata, failure));
  }

  private Behavior<Command> onTopicAwaited(TopicAwaited awaited) {
    ArrayDeque<Enqueue> waiting = waitingForTopic.remove(awaited.topic());
    if (awaited.failure() != null) {
      RunnelException error =
          Completions.toRunnelException(
              awaited.failure(),
              "request=metadata, topic=" + awaited.topic() + ", maxBlockMs=" + maxBlock.toMillis());
      waiting.forEach(enqueue -> failEnqueued(enqueue, error));
    } else {
      waiting.forEach(enqueue -> route(enqueue, awaited.metadata()));
      if (flushWaitingForTopics) {
        // A flush came while these records waited: it waits for them, so they must not linger.
        accumulator.closeAll();
        flushWaitingForTopics = !waitingForTopic.isEmpty();
      }
      sendReady();
    }
    return this;
  }

  private void route(Enqueue enqueue, TopicMetadata topic) {
    try {
      router.route(topic, enqueue.partition(), enqueue.entry());
    } catch (RunnelException refused) {
      outcomes.failed(enqueue.entry(), refused);
    }
    router.takenBack(enqueue.topic());
  }

  private void failEnqueued(Enqueue enqueue, RunnelException error) {
    fail(enqueue, outcomes, router, error);
  }

  private static void fail(
      Enqueue enqueue, RecordOutcomes outcomes, RecordRouter router, RunnelException error) {
    outcomes.failed(enqueue.entry(), error);
    router.takenBack(enqueue.topic());
  }

  /**
   * Fails every record in the hand-over queue: what the actor's {@link PostStop} does, and what a
   * sending thread does when it finds the actor stopped after it put a record in. Each record is
   * taken from the queue once, so it fails once, whoever takes it.
   */
  static void failHandedOver(
      Queue<Enqueue> handedOver, RecordOutcomes outcomes, RecordRouter router) {
    for (Enqueue enqueue = handedOver.poll(); enqueue != null; enqueue = handedOver.poll()) {
      fail(
          enqueue,
          outcomes,
          router,
          new RunnelException(
              ErrorCode.NOT_AVAILABLE, "Producer stopped: topic=" + enqueue.topic()));
    }
  }

  private Behavior<Command> onBatchesWaiting() {
    wakeupPending.set(false);
    if (fatal != null) {
      accumulator.drainAll().forEach(batch -> outcomes.failed(batch, fatal));
      return this;
    }
    sendReady();
    return this;
  }

  /** Sends what may go now and times the wake-up for what waits. */
  private void sendReady() {
    long now = System.nanoTime();
    drainAll(now);
    scheduleWakeup(now);
  }

  // ------------------------------------------------------------------ sending

  private void drainAll(long now) {
    for (TopicPartition tp : accumulator.partitions()) {
      drain(tp, now);
    }
  }

  private void drain(TopicPartition tp, long now) {
    PartitionSender sender = senders.computeIfAbsent(tp, this::newSender);
    sender.drain(now, accumulator, this::send);
    if (sender.needsProducerId()) {
      sender.producerIdRequested();
      requestProducerId(tp);
    }
  }

  private PartitionSender newSender(TopicPartition tp) {
    return new PartitionSender(
        tp,
        idempotent,
        maxInFlight,
        deliveryTimeoutNanos,
        retryBackoffNanos,
        settings.compression(),
        outcomes);
  }

  private void send(ProducerBatch batch) {
    TopicPartition tp = batch.partition();
    router.batchSent(tp);
    CompletionStage<AppendReply> reply = access.append(batch, requestTimeout);
    Pipe.toSelf(
        getContext(), reply, (answer, failure) -> new AppendAnswered(batch, answer, failure));
  }

  private Behavior<Command> onAppendAnswered(AppendAnswered answered) {
    ProducerBatch batch = answered.batch();
    TopicPartition tp = batch.partition();
    PartitionSender sender = senders.get(tp);
    long now = System.nanoTime();
    if (answered.failure() != null) {
      RunnelException error =
          Completions.toRunnelException(
              answered.failure(),
              "request=append, topicPartition="
                  + tp
                  + ", records="
                  + batch.recordCount()
                  + ", requestTimeoutMs="
                  + requestTimeout.toMillis());
      sender.onFailure(batch, error.code(), error.detail(), now);
    } else if (answered.reply() instanceof AppendReply.Appended appended) {
      sender.onSuccess(batch, appended.baseOffset(), appended.logAppendTime());
    } else {
      AppendReply.AppendFailed failed = (AppendReply.AppendFailed) answered.reply();
      sender.onFailure(batch, failed.code(), failed.message(), now);
    }
    if (sender.fatalError() != null && fatal == null) {
      fenced(sender.fatalError());
      return this;
    }
    drain(tp, now);
    // An answer changes only this partition's deadlines: its retry time, and the linger of a batch
    // that waited behind a full in-flight window and is now the next to go (no wake-up was timed
    // for it while it was not the oldest). Looking at this partition alone keeps the actor off the
    // other partitions' locks, which the sending threads contend for.
    long next = Math.min(sender.nextRetryNanos(), accumulator.lingerDeadline(tp, now));
    if (next < scheduledWakeup) {
      scheduleWakeupAt(next, now);
    }
    return this;
  }

  /** A producer id was fenced: nothing this producer sends can succeed any more. */
  private void fenced(RunnelException error) {
    fatal = error;
    router.refuseAll(error);
    senders.values().forEach(sender -> sender.failAll(error));
    accumulator.drainAll().forEach(batch -> outcomes.failed(batch, error));
    waitingForTopic.values().forEach(queue -> queue.forEach(e -> failEnqueued(e, error)));
    waitingForTopic.clear();
  }

  private void requestProducerId(TopicPartition tp) {
    Pipe.toSelf(
        getContext(),
        access.allocateProducerId(requestTimeout),
        (id, failure) -> new ProducerIdAnswered(tp, id, failure));
  }

  private Behavior<Command> onProducerIdAnswered(ProducerIdAnswered answered) {
    TopicPartition tp = answered.partition();
    if (answered.failure() != null) {
      getContext()
          .getLog()
          .warn(
              "Producer id allocation failed, retrying: topicPartition={}, retryBackoffMs={}",
              tp,
              retryBackoff.toMillis(),
              answered.failure());
      timers.startSingleTimer(new RetryProducerId(tp), retryBackoff);
      return this;
    }
    senders.get(tp).producerIdAssigned(answered.producerId());
    long now = System.nanoTime();
    drain(tp, now);
    scheduleWakeup(now);
    return this;
  }

  private Behavior<Command> onRetryProducerId(RetryProducerId retry) {
    requestProducerId(retry.partition());
    return this;
  }

  // ------------------------------------------------------------------ time

  private Behavior<Command> onWakeup() {
    scheduledWakeup = Long.MAX_VALUE;
    long now = System.nanoTime();
    for (ProducerBatch expired : accumulator.expire(now, deliveryTimeoutNanos)) {
      outcomes.failed(
          expired,
          new RunnelException(
              ErrorCode.REQUEST_TIMED_OUT,
              "Delivery timed out before sending: topicPartition="
                  + expired.partition()
                  + ", records="
                  + expired.recordCount()
                  + ", deliveryTimeoutMs="
                  + TimeUnit.NANOSECONDS.toMillis(deliveryTimeoutNanos)));
    }
    drainAll(now);
    scheduleWakeup(now);
    return this;
  }

  /** Schedules the next wake-up for whatever waits for time: linger, retry backoff, expiry. */
  private void scheduleWakeup(long now) {
    long next = accumulator.nextLingerDeadline(now);
    long oldest = accumulator.oldestCreatedNanos();
    if (oldest != Long.MAX_VALUE) {
      next = Math.min(next, oldest + deliveryTimeoutNanos);
    }
    for (PartitionSender sender : senders.values()) {
      next = Math.min(next, sender.nextRetryNanos());
    }
    if (next < scheduledWakeup) {
      scheduleWakeupAt(next, now);
    }
  }

  private void scheduleWakeupAt(long at, long now) {
    scheduledWakeup = at;
    timers.startSingleTimer(WAKEUP_KEY, Wakeup.INSTANCE, Duration.ofNanos(Math.max(0, at - now)));
  }

  // ------------------------------------------------------------------ flush and close

  private Behavior<Command> onFlush(Flush flush) {
    flushInto(flush.done());
    return this;
  }

  private void flushInto(CompletableFuture<Done> done) {
    takeHandedOver();
    accumulator.closeAll();
    flushWaitingForTopics = !waitingForTopic.isEmpty();
    long now = System.nanoTime();
    drainAll(now);
    List<CompletableFuture<RecordMetadata>> pending = accumulator.results();
    senders.values().forEach(s -> s.unresolved().forEach(batch -> collectResults(batch, pending)));
    waitingForTopic.values().forEach(queue -> queue.forEach(e -> pending.add(e.entry().result())));
    CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
        .whenCompleteAsync((ignored, failure) -> done.complete(Done.getInstance()), executor);
    scheduleWakeup(now);
  }

  private static void collectResults(
      ProducerBatch batch, List<CompletableFuture<RecordMetadata>> results) {
    batch.entries().forEach(entry -> results.add(entry.result()));
  }

  private Behavior<Command> onClose(Close close) {
    CompletableFuture<Done> flushed = new CompletableFuture<>();
    flushInto(flushed);
    Pipe.toSelf(getContext(), flushed, (done, failure) -> new Stop(close.done()));
    return this;
  }

  private Behavior<Command> onStop(Stop stop) {
    outcomes.onExecutor(() -> stop.done().complete(Done.getInstance()));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    stopped.set(true);
    access.close();
    RunnelException stopped =
        new RunnelException(ErrorCode.NOT_AVAILABLE, "Producer stopped: " + getContext().getSelf());
    senders.values().forEach(sender -> sender.failAll(stopped));
    accumulator.drainAll().forEach(batch -> outcomes.failed(batch, stopped));
    waitingForTopic.values().forEach(queue -> queue.forEach(e -> failEnqueued(e, stopped)));
    waitingForTopic.clear();
    failHandedOver(handedOver, outcomes, router);
    return this;
  }
}
