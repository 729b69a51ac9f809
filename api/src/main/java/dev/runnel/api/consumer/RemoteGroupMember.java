package dev.runnel.api.consumer;

import akka.Done;
import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.japi.Pair;
import akka.stream.Attributes;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.group.CommitReply;
import dev.runnel.actors.group.GroupSubscription;
import dev.runnel.api.grpc.v1.Assignment;
import dev.runnel.api.grpc.v1.CommitOffsetsRequest;
import dev.runnel.api.grpc.v1.ConsumeGroupRequest;
import dev.runnel.api.grpc.v1.DescribeGroupRequest;
import dev.runnel.api.grpc.v1.GroupEvent;
import dev.runnel.api.grpc.v1.GroupRecords;
import dev.runnel.api.grpc.v1.OffsetReset;
import dev.runnel.api.grpc.v1.Revocation;
import dev.runnel.api.header.Headers;
import dev.runnel.api.remote.RemoteConnection;
import dev.runnel.api.remote.RemoteErrors;
import dev.runnel.persistence.record.Header;
import dev.runnel.persistence.record.TimestampType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One member of a consumer group run by a Runnel server for a stream of a remote {@link
 * dev.runnel.api.Runnel}: the actor holds the server's {@code ConsumeGroup} call, whose member
 * joins the group on the server and lives as long as the call, and plays {@link GroupMember}'s part
 * towards the stream (the same queue of per-partition sources, the same {@link GroupMember.Commit},
 * {@link GroupMember.StopConsuming}, {@link GroupMember.Shutdown} and {@link
 * GroupMember.StreamEnded} messages):
 *
 * <ul>
 *   <li>The call's events are pulled one at a time: an {@code Assignment} sets the member id and
 *       generation that commits name and starts a source (a bounded queue) for each partition new
 *       to the member, a {@code Revocation} ends the revoked partitions' sources at once (their
 *       records still queued are dropped), and {@code GroupRecords} go to their partition's source;
 *       the next event is pulled only once that source took them, so that a slow downstream slows
 *       the call (the server reads only as fast). Records of a partition the member does not hold
 *       are dropped.
 *   <li>{@link GroupMember.Commit}s become {@code CommitOffsets} requests with the latest member id
 *       and generation, for the partitions held, one request at a time in the order the commits
 *       were made (concurrent requests could overtake each other and store an older offset last). A
 *       commit the server refuses because the group moved on ({@code ILLEGAL_GENERATION}) or that
 *       could not reach it is sent again, with the newer generation once it arrived, until {@code
 *       commit-timeout}; one made by an earlier membership (the call broke since) succeeds without
 *       being sent, as for partitions moved away: their next owner reads from the group's committed
 *       offset. A commit refused with {@code FENCED_MEMBER_EPOCH} (a partition revoked while the
 *       commit travelled) is sent again partition by partition, and the refused ones are left out.
 *   <li>When the call breaks (the server stopped or cannot be reached) the member loses its
 *       partitions (their sources complete, the listener hears of it) and calls again after {@link
 *       dev.runnel.api.remote.RemoteSettings#backoff}, the attempt count reset by the first
 *       assignment: the new member reads on from the group's committed offsets (at least once). The
 *       stream fails only when the server refuses the call for good (a non-retriable error).
 *   <li>Shutdown: the automatic commit (if on) is committed, then the call is cancelled, which
 *       makes the server's member leave the group at once; the actor stops once the group no longer
 *       lists the member.
 * </ul>
 *
 * <p>The group's assignor is the server's: {@code partition.assignment.strategy} does not travel.
 * Only topic lists can be subscribed ({@link #check}).
 */
final class RemoteGroupMember<K, V> extends AbstractBehavior<Object> {

  private enum Connect {
    INSTANCE
  }

  private record Pulled(int call, Optional<GroupEvent> event, Throwable failure) {}

  private record Offered(int offer) {}

  /** A commit's request as sent, and the server's answer. */
  private record CommitAnswered(
      GroupMember.Commit commit,
      long deadline,
      String memberId,
      int generation,
      Map<TopicPartition, Long> sent,
      Throwable failure) {}

  /** A commit waiting to be sent, or to be sent again; it fails after {@code deadline}. */
  private record PendingCommit(GroupMember.Commit commit, long deadline) {}

  private enum AutoCommitTick {
    INSTANCE
  }

  /** The answer to a commit the member made itself: automatic, or the last one when it leaves. */
  private record OwnCommitAnswered(CommitReply reply) {}

  private enum StopTimeout {
    INSTANCE
  }

  private record LeaveChecked(String left, long deadline, boolean gone) {}

  private record CheckLeft(String left, long deadline) {}

  private static final Object AUTO_COMMIT_KEY = "auto-commit";
  private static final Object CONNECT_KEY = "connect";
  private static final Duration COMMIT_RETRY = Duration.ofMillis(100);
  private static final Duration LEAVE_CHECK = Duration.ofMillis(20);

  private final ConsumerSettings<K, V> settings;
  private final String groupId;
  private final String clientId;
  private final GroupSubscription subscription;
  private final RemoteConnection connection;
  private final ConsumerMetricsCounter metrics;
  private final boolean autoCommit;
  private final RebalanceListener listener;
  private final OffsetCommitter committer;
  private final CompletableFuture<Done> stopped;
  private final TimerScheduler<Object> timers;

  /** The call's events, null between calls. */
  private SinkQueueWithCancel<GroupEvent> events;

  /** Numbers calls, so that what an ended one still reports is ignored. */
  private int calls;

  /** Failed calls since the last assignment. */
  private int attempt;

  /** The records offer the next pull waits for, 0 when none. */
  private int pendingOffer;

  private TopicPartition pendingOfferPartition;
  private int offers;

  private String memberId = "";
  private int generation = -1;

  /** The partitions of the latest assignment (minus those revoked since). */
  private final Set<TopicPartition> assigned = new HashSet<>();

  /** The stream's partition sources. */
  private final MemberPartitions<K, V> stream;

  /** Where the records of each started partition go to its source. */
  private final Map<TopicPartition, SourceQueueWithComplete<List<ConsumerRecord<K, V>>>> feeds =
      new HashMap<>();

  private boolean leaving;

  /**
   * Commits waiting for the one under way: one request at a time, so that the server stores them in
   * the order they were made (concurrent requests may overtake each other).
   */
  private final ArrayDeque<PendingCommit> waiting = new ArrayDeque<>();

  private boolean committing;

  /** Where the member's own commits are answered. */
  private final ActorRef<CommitReply> ownCommits;

  /** The member's own commits not answered yet. */
  private int ownCommitsUnanswered;

  private RemoteGroupMember(
      ActorContext<Object> context,
      TimerScheduler<Object> timers,
      GroupMember.Parts<K, V> parts,
      RemoteConnection connection) {
    super(context);
    this.timers = timers;
    this.settings = parts.settings();
    this.groupId = settings.groupId();
    this.clientId = parts.clientId();
    this.subscription = parts.subscription();
    this.connection = connection;
    this.metrics = parts.metrics();
    this.autoCommit = parts.autoCommit();
    this.listener = parts.listener();
    this.stopped = parts.stopped();
    this.committer =
        new MemberCommitter(
            groupId, context.getSelf(), stopped, settings.commitTimeout(), context.getSystem());
    this.ownCommits = context.messageAdapter(CommitReply.class, OwnCommitAnswered::new);
    this.stream = new MemberPartitions<>(parts, committer);
  }

  /** The member's behavior: it calls the server at once. */
  static <K, V> Behavior<Object> create(
      GroupMember.Parts<K, V> parts, RemoteConnection connection) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  RemoteGroupMember<K, V> member =
                      new RemoteGroupMember<>(context, timers, parts, connection);
                  member.connect();
                  if (parts.autoCommit()) {
                    timers.startTimerWithFixedDelay(
                        AUTO_COMMIT_KEY,
                        AutoCommitTick.INSTANCE,
                        parts.settings().autoCommitInterval());
                  }
                  return member;
                }));
  }

  /** The Runnel error a failed request or call of this member's group stands for. */
  private RunnelException error(Throwable failure) {
    return RemoteErrors.toRunnelException(failure, "groupId=" + groupId + ", memberId=" + memberId);
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(Connect.class, connect -> onConnect())
        .onMessage(Pulled.class, this::onPulled)
        .onMessage(Offered.class, this::onOffered)
        .onMessage(GroupMember.Commit.class, this::onCommit)
        .onMessage(CommitAnswered.class, this::onCommitAnswered)
        .onMessage(PendingCommit.class, retry -> onPendingCommit(retry))
        .onMessage(AutoCommitTick.class, tick -> onAutoCommitTick())
        .onMessage(OwnCommitAnswered.class, this::onOwnCommitAnswered)
        .onMessage(GroupMember.StopConsuming.class, stop -> onStopConsuming())
        .onMessage(GroupMember.Shutdown.class, shutdown -> onShutdown())
        .onMessage(GroupMember.StreamEnded.class, this::onStreamEnded)
        .onMessage(StopTimeout.class, timeout -> leave())
        .onMessage(CheckLeft.class, check -> checkLeft(check.left(), check.deadline()))
        .onMessage(LeaveChecked.class, this::onLeaveChecked)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  // ------------------------------------------------------------------ the call

  private Behavior<Object> onConnect() {
    if (!leaving && events == null) {
      connect();
    }
    return this;
  }

  private void connect() {
    calls++;
    ConsumeGroupRequest request =
        ConsumeGroupRequest.newBuilder()
            .setGroupId(groupId)
            .addAllTopics(subscription.topics())
            .setTopicPattern(subscription.pattern())
            .setReset(
                switch (settings.autoOffsetReset()) {
                  case EARLIEST -> OffsetReset.OFFSET_RESET_EARLIEST;
                  case LATEST -> OffsetReset.OFFSET_RESET_LATEST;
                  case NONE -> OffsetReset.OFFSET_RESET_NONE;
                })
            .setSessionTimeoutMs((int) settings.sessionTimeout().toMillis())
            .setClientId(clientId)
            .build();
    events =
        connection
            .client()
            .consumeGroup(request)
            .runWith(
                Sink.<GroupEvent>queue().withAttributes(Attributes.inputBuffer(1, 1)),
                getContext().getSystem());
    pull();
  }

  private void pull() {
    int call = calls;
    getContext().pipeToSelf(events.pull(), (event, failure) -> new Pulled(call, event, failure));
  }

  private Behavior<Object> onPulled(Pulled pulled) {
    if (pulled.call() != calls || leaving) {
      return this;
    }
    if (pulled.failure() != null || pulled.event().isEmpty()) {
      return onCallEnded(pulled.failure());
    }
    GroupEvent event = pulled.event().get();
    switch (event.getEventCase()) {
      case ASSIGNMENT -> onAssignment(event.getAssignment());
      case REVOCATION -> onRevocation(event.getRevocation());
      case RECORDS -> {
        return onRecords(event.getRecords());
      }
      default -> {
        // An event this client does not know (a newer server): nothing to do with it.
      }
    }
    pull();
    return this;
  }

  private Behavior<Object> onCallEnded(Throwable failure) {
    events = null;
    RunnelException error =
        failure == null
            ? new RunnelException(
                ErrorCode.NOT_AVAILABLE, "The server ended the group stream: groupId=" + groupId)
            : error(failure);
    if (!error.code().retriable()) {
      return fail(error);
    }
    Duration backoff =
        connection.settings().backoff(attempt++, ThreadLocalRandom.current().nextDouble());
    getContext()
        .getLog()
        .info(
            "Consumer group stream broke, calling again: groupId={}, memberId={}, attempt={},"
                + " backoff={}, reason={}",
            groupId,
            memberId,
            attempt,
            backoff,
            error.getMessage());
    loseEverything();
    timers.startSingleTimer(CONNECT_KEY, Connect.INSTANCE, backoff);
    return this;
  }

  /** Out of the group: nothing is held any more, commits are not possible. */
  private void loseEverything() {
    if (!assigned.isEmpty()) {
      listener.revoked(generation, Set.copyOf(assigned));
    }
    memberId = "";
    assigned.clear();
    stream.stopAll();
  }

  // ------------------------------------------------------------------ events

  private void onAssignment(Assignment assignment) {
    attempt = 0;
    if (!memberId.isEmpty() && !memberId.equals(assignment.getMemberId())) {
      // The server's member was replaced: what the old one held is gone with it.
      loseEverything();
    }
    memberId = assignment.getMemberId();
    generation = assignment.getGenerationId();
    Set<TopicPartition> now = partitions(assignment.getPartitionsList());
    getContext()
        .getLog()
        .debug(
            "Assignment: groupId={}, memberId={}, generation={}, partitions={}",
            groupId,
            memberId,
            generation,
            now);
    Set<TopicPartition> taken = new HashSet<>(assigned);
    taken.removeAll(now);
    stream.stop(taken);
    if (!taken.isEmpty()) {
      listener.revoked(generation, taken);
    }
    assigned.clear();
    assigned.addAll(now);
    listener.assigned(memberId, generation, Set.copyOf(assigned));
    if (stream.consuming()) {
      for (TopicPartition tp : assigned) {
        if (!stream.running().contains(tp)) {
          start(tp);
        }
      }
    }
  }

  private void onRevocation(Revocation revocation) {
    Set<TopicPartition> revoked = partitions(revocation.getPartitionsList());
    getContext()
        .getLog()
        .debug(
            "Revocation: groupId={}, memberId={}, generation={}, partitions={}",
            groupId,
            memberId,
            revocation.getGenerationId(),
            revoked);
    Set<TopicPartition> held = new HashSet<>(revoked);
    held.retainAll(assigned);
    stream.stop(held);
    assigned.removeAll(held);
    if (!held.isEmpty()) {
      listener.revoked(revocation.getGenerationId(), held);
    }
  }

  private Behavior<Object> onRecords(GroupRecords records) {
    TopicPartition tp =
        new TopicPartition(
            records.getPartition().getTopic(), records.getPartition().getPartition());
    SourceQueueWithComplete<List<ConsumerRecord<K, V>>> feed = feeds.get(tp);
    if (feed == null) {
      // Revoked (or lost, or not started, or the stream stopped): its next owner reads it.
      pull();
      return this;
    }
    List<ConsumerRecord<K, V>> decoded;
    try {
      decoded = decode(tp, records.getRecordsList());
    } catch (RunnelException e) {
      return fail(e);
    }
    metrics.recordsReceived(decoded.size());
    int offer = ++offers;
    pendingOffer = offer;
    pendingOfferPartition = tp;
    getContext().pipeToSelf(feed.offer(decoded), (result, failure) -> new Offered(offer));
    return this;
  }

  private Behavior<Object> onOffered(Offered offered) {
    if (offered.offer() == pendingOffer && !leaving) {
      goOn();
    }
    return this;
  }

  /** Offers the stream a source of the partition, fed by the call's records of it. */
  private void start(TopicPartition tp) {
    Pair<
            SourceQueueWithComplete<List<ConsumerRecord<K, V>>>,
            Source<List<ConsumerRecord<K, V>>, NotUsed>>
        fed =
            Source.<List<ConsumerRecord<K, V>>>queue(
                    settings.bufferBatches(), OverflowStrategy.backpressure())
                .preMaterialize(getContext().getSystem());
    if (stream.start(tp, fed.second(), -1, () -> ended(tp))) {
      feeds.put(tp, fed.first());
    } else {
      fed.first().complete();
    }
  }

  /**
   * The partition's source ended here: its records are dropped from now on, and a pull waiting for
   * its queue to take records goes ahead.
   */
  private void ended(TopicPartition tp) {
    SourceQueueWithComplete<List<ConsumerRecord<K, V>>> feed = feeds.remove(tp);
    if (feed != null) {
      feed.complete();
    }
    if (tp.equals(pendingOfferPartition)) {
      goOn();
    }
  }

  /** Stops waiting for the pending offer of records: pulls the call's next event. */
  private void goOn() {
    pendingOffer = 0;
    pendingOfferPartition = null;
    if (events != null) {
      pull();
    }
  }

  private List<ConsumerRecord<K, V>> decode(
      TopicPartition tp, List<dev.runnel.api.grpc.v1.ConsumerRecord> records) {
    List<ConsumerRecord<K, V>> decoded = new ArrayList<>(records.size());
    for (dev.runnel.api.grpc.v1.ConsumerRecord record : records) {
      List<Header> headers = new ArrayList<>(record.getHeadersCount());
      for (dev.runnel.api.grpc.v1.Header header : record.getHeadersList()) {
        headers.add(
            new Header(
                header.getKey(), header.hasValue() ? header.getValue().toByteArray() : null));
      }
      decoded.add(
          PartitionReader.deserialize(
              settings,
              tp,
              record.getOffset(),
              record.getTimestamp(),
              record.getTimestampType()
                      == dev.runnel.api.grpc.v1.TimestampType.TIMESTAMP_TYPE_LOG_APPEND_TIME
                  ? TimestampType.LOG_APPEND_TIME
                  : TimestampType.CREATE_TIME,
              Headers.of(headers),
              record.hasKey() ? record.getKey().toByteArray() : null,
              record.hasValue() ? record.getValue().toByteArray() : null));
    }
    return decoded;
  }

  private static Set<TopicPartition> partitions(
      List<dev.runnel.api.grpc.v1.TopicPartition> partitions) {
    Set<TopicPartition> set = new HashSet<>();
    for (dev.runnel.api.grpc.v1.TopicPartition tp : partitions) {
      set.add(new TopicPartition(tp.getTopic(), tp.getPartition()));
    }
    return set;
  }

  // ------------------------------------------------------------------ commits

  private Behavior<Object> onCommit(GroupMember.Commit commit) {
    waiting.add(new PendingCommit(commit, System.nanoTime() + settings.commitTimeout().toNanos()));
    next();
    return this;
  }

  /** Sends the waiting commits in order, one request at a time. */
  private void next() {
    while (!committing && !waiting.isEmpty()) {
      PendingCommit commit = waiting.poll();
      send(commit.commit(), commit.deadline());
    }
  }

  /** The commit under way is answered: on with the next. */
  private void answered(GroupMember.Commit commit, CommitReply reply) {
    commit.replyTo().tell(reply);
    committing = false;
    next();
  }

  private void send(GroupMember.Commit commit, long deadline) {
    Map<TopicPartition, Long> held = new HashMap<>();
    commit
        .offsets()
        .forEach(
            (tp, offset) -> {
              if (assigned.contains(tp)) {
                held.put(tp, offset);
              }
            });
    if (held.isEmpty() || memberId.isEmpty()) {
      getContext()
          .getLog()
          .debug(
              "Commit left out: groupId={}, memberId={}, offsets={}, held={}",
              groupId,
              memberId,
              commit.offsets(),
              assigned);
      commit.replyTo().tell(CommitReply.Committed.INSTANCE);
      return;
    }
    committing = true;
    String id = memberId;
    int gen = generation;
    getContext()
        .pipeToSelf(
            commitOffsets(id, gen, held),
            (done, failure) -> new CommitAnswered(commit, deadline, id, gen, held, failure));
  }

  private CompletionStage<Done> commitOffsets(
      String member, int gen, Map<TopicPartition, Long> offsets) {
    CommitOffsetsRequest.Builder request =
        CommitOffsetsRequest.newBuilder()
            .setGroupId(groupId)
            .setMemberId(member)
            .setGenerationId(gen);
    offsets.forEach(
        (tp, offset) ->
            request.addOffsets(
                dev.runnel.api.grpc.v1.OffsetAndMetadata.newBuilder()
                    .setPartition(
                        dev.runnel.api.grpc.v1.TopicPartition.newBuilder()
                            .setTopic(tp.topic())
                            .setPartition(tp.partition()))
                    .setOffset(offset)));
    return connection
        .client()
        .commitOffsets(request.build())
        .thenApply(response -> Done.getInstance());
  }

  private Behavior<Object> onCommitAnswered(CommitAnswered answered) {
    GroupMember.Commit commit = answered.commit();
    if (answered.failure() == null) {
      answered(commit, CommitReply.Committed.INSTANCE);
      return this;
    }
    RunnelException error = error(answered.failure());
    getContext()
        .getLog()
        .debug(
            "Commit refused: groupId={}, memberId={}, generation={}, offsets={}, reason={}",
            groupId,
            answered.memberId(),
            answered.generation(),
            answered.sent(),
            error.getMessage());
    if (error.code() == ErrorCode.FENCED_MEMBER_EPOCH) {
      if (answered.sent().size() > 1) {
        commitEach(answered);
      } else {
        // Revoked while the commit travelled: left out, as for partitions no longer held.
        answered(commit, CommitReply.Committed.INSTANCE);
      }
      return this;
    }
    boolean mayPass =
        error.code() == ErrorCode.ILLEGAL_GENERATION
            || error.code() == ErrorCode.UNKNOWN_MEMBER_ID
            || error.code().retriable();
    if (mayPass && (!answered.memberId().equals(memberId) || answered.generation() != generation)) {
      committing = false;
      send(commit, answered.deadline());
      next();
    } else if (mayPass && System.nanoTime() < answered.deadline()) {
      // The new generation is on its way, or the server back soon: the next commits wait.
      timers.startSingleTimer(
          new PendingCommit(commit, answered.deadline()),
          new PendingCommit(commit, answered.deadline()),
          COMMIT_RETRY);
    } else {
      answered(commit, new CommitReply.CommitFailed(error.code(), error.getMessage()));
    }
    return this;
  }

  private Behavior<Object> onPendingCommit(PendingCommit retry) {
    committing = false;
    send(retry.commit(), retry.deadline());
    next();
    return this;
  }

  /** Sends a fenced commit's offsets one partition each, leaving out those refused as fenced. */
  private void commitEach(CommitAnswered fenced) {
    String request = "groupId=" + groupId + ", memberId=" + fenced.memberId();
    List<CompletableFuture<Done>> each = new ArrayList<>();
    fenced
        .sent()
        .forEach(
            (tp, offset) ->
                each.add(
                    commitOffsets(fenced.memberId(), fenced.generation(), Map.of(tp, offset))
                        .exceptionally(
                            failure -> {
                              RunnelException error =
                                  RemoteErrors.toRunnelException(failure, request);
                              if (error.code() != ErrorCode.FENCED_MEMBER_EPOCH) {
                                throw error;
                              }
                              return Done.getInstance();
                            })
                        .toCompletableFuture()));
    getContext()
        .pipeToSelf(
            CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)),
            (done, failure) ->
                new CommitAnswered(
                    fenced.commit(),
                    fenced.deadline(),
                    fenced.memberId(),
                    fenced.generation(),
                    Map.of(),
                    failure));
  }

  private Behavior<Object> onAutoCommitTick() {
    commitConsumed();
    return this;
  }

  /**
   * Commits the position the stream's downstream reached in its partitions, where it moved;
   * answered to {@link OwnCommitAnswered}.
   */
  private void commitConsumed() {
    Map<TopicPartition, Long> offsets = stream.consumedSinceLastCommit(stream.running());
    if (!offsets.isEmpty()) {
      ownCommitsUnanswered++;
      onCommit(new GroupMember.Commit(offsets, ownCommits));
    }
  }

  private Behavior<Object> onOwnCommitAnswered(OwnCommitAnswered answered) {
    ownCommitsUnanswered--;
    if (answered.reply() instanceof CommitReply.CommitFailed failed) {
      getContext()
          .getLog()
          .info(
              "Automatic commit failed: groupId={}, memberId={}, code={}, reason={}",
              groupId,
              memberId,
              failed.code(),
              failed.message());
    }
    return leaving && ownCommitsUnanswered == 0 ? endCall() : this;
  }

  // ------------------------------------------------------------------ the end

  private Behavior<Object> onStopConsuming() {
    stopConsuming();
    return this;
  }

  private void stopConsuming() {
    // Ends every partition's source, and with it any wait for one to take records.
    stream.stopConsuming();
  }

  private Behavior<Object> onShutdown() {
    stopConsuming();
    return leave();
  }

  private Behavior<Object> onStreamEnded(GroupMember.StreamEnded ended) {
    if (ended.failure() != null) {
      stopConsuming();
      return leave();
    }
    if (stream.consuming()) {
      // Completed or cancelled downstream: commits of what was emitted may still be under way.
      stopConsuming();
      timers.startSingleTimer(StopTimeout.INSTANCE, settings.stopTimeout());
    }
    return this;
  }

  /**
   * Commits automatically (if on), then ends the call, which makes the server's member leave.
   * Commits of the stream still waiting are sent before the automatic one; those made later find no
   * member and are left out.
   */
  private Behavior<Object> leave() {
    if (leaving) {
      return this;
    }
    leaving = true;
    timers.cancel(AUTO_COMMIT_KEY);
    timers.cancel(CONNECT_KEY);
    timers.cancel(StopTimeout.INSTANCE);
    if (autoCommit) {
      commitConsumed();
    }
    // Ends the call once the member's own commits are answered (the last one after the others).
    return ownCommitsUnanswered == 0 ? endCall() : this;
  }

  /**
   * Cancels the call, which makes the server's member leave the group, and stops once the group no
   * longer lists it (as a Kafka consumer's close returns once its LeaveGroup was answered), or
   * after {@code request.timeout.ms}.
   */
  private Behavior<Object> endCall() {
    String left = memberId;
    memberId = "";
    if (events != null) {
      events.cancel();
      events = null;
    }
    return left.isEmpty()
        ? Behaviors.stopped()
        : checkLeft(left, System.nanoTime() + settings.requestTimeout().toNanos());
  }

  private Behavior<Object> checkLeft(String left, long deadline) {
    getContext()
        .pipeToSelf(
            connection
                .client()
                .describeGroup(DescribeGroupRequest.newBuilder().setGroupId(groupId).build()),
            (described, failure) ->
                new LeaveChecked(
                    left,
                    deadline,
                    failure != null
                        || described.getMembersList().stream()
                            .noneMatch(member -> member.getMemberId().equals(left))));
    return this;
  }

  private Behavior<Object> onLeaveChecked(LeaveChecked checked) {
    if (checked.gone() || System.nanoTime() > checked.deadline()) {
      return Behaviors.stopped();
    }
    timers.startSingleTimer(new CheckLeft(checked.left(), checked.deadline()), LEAVE_CHECK);
    return this;
  }

  private Behavior<Object> fail(RunnelException error) {
    stream.fail(error);
    return leave();
  }

  private Behavior<Object> onPostStop() {
    if (events != null) {
      events.cancel();
      events = null;
    }
    stream.memberStopped(memberId);
    stopped.complete(Done.getInstance());
    return this;
  }
}
