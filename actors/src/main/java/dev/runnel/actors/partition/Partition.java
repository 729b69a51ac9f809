package dev.runnel.actors.partition;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.SnapshotCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EffectBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import akka.stream.KillSwitches;
import akka.stream.SharedKillSwitch;
import akka.stream.SourceRef;
import akka.stream.javadsl.StreamRefs;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.AppendReply.AppendFailed;
import dev.runnel.actors.partition.AppendReply.Appended;
import dev.runnel.actors.partition.IncomingBatch.Refusal;
import dev.runnel.actors.partition.OffsetsReply.OffsetFound;
import dev.runnel.actors.partition.OffsetsReply.OffsetsFailed;
import dev.runnel.actors.partition.PartitionCommand.Append;
import dev.runnel.actors.partition.PartitionCommand.DeletePartition;
import dev.runnel.actors.partition.PartitionCommand.GetPartitionInfo;
import dev.runnel.actors.partition.PartitionCommand.ListOffsets;
import dev.runnel.actors.partition.PartitionCommand.OpenReader;
import dev.runnel.actors.partition.PartitionCommand.Passivate;
import dev.runnel.actors.partition.ProducerStates.Duplicate;
import dev.runnel.actors.partition.ProducerStates.Reject;
import dev.runnel.actors.partition.ProducerStates.Verdict;
import dev.runnel.actors.partition.ReaderReply.ReaderFailed;
import dev.runnel.actors.partition.ReaderReply.ReaderOpened;
import dev.runnel.actors.topic.TopicConfig;
import dev.runnel.actors.topic.TopicConfigLookup;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.persistence.control.CompactionNotSupportedException;
import dev.runnel.persistence.control.LogCompaction;
import dev.runnel.persistence.control.LogControl;
import dev.runnel.persistence.record.RecordBatchCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic partition: an event-sourced actor whose journal is the partition's log. Each journal
 * event is one producer batch with its offsets assigned ({@link StoredBatch}); the state ({@link
 * PartitionState}) holds the log start offset, the high watermark, a sparse index and the
 * idempotent producers, and is snapshotted every {@code snapshot-every-batches} events so that a
 * restart replays few.
 *
 * <p><b>Group commit.</b> An append is checked on receipt and queued; a {@code Flush} the partition
 * sends itself then assigns offsets to everything queued and persists it as one list of events: one
 * {@code AtomicWrite}, one journal write, one fsync. While that write is in flight Akka stashes new
 * commands; once it completes they are unstashed and queued together, and the next {@code Flush}
 * writes them together. Each producer is answered with its own base offset. A write carries at most
 * {@code max-write-batches} and {@code max-write-bytes}; once that much is queued the write starts
 * at once, without waiting for the {@code Flush}, and the rest waits for the next one. (Akka 2.6
 * hands stashed commands over recursively, so a long run of stashed commands that persist nothing
 * could overflow the stack; the cap ends each run. A flood of over a thousand read-only commands
 * arriving during one write could still do so.)
 *
 * <p><b>Acks.</b> {@link Acks#NONE} is answered on receipt with base offset -1 (later failures are
 * not reported). {@link Acks#LEADER} and {@link Acks#ALL} are answered once the journal
 * acknowledged the write: durable as far as the journal's fsync policy makes it. The log has one
 * copy, so the two mean the same. Every command sees only durable state: commands wait in the stash
 * while a write is in flight, so the high watermark never shows a record that is not durable.
 *
 * <p><b>Idempotence.</b> See {@link ProducerStates}: retries are answered with their original
 * offsets and not written again, gaps are {@code OUT_OF_ORDER_SEQUENCE_NUMBER}, older epochs {@code
 * PRODUCER_FENCED}. The producer state is rebuilt from the batch headers and the snapshot, so it
 * survives restarts; a producer is forgotten once retention deleted its last batch.
 *
 * <p><b>Retention.</b> Every {@code retention-check-interval} (and on start) the topic's {@code
 * retention.ms} and {@code retention.bytes} move the log start offset to an index entry (see {@link
 * PartitionState#retentionStart}), recorded as a {@link LogStartAdvanced} event and snapshotted at
 * once; after each snapshot the events below the first retained batch are deleted with {@link
 * LogControl#deleteEventsTo} (the storage drops whole segments). Deleting only below a stored
 * snapshot keeps recovery from ever replaying across a gap. The topic's {@code segment.bytes} and
 * {@code segment.ms} are handed to {@link LogControl#configureSegments} on start and when they
 * change.
 *
 * <p><b>Compaction.</b> Under {@code cleanup.policy=compact} (or {@code compact,delete}, with
 * retention on top) the topic's compaction settings are handed to {@link
 * LogControl#configureCompaction} on start and when they change, and records without a key are
 * refused with {@code INVALID_RECORD}. The storage rewrites stored batches in the background,
 * keeping every event and each batch's offset range, so neither this state (high watermark, index,
 * producers) nor recovery notices anything but smaller batches; readers see gaps in the offsets.
 *
 * <p><b>Reading.</b> A reader is a read-journal query from the sequence number the index gives for
 * its offset, handed out as a {@link SourceRef}; see {@link LogReads}. It is backpressured end to
 * end, shows only durable batches and keeps running when the partition is passivated.
 *
 * <p><b>Stopping.</b> The partition may be stopped at any time (passivation); it recovers from its
 * snapshot and journal. Appends it received but did not write are then answered with {@code
 * NOT_AVAILABLE}, as are those of a write still in flight (which may have been written: an
 * idempotent producer's retry is answered with the original offsets). A journal failure stops it
 * the same way.
 */
public final class Partition
    extends EventSourcedBehaviorWithEnforcedReplies<
        PartitionCommand, PartitionEvent, PartitionState> {

  private static final Logger LOG = LoggerFactory.getLogger(Partition.class);

  /** Messages the partition sends itself. */
  sealed interface Internal extends PartitionCommand {}

  /** Write the queued appends. */
  private enum Flush implements Internal {
    INSTANCE
  }

  /** Apply retention and segment settings. */
  private enum RetentionTick implements Internal {
    INSTANCE
  }

  /** The storage finished deleting the partition, or failed to ({@code failure} not null). */
  private record DeletionDone(Throwable failure) implements Internal {}

  /** An append checked on receipt and waiting for its write. */
  private record Pending(IncomingBatch batch, Acks acks, ActorRef<AppendReply> replyTo) {}

  /** What an append is answered once its write is durable. */
  private record Answer(Pending append, long baseOffset, long logAppendTime, Refusal refusal) {

    void send(long logStartOffset) {
      if (append.acks() == Acks.NONE) {
        if (refusal != null) {
          LOG.debug("Append without acks refused: code={}, {}", refusal.code(), refusal.message());
        }
        return;
      }
      append
          .replyTo()
          .tell(
              refusal == null
                  ? new Appended(baseOffset, logAppendTime, logStartOffset)
                  : new AppendFailed(refusal.code(), refusal.message()));
    }
  }

  /** The segment settings last handed to the storage. */
  private record Segments(long bytes, long ms) {}

  /** Compaction as last handed to the storage: none yet, or the settings (null: not compacted). */
  private record Compaction(LogCompaction settings) {}

  private final ActorContext<PartitionCommand> context;
  private final TimerScheduler<PartitionCommand> timers;
  private final TopicPartition tp;
  private final PartitionSettings settings;
  private final TopicConfigLookup topics;
  private final LogControl logControl;
  private final LogReads reads;
  private final SharedKillSwitch readers;

  // Per-incarnation bookkeeping, not partition state: appends between receipt and write, and
  // what the storage was last told. Only the actor's own thread touches these fields.
  private final List<Pending> pending = new ArrayList<>();
  private long pendingBytes;
  private List<Answer> inFlight = List.of();
  private boolean flushScheduled;
  private final List<ActorRef<Done>> deletionWaiters = new ArrayList<>();
  private long deletionRequestedTo;
  private Segments segments;
  private Compaction compaction;

  private Partition(
      ActorContext<PartitionCommand> context,
      TimerScheduler<PartitionCommand> timers,
      TopicPartition tp,
      PartitionSettings settings,
      TopicConfigLookup topics) {
    super(PersistenceId.ofUniqueId(tp.persistenceId()));
    this.context = context;
    this.timers = timers;
    this.tp = tp;
    this.settings = settings;
    this.topics = topics;
    this.logControl =
        LogControl.forJournal(
            context.getSystem(), settings.journalPluginId(), settings.snapshotPluginId());
    this.reads =
        LogReads.create(context.getSystem(), settings.readJournalPluginId(), tp.persistenceId());
    this.readers = KillSwitches.shared("partition-readers-" + tp.entityId());
  }

  /** The behavior of partition {@code tp}, reading its topic's settings from {@code topics}. */
  public static Behavior<PartitionCommand> create(
      TopicPartition tp, PartitionSettings settings, TopicConfigLookup topics) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(timers -> new Partition(context, timers, tp, settings, topics)));
  }

  @Override
  public PartitionState emptyState() {
    return PartitionState.EMPTY;
  }

  @Override
  public String journalPluginId() {
    return settings.journalPluginId();
  }

  @Override
  public String snapshotPluginId() {
    return settings.snapshotPluginId();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(
        settings.snapshotEveryBatches(), settings.keepSnapshots());
  }

  /** Snapshot at once when the log start moved, so its events can be deleted. */
  @Override
  public boolean shouldSnapshot(PartitionState state, PartitionEvent event, long sequenceNr) {
    return event instanceof LogStartAdvanced;
  }

  @Override
  public CommandHandlerWithReply<PartitionCommand, PartitionEvent, PartitionState>
      commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Append.class, this::onAppend)
        .onCommand(Flush.class, (state, flush) -> onFlush(state))
        .onCommand(OpenReader.class, this::onOpenReader)
        .onCommand(ListOffsets.class, this::onListOffsets)
        .onCommand(GetPartitionInfo.class, this::onGetPartitionInfo)
        .onCommand(RetentionTick.class, (state, tick) -> onRetentionTick(state))
        .onCommand(DeletePartition.class, this::onDeletePartition)
        .onCommand(DeletionDone.class, this::onDeletionDone)
        .onCommand(Passivate.class, (state, passivate) -> onPassivate(state))
        .build();
  }

  @Override
  public EventHandler<PartitionState, PartitionEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            StoredBatch.class,
            (state, batch) ->
                state.withBatch(batch, lastSequenceNumber(context), settings.indexIntervalBytes()))
        .onEvent(
            LogStartAdvanced.class,
            (state, advanced) ->
                state.withLogStart(advanced.logStartOffset(), lastSequenceNumber(context)))
        .build();
  }

  @Override
  public SignalHandler<PartitionState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecoveryCompleted)
        .onSignal(SnapshotCompleted.class, (state, completed) -> deleteEventsBelowLogStart(state))
        .onSignal(PostStop.instance(), state -> answerUnwritten())
        .build();
  }

  // ------------------------------------------------------------------ appending

  private ReplyEffect<PartitionEvent, PartitionState> onAppend(
      PartitionState state, Append append) {
    Optional<TopicMetadata> topic = topics.topic(tp.topic());
    Refusal refusal = topicRefusal(topic);
    IncomingBatch batch = null;
    if (refusal == null) {
      IncomingBatch.Checked checked =
          IncomingBatch.check(
              append.batch(),
              topic.get().config(),
              settings.maxWriteBytes(),
              System.currentTimeMillis());
      refusal = checked.refusal();
      batch = checked.batch();
    }
    if (refusal != null) {
      return Effect().reply(append.replyTo(), new AppendFailed(refusal.code(), refusal.message()));
    }
    if (append.acks() == Acks.NONE) {
      append.replyTo().tell(new Appended(-1, -1, state.logStartOffset()));
    }
    pending.add(new Pending(batch, append.acks(), append.replyTo()));
    pendingBytes += batch.bytes().length;
    if (pending.size() >= settings.maxWriteBatches() || pendingBytes >= settings.maxWriteBytes()) {
      // A full write need not wait; starting it also ends Akka's recursive unstashing.
      return persistPending(state).thenNoReply();
    }
    scheduleFlush();
    return Effect().noReply();
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      context.getSelf().tell(Flush.INSTANCE);
    }
  }

  private ReplyEffect<PartitionEvent, PartitionState> onFlush(PartitionState state) {
    flushScheduled = false;
    return persistPending(state).thenNoReply();
  }

  /**
   * Assigns offsets to the queued appends, as many as fit one write, and persists them as one
   * write; retries of written batches and refused ones are answered without being written. Every
   * answer waits until the write is durable.
   */
  private EffectBuilder<PartitionEvent, PartitionState> persistPending(PartitionState state) {
    List<PartitionEvent> events = new ArrayList<>();
    List<Answer> answers = new ArrayList<>();
    PartitionState next = state;
    long bytes = 0;
    int taken = 0;
    while (taken < pending.size()) {
      Pending append = pending.get(taken);
      IncomingBatch batch = append.batch();
      if (taken == settings.maxWriteBatches()
          || (taken > 0 && bytes + batch.bytes().length > settings.maxWriteBytes())) {
        break;
      }
      taken++;
      pendingBytes -= batch.bytes().length;
      Verdict verdict =
          batch.idempotent()
              ? next.producers()
                  .check(
                      batch.producerId(),
                      batch.producerEpoch(),
                      batch.firstSequence(),
                      batch.lastSequence())
              : ProducerStates.Accept.INSTANCE;
      if (verdict instanceof Duplicate duplicate) {
        answers.add(
            new Answer(
                append,
                duplicate.original().baseOffset(),
                batch.logAppendTime() < 0 ? -1 : duplicate.original().maxTimestamp(),
                null));
      } else if (verdict instanceof Reject reject) {
        answers.add(new Answer(append, -1, -1, new Refusal(reject.code(), reject.message())));
      } else {
        long baseOffset = next.highWatermark();
        RecordBatchCodec.setBaseOffset(ByteBuffer.wrap(batch.bytes()), baseOffset);
        StoredBatch stored = new StoredBatch(batch.bytes());
        long sequenceNr = lastSequenceNumber(context) + events.size() + 1;
        next = next.withBatch(stored, sequenceNr, settings.indexIntervalBytes());
        events.add(stored);
        bytes += batch.bytes().length;
        answers.add(new Answer(append, baseOffset, batch.logAppendTime(), null));
      }
    }
    pending.subList(0, taken).clear();
    if (!pending.isEmpty()) {
      scheduleFlush();
    }
    if (events.isEmpty()) {
      answers.forEach(answer -> answer.send(state.logStartOffset()));
      return Effect().none();
    }
    inFlight = answers;
    return Effect()
        .persist(events)
        .thenRun(
            written -> {
              inFlight.forEach(answer -> answer.send(written.logStartOffset()));
              inFlight = List.of();
            });
  }

  private ReplyEffect<PartitionEvent, PartitionState> onPassivate(PartitionState state) {
    return persistPending(state).thenStop().thenNoReply();
  }

  /** Answers what was received but not written when the partition stops. */
  private void answerUnwritten() {
    for (Answer answer : inFlight) {
      fail(
          answer.append(),
          ErrorCode.NOT_AVAILABLE,
          "Partition stopped while writing; the batch may have been written");
    }
    inFlight = List.of();
    failPending(ErrorCode.NOT_AVAILABLE, "Partition stopped before writing the batch");
  }

  private void failPending(ErrorCode code, String reason) {
    pending.forEach(append -> fail(append, code, reason));
    pending.clear();
    pendingBytes = 0;
  }

  private void fail(Pending append, ErrorCode code, String reason) {
    new Answer(append, -1, -1, new Refusal(code, reason + ": partition=" + tp)).send(-1);
  }

  // ------------------------------------------------------------------ reading

  private ReplyEffect<PartitionEvent, PartitionState> onOpenReader(
      PartitionState state, OpenReader open) {
    Refusal refusal = topicRefusal(topics.topic(tp.topic()));
    if (refusal == null) {
      refusal = offsetRefusal(state, open.fromOffset());
    }
    if (refusal != null) {
      return Effect().reply(open.replyTo(), new ReaderFailed(refusal.code(), refusal.message()));
    }
    SourceRef<StoredBatch> batches =
        reads
            .batchesFrom(state.sequenceNrFor(open.fromOffset()), open.fromOffset())
            .via(readers.flow())
            .runWith(StreamRefs.sourceRef(), reads.materializer());
    return Effect()
        .reply(
            open.replyTo(),
            new ReaderOpened(
                open.fromOffset(), state.logStartOffset(), state.highWatermark(), batches));
  }

  private Refusal offsetRefusal(PartitionState state, long offset) {
    if (offset >= state.logStartOffset() && offset <= state.highWatermark()) {
      return null;
    }
    return new Refusal(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        "Offset out of range: partition="
            + tp
            + ", offset="
            + offset
            + ", logStartOffset="
            + state.logStartOffset()
            + ", highWatermark="
            + state.highWatermark());
  }

  private ReplyEffect<PartitionEvent, PartitionState> onListOffsets(
      PartitionState state, ListOffsets list) {
    Refusal refusal = topicRefusal(topics.topic(tp.topic()));
    if (refusal != null) {
      return Effect().reply(list.replyTo(), new OffsetsFailed(refusal.code(), refusal.message()));
    }
    OffsetSpec spec = list.spec();
    return switch (spec.kind()) {
      case EARLIEST -> Effect().reply(list.replyTo(), new OffsetFound(state.logStartOffset(), -1));
      case LATEST -> Effect().reply(list.replyTo(), new OffsetFound(state.highWatermark(), -1));
      case TIMESTAMP -> searchTimestamp(state, spec.timestamp(), list.replyTo());
    };
  }

  /** Scans the log from the time index's entry; answers from the scan, changing nothing. */
  private ReplyEffect<PartitionEvent, PartitionState> searchTimestamp(
      PartitionState state, long timestamp, ActorRef<OffsetsReply> replyTo) {
    OffsetIndex.Entry start = state.index().searchStart(timestamp);
    if (start == null || state.maxTimestamp() < timestamp) {
      return Effect().reply(replyTo, new OffsetFound(-1, -1));
    }
    reads
        .firstAtOrAfter(
            start.sequenceNr(), state.lastSequenceNr(), state.logStartOffset(), timestamp)
        .whenCompleteAsync(
            (found, failure) ->
                replyTo.tell(
                    failure == null
                        ? found
                        : new OffsetsFailed(
                            ErrorCode.KAFKA_STORAGE_ERROR,
                            "Reading the log failed: partition="
                                + tp
                                + ", timestamp="
                                + timestamp
                                + ", reason="
                                + failure)),
            context.getSystem().executionContext());
    return Effect().noReply();
  }

  private ReplyEffect<PartitionEvent, PartitionState> onGetPartitionInfo(
      PartitionState state, GetPartitionInfo get) {
    long size = logControl.sizeInBytes(tp.persistenceId()).orElse(state.retainedBytes());
    return Effect()
        .reply(
            get.replyTo(),
            new PartitionInfo(tp, state.logStartOffset(), state.highWatermark(), size));
  }

  // ------------------------------------------------------------------ retention

  private void onRecoveryCompleted(PartitionState state) {
    // Before any append: the storage keeps per-log segment settings in memory only.
    topics
        .topic(tp.topic())
        .ifPresent(
            topic -> {
              configureSegments(topic.config());
              configureCompaction(topic.config());
            });
    timers.startTimerWithFixedDelay(RetentionTick.INSTANCE, settings.retentionCheckInterval());
    context.getSelf().tell(RetentionTick.INSTANCE);
  }

  private ReplyEffect<PartitionEvent, PartitionState> onRetentionTick(PartitionState state) {
    Optional<TopicMetadata> topic = topics.topic(tp.topic());
    if (deleting() || topic.isEmpty() || topic.get().deleting()) {
      return Effect().noReply();
    }
    TopicConfig config = topic.get().config();
    configureSegments(config);
    configureCompaction(config);
    long start = state.retentionStart(config, System.currentTimeMillis());
    if (start <= state.logStartOffset()) {
      return Effect().noReply();
    }
    return Effect().persist(new LogStartAdvanced(start)).thenNoReply();
  }

  private void configureSegments(TopicConfig config) {
    Segments wanted = new Segments(config.segmentBytes(), config.segmentMs());
    if (wanted.equals(segments)) {
      return;
    }
    segments = wanted;
    try {
      logControl.configureSegments(
          tp.persistenceId(), wanted.bytes(), Duration.ofMillis(wanted.ms()));
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "Topic segment settings refused by the storage: partition={}, segment.bytes={},"
              + " segment.ms={}, reason={}",
          tp,
          wanted.bytes(),
          wanted.ms(),
          e.getMessage());
    }
  }

  /**
   * Hands the topic's compaction settings to the storage when they changed: the record batches
   * among the partition's events, found by their serializer, are compacted by key. A storage that
   * cannot compact refuses; the log is then kept whole, as under {@code cleanup.policy=delete}
   * without retention, and an ERROR says so.
   */
  private void configureCompaction(TopicConfig config) {
    LogCompaction wanted =
        config.cleanupPolicy().compacts()
            ? new LogCompaction(
                StoredBatchSerializer.IDENTIFIER,
                StoredBatchSerializer.MANIFEST,
                config.minCompactionLagMs(),
                config.maxCompactionLagMs(),
                config.minCleanableDirtyRatio(),
                config.deleteRetentionMs())
            : null;
    if (compaction != null && Objects.equals(wanted, compaction.settings())) {
      return;
    }
    compaction = new Compaction(wanted);
    try {
      logControl.configureCompaction(tp.persistenceId(), wanted);
    } catch (CompactionNotSupportedException | IllegalArgumentException e) {
      LOG.error(
          "Topic compaction refused by the storage, the partition's log is not compacted:"
              + " partition={}, cleanup.policy={}, reason={}",
          tp,
          config.cleanupPolicy(),
          e.getMessage());
    }
  }

  /** After a snapshot: deletes the events it made unnecessary, those below the log start. */
  private void deleteEventsBelowLogStart(PartitionState snapshotted) {
    long to = snapshotted.deletableToSequenceNr();
    if (to <= deletionRequestedTo) {
      return;
    }
    deletionRequestedTo = to;
    logControl
        .deleteEventsTo(tp.persistenceId(), to)
        .whenCompleteAsync(
            (done, failure) -> {
              if (failure != null) {
                LOG.warn(
                    "Deleting events below the log start failed, retried after the next"
                        + " snapshot: partition={}, toSequenceNr={}, reason={}",
                    tp,
                    to,
                    failure.toString());
              }
            },
            context.getSystem().executionContext());
  }

  // ------------------------------------------------------------------ deletion

  private ReplyEffect<PartitionEvent, PartitionState> onDeletePartition(
      PartitionState state, DeletePartition delete) {
    if (!deleting()) {
      failPending(ErrorCode.TOPIC_DELETION_IN_PROGRESS, "Partition is being deleted");
      context.pipeToSelf(
          logControl.deleteAll(tp.persistenceId()), (done, failure) -> new DeletionDone(failure));
    }
    deletionWaiters.add(delete.replyTo());
    return Effect().noReply();
  }

  private ReplyEffect<PartitionEvent, PartitionState> onDeletionDone(
      PartitionState state, DeletionDone done) {
    List<ActorRef<Done>> waiters = List.copyOf(deletionWaiters);
    deletionWaiters.clear();
    if (done.failure() != null) {
      LOG.warn(
          "Deleting the partition failed; it keeps running: partition={}, reason={}",
          tp,
          done.failure().toString());
      return Effect().noReply();
    }
    readers.abort(
        new RunnelException(
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Partition deleted: partition=" + tp));
    return Effect()
        .none()
        .thenRun(deleted -> waiters.forEach(waiter -> waiter.tell(Done.getInstance())))
        .thenStop()
        .thenNoReply();
  }

  // ------------------------------------------------------------------ topic

  /** Whether the partition is deleting itself: it takes no more requests. */
  private boolean deleting() {
    return !deletionWaiters.isEmpty();
  }

  /** Why the partition takes no requests now, or null when it does. */
  private Refusal topicRefusal(Optional<TopicMetadata> topic) {
    if (deleting()) {
      return new Refusal(
          ErrorCode.TOPIC_DELETION_IN_PROGRESS, "Partition is being deleted: partition=" + tp);
    }
    if (topic.isEmpty() || tp.partition() >= topic.get().partitions()) {
      return new Refusal(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          "Unknown topic or partition: partition="
              + tp
              + ", partitions="
              + topic.map(TopicMetadata::partitions).orElse(0));
    }
    if (topic.get().deleting()) {
      return new Refusal(
          ErrorCode.TOPIC_DELETION_IN_PROGRESS, "Topic is being deleted: topic=" + tp.topic());
    }
    return null;
  }
}
