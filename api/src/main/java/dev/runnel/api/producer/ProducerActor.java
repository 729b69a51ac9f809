package dev.runnel.api.producer;

import akka.Done;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import dev.runnel.actors.Pipe;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.Acks;
import dev.runnel.actors.partition.AppendReply;
import dev.runnel.actors.partition.PartitionCommand.Append;
import dev.runnel.actors.topic.ProducerIdAllocated;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.actors.topic.TopicRegistryCommand.AllocateProducerId;
import dev.runnel.actors.topic.TopicRegistryCommand.CreateTopic;
import dev.runnel.actors.topic.TopicReply;
import dev.runnel.api.internal.Completions;
import dev.runnel.persistence.record.RecordBatchCodec;
import dev.runnel.persistence.record.TimestampType;
import dev.runnel.sharding.Partitioner;
import dev.runnel.sharding.RunnelNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The actor behind a {@link RunnelProducer}: it owns the producer's batches and their delivery, so
 * that all of that state is touched by one thread at a time. {@code send} hands it serialized
 * records; it routes each to a partition, collects them in the {@link RecordAccumulator}, and lets
 * each partition's {@link PartitionSender} append the batches to the partition entity and see them
 * through. It completes the records' stages on the system's executor, never on its own thread, so
 * that an application's callbacks cannot hold it up.
 *
 * <p>Records for a topic this node has no metadata for wait here, in order, until the metadata
 * arrives (or {@code max.block.ms} passes), so that a topic's records keep the order they were sent
 * in. With {@code runnel.auto-create-topics} on, the first such record creates the topic.
 */
final class ProducerActor extends AbstractBehavior<ProducerActor.Command> {

  /** What the actor is told. */
  sealed interface Command {}

  /**
   * A serialized record to route and send.
   *
   * @param partition the record's partition, or null to choose by key or stickily
   */
  record Enqueue(String topic, Integer partition, ProducerBatch.Entry entry) implements Command {}

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

  private record ProducerIdAnswered(
      TopicPartition partition, ProducerIdAllocated allocated, Throwable failure)
      implements Command {}

  private record RetryProducerId(TopicPartition partition) implements Command {}

  private record TopicAwaited(String topic, TopicMetadata metadata, Throwable failure)
      implements Command {}

  private static final Object WAKEUP_KEY = "wakeup";

  private final RunnelNode node;
  private final TimerScheduler<Command> timers;
  private final BufferPool pool;
  private final AtomicBoolean stopped;
  private final Executor executor;
  private final Acks acks;
  private final boolean idempotent;
  private final boolean autoCreateTopics;
  private final int maxInFlight;
  private final long lingerNanos;
  private final long deliveryTimeoutNanos;
  private final long retryBackoffNanos;
  private final Duration requestTimeout;
  private final Duration retryBackoff;
  private final Duration maxBlock;
  private final ProducerSettings<?, ?> settings;
  private final RecordBatchCodec codec;
  private final RecordAccumulator accumulator;
  private final Map<TopicPartition, PartitionSender> senders = new HashMap<>();
  private final Map<String, Integer> stickyPartitions = new HashMap<>();
  private final Map<String, ArrayDeque<Enqueue>> waitingForTopic = new HashMap<>();
  private final PartitionSender.Outcomes outcomes = new Outcomes();
  private long scheduledWakeup = Long.MAX_VALUE;
  private RunnelException fatal;

  private ProducerActor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ProducerSettings<?, ?> settings,
      BufferPool pool,
      AtomicBoolean stopped) {
    super(context);
    this.stopped = stopped;
    this.node = settings.runnel().node();
    this.timers = timers;
    this.pool = pool;
    this.settings = settings;
    this.executor = context.getSystem().executionContext();
    this.acks = settings.acks();
    this.idempotent = settings.enableIdempotence();
    this.autoCreateTopics =
        context.getSystem().settings().config().getBoolean("runnel.auto-create-topics");
    this.maxInFlight = settings.maxInFlight();
    this.lingerNanos = settings.linger().toNanos();
    this.deliveryTimeoutNanos = settings.deliveryTimeout().toNanos();
    this.retryBackoffNanos = settings.retryBackoff().toNanos();
    this.requestTimeout = settings.requestTimeout();
    this.retryBackoff = settings.retryBackoff();
    this.maxBlock = settings.maxBlock();
    this.codec = new RecordBatchCodec(settings.maxRequestSize());
    this.accumulator = new RecordAccumulator(settings.batchSize(), lingerNanos);
  }

  /**
   * The behavior of a producer's actor.
   *
   * @param stopped set once the actor stopped, so that sends from then on fail at once instead of
   *     going to dead letters
   */
  static Behavior<Command> create(
      ProducerSettings<?, ?> settings, BufferPool pool, AtomicBoolean stopped) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new ProducerActor(context, timers, settings, pool, stopped)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Enqueue.class, this::onEnqueue)
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

  private Behavior<Command> onEnqueue(Enqueue enqueue) {
    if (fatal != null) {
      failEntry(enqueue.entry(), fatal);
      return this;
    }
    ArrayDeque<Enqueue> waiting = waitingForTopic.get(enqueue.topic());
    if (waiting != null) {
      waiting.addLast(enqueue);
      return this;
    }
    Optional<TopicMetadata> metadata = node.topics().topic(enqueue.topic());
    if (metadata.isPresent()) {
      route(enqueue, metadata.get());
    } else {
      waiting = new ArrayDeque<>();
      waiting.addLast(enqueue);
      waitingForTopic.put(enqueue.topic(), waiting);
      awaitTopic(enqueue.topic());
    }
    return this;
  }

  private void awaitTopic(String topic) {
    CompletionStage<TopicMetadata> known;
    if (autoCreateTopics) {
      CompletionStage<TopicReply> created =
          AskPattern.ask(
              node.topicRegistry(),
              replyTo -> new CreateTopic(topic, -1, Map.of(), replyTo),
              requestTimeout,
              getContext().getSystem().scheduler());
      known =
          created.thenCompose(
              reply -> {
                if (reply instanceof TopicReply.TopicFailed failed
                    && failed.code() != ErrorCode.TOPIC_ALREADY_EXISTS) {
                  throw new RunnelException(failed.code(), failed.message());
                }
                return node.topics().await(topic, metadata -> !metadata.deleting(), maxBlock);
              });
    } else {
      known = node.topics().await(topic, metadata -> !metadata.deleting(), maxBlock);
    }
    Pipe.toSelf(
        getContext(), known, (metadata, failure) -> new TopicAwaited(topic, metadata, failure));
  }

  private Behavior<Command> onTopicAwaited(TopicAwaited awaited) {
    ArrayDeque<Enqueue> waiting = waitingForTopic.remove(awaited.topic());
    if (awaited.failure() != null) {
      RunnelException error =
          Completions.toRunnelException(
              awaited.failure(),
              "request=metadata, topic=" + awaited.topic() + ", maxBlockMs=" + maxBlock.toMillis());
      waiting.forEach(enqueue -> failEntry(enqueue.entry(), error));
    } else {
      waiting.forEach(enqueue -> route(enqueue, awaited.metadata()));
    }
    return this;
  }

  private void route(Enqueue enqueue, TopicMetadata topic) {
    ProducerBatch.Entry entry = enqueue.entry();
    if (topic.deleting()) {
      failEntry(
          entry,
          new RunnelException(
              ErrorCode.TOPIC_DELETION_IN_PROGRESS,
              "Topic is being deleted: topic=" + topic.name()));
      return;
    }
    long batchBytes = RecordSizes.BATCH_OVERHEAD + (long) entry.estimatedBytes();
    if (batchBytes > topic.config().maxMessageBytes()) {
      failEntry(
          entry,
          new RunnelException(
              ErrorCode.RECORD_TOO_LARGE,
              "Record too large for topic: topic="
                  + topic.name()
                  + ", recordBytes="
                  + batchBytes
                  + ", max.message.bytes="
                  + topic.config().maxMessageBytes()));
      return;
    }
    Integer partition = enqueue.partition();
    if (partition != null && partition >= topic.partitions()) {
      failEntry(
          entry,
          new RunnelException(
              ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              "No such partition: topic="
                  + topic.name()
                  + ", partition="
                  + partition
                  + ", partitions="
                  + topic.partitions()));
      return;
    }
    boolean sticky = partition == null && entry.key() == null;
    int chosen;
    if (partition != null) {
      chosen = partition;
    } else if (entry.key() != null) {
      chosen = Partitioner.partitionForKey(entry.key(), topic.partitions());
    } else {
      chosen = stickyPartition(topic);
    }
    TopicPartition tp = new TopicPartition(topic.name(), chosen);
    long now = System.nanoTime();
    if (accumulator.append(tp, entry, now) && sticky) {
      stickyPartitions.remove(topic.name());
    }
    drain(tp, now);
    if (scheduledWakeup > now + lingerNanos) {
      scheduleWakeupAt(now + lingerNanos, now);
    }
  }

  private int stickyPartition(TopicMetadata topic) {
    Integer current = stickyPartitions.get(topic.name());
    if (current == null || current >= topic.partitions()) {
      current = node.partitioner().nextStickyPartition(topic.name(), topic.partitions());
      stickyPartitions.put(topic.name(), current);
    }
    return current;
  }

  // ------------------------------------------------------------------ sending

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
        codec,
        outcomes);
  }

  private void send(ProducerBatch batch) {
    TopicPartition tp = batch.partition();
    Integer sticky = stickyPartitions.get(tp.topic());
    if (sticky != null && sticky == tp.partition()) {
      stickyPartitions.remove(tp.topic());
    }
    byte[] bytes = batch.bytes();
    CompletionStage<AppendReply> reply =
        node.partition(tp).ask(replyTo -> new Append(bytes, acks, replyTo), requestTimeout);
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
    scheduleWakeup(now);
    return this;
  }

  /** A producer id was fenced: nothing this producer sends can succeed any more. */
  private void fenced(RunnelException error) {
    fatal = error;
    senders.values().forEach(sender -> sender.failAll(error));
    accumulator.drainAll().forEach(batch -> outcomes.failed(batch, error));
    waitingForTopic.values().forEach(queue -> queue.forEach(e -> failEntry(e.entry(), error)));
    waitingForTopic.clear();
  }

  private void requestProducerId(TopicPartition tp) {
    CompletionStage<ProducerIdAllocated> allocated =
        AskPattern.ask(
            node.topicRegistry(),
            AllocateProducerId::new,
            requestTimeout,
            getContext().getSystem().scheduler());
    Pipe.toSelf(getContext(), allocated, (id, failure) -> new ProducerIdAnswered(tp, id, failure));
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
    senders.get(tp).producerIdAssigned(answered.allocated().producerId());
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
    for (TopicPartition tp : List.copyOf(senders.keySet())) {
      drain(tp, now);
    }
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
    accumulator.closeAll();
    long now = System.nanoTime();
    for (TopicPartition tp : List.copyOf(senders.keySet())) {
      drain(tp, now);
    }
    List<CompletableFuture<RecordMetadata>> pending = new ArrayList<>();
    accumulator.batches().forEach(batch -> collectResults(batch, pending));
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
    onExecutor(() -> stop.done().complete(Done.getInstance()));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    stopped.set(true);
    RunnelException stopped =
        new RunnelException(ErrorCode.NOT_AVAILABLE, "Producer stopped: " + getContext().getSelf());
    senders.values().forEach(sender -> sender.failAll(stopped));
    accumulator.drainAll().forEach(batch -> outcomes.failed(batch, stopped));
    waitingForTopic.values().forEach(queue -> queue.forEach(e -> failEntry(e.entry(), stopped)));
    waitingForTopic.clear();
    return this;
  }

  // ------------------------------------------------------------------ outcomes

  /**
   * Runs {@code completion} on the system's executor, so that callbacks on the records' stages
   * never run on this actor's thread; inline only when the executor refuses (the system is
   * terminating).
   */
  private void onExecutor(Runnable completion) {
    try {
      executor.execute(completion);
    } catch (RejectedExecutionException e) {
      completion.run();
    }
  }

  private void failEntry(ProducerBatch.Entry entry, RunnelException error) {
    pool.release(entry.estimatedBytes());
    onExecutor(() -> entry.result().completeExceptionally(error));
  }

  /** Gives memory back and completes the records' stages, on the executor. */
  private final class Outcomes implements PartitionSender.Outcomes {

    @Override
    public void succeeded(ProducerBatch batch, long baseOffset, long logAppendTime) {
      pool.release(batch.bufferedBytes());
      TopicPartition tp = batch.partition();
      boolean appendTime =
          logAppendTime >= 0
              && node.topics()
                  .topic(tp.topic())
                  .map(t -> t.config().messageTimestampType() == TimestampType.LOG_APPEND_TIME)
                  .orElse(false);
      List<ProducerBatch.Entry> entries = batch.entries();
      onExecutor(
          () -> {
            for (int i = 0; i < entries.size(); i++) {
              ProducerBatch.Entry entry = entries.get(i);
              long offset = baseOffset < 0 ? RecordMetadata.UNKNOWN_OFFSET : baseOffset + i;
              long timestamp = appendTime ? logAppendTime : entry.timestamp();
              entry
                  .result()
                  .complete(new RecordMetadata(tp.topic(), tp.partition(), offset, timestamp));
            }
          });
    }

    @Override
    public void failed(ProducerBatch batch, RunnelException error) {
      pool.release(batch.bufferedBytes());
      List<ProducerBatch.Entry> entries = batch.entries();
      onExecutor(() -> entries.forEach(entry -> entry.result().completeExceptionally(error)));
    }
  }
}
