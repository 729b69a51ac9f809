package dev.runnel.api.consumer;

import akka.Done;
import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.RecipientRef;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.group.CommitReply;
import dev.runnel.actors.group.GroupCommand;
import dev.runnel.actors.group.GroupCommand.CommitOffsets;
import dev.runnel.actors.group.GroupCommand.FetchOffsets;
import dev.runnel.actors.group.GroupCommand.Heartbeat;
import dev.runnel.actors.group.GroupCommand.JoinGroup;
import dev.runnel.actors.group.GroupCommand.LeaveGroup;
import dev.runnel.actors.group.GroupCommand.RevocationDone;
import dev.runnel.actors.group.GroupMemberMessage.Assignment;
import dev.runnel.actors.group.GroupMemberMessage.RemovedFromGroup;
import dev.runnel.actors.group.GroupMemberMessage.RevokePartitions;
import dev.runnel.actors.group.GroupSubscription;
import dev.runnel.actors.group.HeartbeatReply;
import dev.runnel.actors.group.JoinReply;
import dev.runnel.actors.group.OffsetAndMetadata;
import dev.runnel.actors.group.OffsetsFetched;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a consumer group in this JVM: the actor a group-subscribed consumer stream runs. It
 * joins the group at the coordinator, sends heartbeats, and follows the coordinator's messages:
 *
 * <ul>
 *   <li>{@link Assignment}: partitions new to it are started (their committed offsets fetched, a
 *       {@link PartitionReader} source from there, or from {@code auto.offset.reset} without one,
 *       offered to the stream's queue); partitions it keeps go on untouched.
 *   <li>{@link RevokePartitions}: their sources are completed (a kill switch each), the automatic
 *       commit (if on) commits what the stream emitted of them, then {@link RevocationDone}; the
 *       coordinator gets the commit first, as both go the same way.
 *   <li>{@link RemovedFromGroup} or a heartbeat answered {@code UNKNOWN_MEMBER_ID}: everything is
 *       stopped and it joins again as a new member.
 * </ul>
 *
 * <p>Commits ({@link Commit}) are forwarded to the coordinator with the member id and the
 * generation of its latest assignment, for the partitions it owns; offsets of other partitions
 * (moved away in a rebalance) are left out, since their new owner reads from the last committed
 * offset anyway.
 *
 * <p>The stream and the actor end together: when the stream fails the member leaves the group and
 * stops at once; when it completes or is cancelled the member stays for {@code stop-timeout} so
 * that commits still under way downstream can finish (Alpakka Kafka's {@code stop-timeout}); when
 * the actor stops for any other reason the stream fails with {@code NOT_AVAILABLE}.
 */
final class GroupMember<K, V> extends AbstractBehavior<Object> {

  /** Commits the next offsets of partitions the member owns; answered as the coordinator does. */
  record Commit(Map<TopicPartition, Long> offsets, ActorRef<CommitReply> replyTo) {}

  /** Stop emitting: complete the stream, stay in the group (Control.stop). */
  enum StopConsuming {
    INSTANCE
  }

  /** Stop emitting, commit automatically if on, leave the group and stop (Control.shutdown). */
  enum Shutdown {
    INSTANCE
  }

  /** The stream ended; {@code failure} is null when it completed or was cancelled. */
  record StreamEnded(Throwable failure) {}

  private record JoinAnswered(JoinReply reply, Throwable failure) {}

  private enum HeartbeatTick {
    INSTANCE
  }

  private record HeartbeatAnswered(int generation, HeartbeatReply reply, Throwable failure) {}

  private record OffsetsAnswered(
      int fetch, Set<TopicPartition> partitions, OffsetsFetched reply, Throwable failure) {}

  private enum AutoCommitTick {
    INSTANCE
  }

  private record AutoCommitAnswered(CommitReply reply, Throwable failure) {}

  private record LeaveAnswered(Throwable failure) {}

  private enum StopTimeout {
    INSTANCE
  }

  private enum Rejoin {
    INSTANCE
  }

  private static final Object HEARTBEAT_KEY = "heartbeat";
  private static final Object AUTO_COMMIT_KEY = "auto-commit";
  private static final Duration REJOIN_BACKOFF = Duration.ofMillis(200);
  private static final int STASH_CAPACITY = 1000;

  private final ConsumerSettings<K, V> settings;
  private final String groupId;
  private final String clientId;
  private final GroupSubscription subscription;
  private final RecipientRef<GroupCommand> coordinator;
  private final PartitionAccess partitions;
  private final ConsumerMetricsCounter metrics;
  private final boolean autoCommit;
  private final RebalanceListener listener;
  private final OffsetCommitter committer;
  private final CompletableFuture<Done> stopped;
  private final TimerScheduler<Object> timers;

  /**
   * The coordinator's messages that came while a join was unanswered: its first assignment may
   * overtake the join's answer, which comes through an ask.
   */
  private final StashBuffer<Object> stash;

  private String memberId = "";
  private int generation = -1;
  private boolean joining;

  /** The partitions of the latest assignment (minus those revoked since). */
  private final Set<TopicPartition> assigned = new HashSet<>();

  /**
   * Assigned partitions whose committed offsets are being fetched, with the number of the fetch
   * that counts: an answer to an older one (the partition was revoked and assigned again since, or
   * a rejoin overtook it) may carry an older offset and is ignored.
   */
  private final Map<TopicPartition, Integer> starting = new HashMap<>();

  /** Numbers offset fetches. */
  private int fetches;

  /** The stream's partition sources. */
  private final MemberPartitions<K, V> stream;

  private boolean leaving;

  /**
   * What a member is made of.
   *
   * @param clientId the member's name in the group's description
   * @param queue where started partitions go to the stream
   * @param metrics the stream's counters
   * @param autoCommit whether it commits the emitted positions itself
   * @param listener told of assignments and revocations
   * @param stopped completed when the actor has stopped
   */
  record Parts<K, V>(
      ConsumerSettings<K, V> settings,
      String clientId,
      GroupSubscription subscription,
      BoundedSourceQueue<Pair<TopicPartition, Source<CommittableMessage<K, V>, NotUsed>>> queue,
      ConsumerMetricsCounter metrics,
      boolean autoCommit,
      RebalanceListener listener,
      CompletableFuture<Done> stopped) {}

  private GroupMember(
      ActorContext<Object> context,
      TimerScheduler<Object> timers,
      StashBuffer<Object> stash,
      Parts<K, V> parts,
      RecipientRef<GroupCommand> coordinator,
      PartitionAccess partitions) {
    super(context);
    this.timers = timers;
    this.stash = stash;
    this.settings = parts.settings();
    this.groupId = settings.groupId();
    this.clientId = parts.clientId();
    this.subscription = parts.subscription();
    this.coordinator = coordinator;
    this.partitions = partitions;
    this.metrics = parts.metrics();
    this.autoCommit = parts.autoCommit();
    this.listener = parts.listener();
    this.stopped = parts.stopped();
    this.committer =
        new MemberCommitter(
            groupId, context.getSelf(), stopped, settings.commitTimeout(), context.getSystem());
    this.stream = new MemberPartitions<>(parts, committer);
  }

  /**
   * The member's behavior.
   *
   * @param coordinator the group's coordinator
   * @param partitions how partitions are read
   */
  static <K, V> Behavior<Object> create(
      Parts<K, V> parts, RecipientRef<GroupCommand> coordinator, PartitionAccess partitions) {
    return Behaviors.setup(
        context ->
            Behaviors.withStash(
                STASH_CAPACITY,
                stash ->
                    Behaviors.withTimers(
                        timers -> {
                          GroupMember<K, V> member =
                              new GroupMember<>(
                                  context, timers, stash, parts, coordinator, partitions);
                          member.join();
                          if (parts.autoCommit()) {
                            timers.startTimerWithFixedDelay(
                                AUTO_COMMIT_KEY,
                                AutoCommitTick.INSTANCE,
                                parts.settings().autoCommitInterval());
                          }
                          return member;
                        })));
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(JoinAnswered.class, this::onJoinAnswered)
        .onMessage(Rejoin.class, rejoin -> onRejoin())
        .onMessage(HeartbeatTick.class, tick -> onHeartbeatTick())
        .onMessage(HeartbeatAnswered.class, this::onHeartbeatAnswered)
        .onMessage(Assignment.class, this::onAssignment)
        .onMessage(OffsetsAnswered.class, this::onOffsetsAnswered)
        .onMessage(RevokePartitions.class, this::onRevokePartitions)
        .onMessage(RemovedFromGroup.class, this::onRemovedFromGroup)
        .onMessage(Commit.class, this::onCommit)
        .onMessage(AutoCommitTick.class, tick -> onAutoCommitTick())
        .onMessage(AutoCommitAnswered.class, this::onAutoCommitAnswered)
        .onMessage(StopConsuming.class, stop -> onStopConsuming())
        .onMessage(Shutdown.class, shutdown -> onShutdown())
        .onMessage(StreamEnded.class, this::onStreamEnded)
        .onMessage(StopTimeout.class, timeout -> onStopTimeout())
        .onMessage(LeaveAnswered.class, answered -> Behaviors.stopped())
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  /** The committer that the stream's offsets commit through. */
  OffsetCommitter committer() {
    return committer;
  }

  // ------------------------------------------------------------------ membership

  private void join() {
    joining = true;
    getContext()
        .ask(
            JoinReply.class,
            coordinator,
            settings.requestTimeout(),
            replyTo ->
                new JoinGroup(
                    memberId,
                    clientId,
                    subscription,
                    settings.partitionAssignmentStrategy(),
                    settings.sessionTimeout(),
                    settings.maxPollInterval(),
                    getContext().getSelf().narrow(),
                    replyTo),
            JoinAnswered::new);
  }

  private Behavior<Object> onJoinAnswered(JoinAnswered answered) {
    joining = false;
    if (leaving) {
      return this;
    }
    if (answered.reply() instanceof JoinReply.Joined joined) {
      memberId = joined.memberId();
      generation = Math.max(generation, joined.generation());
      timers.startTimerWithFixedDelay(
          HEARTBEAT_KEY, HeartbeatTick.INSTANCE, settings.heartbeatInterval());
      return stash.unstashAll(this);
    }
    if (answered.reply() instanceof JoinReply.JoinFailed failed) {
      if (failed.code() == ErrorCode.UNKNOWN_MEMBER_ID) {
        // A rejoin under an id the group dropped meanwhile: what that member held is gone.
        loseEverything();
      } else if (!failed.code().retriable()) {
        return fail(new RunnelException(failed.code(), failed.message()));
      }
    }
    // No answer in time (the coordinator is starting or moving) or a refusal that may pass.
    timers.startSingleTimer(Rejoin.INSTANCE, REJOIN_BACKOFF);
    return this;
  }

  private Behavior<Object> onRejoin() {
    if (!joining && !leaving) {
      join();
    }
    return this;
  }

  private Behavior<Object> onHeartbeatTick() {
    if (!memberId.isEmpty() && !joining) {
      int sent = generation;
      getContext()
          .ask(
              HeartbeatReply.class,
              coordinator,
              settings.heartbeatInterval(),
              replyTo -> new Heartbeat(memberId, sent, replyTo),
              (reply, failure) -> new HeartbeatAnswered(sent, reply, failure));
    }
    return this;
  }

  private Behavior<Object> onHeartbeatAnswered(HeartbeatAnswered answered) {
    if (answered.reply() instanceof HeartbeatReply.HeartbeatFailed failed && !joining && !leaving) {
      getContext()
          .getLog()
          .info(
              "Consumer group member rejoins: groupId={}, memberId={}, generation={}, reason={}",
              groupId,
              memberId,
              answered.generation(),
              failed.message());
      if (failed.code() == ErrorCode.UNKNOWN_MEMBER_ID) {
        loseEverything();
      }
      join();
    }
    return this;
  }

  private Behavior<Object> onRemovedFromGroup(RemovedFromGroup removed) {
    if (joining) {
      stash.stash(removed);
      return this;
    }
    if (!removed.memberId().equals(memberId) || leaving) {
      return this;
    }
    getContext()
        .getLog()
        .info(
            "Consumer group member removed, joins again: groupId={}, memberId={}, reason={}",
            groupId,
            memberId,
            removed.message());
    loseEverything();
    if (!joining) {
      join();
    }
    return this;
  }

  /** Out of the group: nothing is owned any more, commits are not possible. */
  private void loseEverything() {
    timers.cancel(HEARTBEAT_KEY);
    if (!assigned.isEmpty()) {
      listener.revoked(generation, Set.copyOf(assigned));
    }
    memberId = "";
    assigned.clear();
    starting.clear();
    stream.stopAll();
  }

  // ------------------------------------------------------------------ assignment

  private Behavior<Object> onAssignment(Assignment assignment) {
    if (joining) {
      stash.stash(assignment);
      return this;
    }
    if (!assignment.memberId().equals(memberId) || leaving) {
      return this;
    }
    generation = assignment.generation();
    getContext()
        .getLog()
        .debug(
            "Assignment: groupId={}, memberId={}, generation={}, partitions={}",
            groupId,
            memberId,
            generation,
            assignment.partitions());
    Set<TopicPartition> lost = new HashSet<>(stream.running());
    lost.removeAll(assignment.partitions());
    // Taken without a revocation (the coordinator lost track of them): stop reading them.
    stream.stop(lost);
    starting.keySet().retainAll(assignment.partitions());
    Set<TopicPartition> taken = new HashSet<>(assigned);
    taken.removeAll(assignment.partitions());
    if (!taken.isEmpty()) {
      listener.revoked(generation, taken);
    }
    assigned.clear();
    assigned.addAll(assignment.partitions());
    listener.assigned(memberId, generation, Set.copyOf(assigned));
    Set<TopicPartition> added = new HashSet<>(assigned);
    added.removeAll(stream.running());
    added.removeAll(starting.keySet());
    if (stream.consuming() && !added.isEmpty()) {
      fetchOffsets(added);
    }
    return this;
  }

  private void fetchOffsets(Set<TopicPartition> tps) {
    int fetch = ++fetches;
    Set<TopicPartition> asked = Set.copyOf(tps);
    asked.forEach(tp -> starting.put(tp, fetch));
    getContext()
        .ask(
            OffsetsFetched.class,
            coordinator,
            settings.requestTimeout(),
            replyTo -> new FetchOffsets(Optional.of(asked), replyTo),
            (reply, failure) -> new OffsetsAnswered(fetch, asked, reply, failure));
  }

  private Behavior<Object> onOffsetsAnswered(OffsetsAnswered answered) {
    Set<TopicPartition> still = new HashSet<>();
    for (TopicPartition tp : answered.partitions()) {
      if (Integer.valueOf(answered.fetch()).equals(starting.get(tp))) {
        still.add(tp);
      }
    }
    if (still.isEmpty() || leaving) {
      return this;
    }
    if (answered.failure() != null) {
      getContext()
          .getLog()
          .info(
              "Fetching committed offsets failed, asking again: groupId={}, partitions={},"
                  + " reason={}",
              groupId,
              still,
              answered.failure().toString());
      fetchOffsets(still);
      return this;
    }
    for (TopicPartition tp : still) {
      starting.remove(tp);
      if (stream.consuming()) {
        start(tp, answered.reply().offsets().get(tp));
      }
    }
    return this;
  }

  /** Offers the stream a source of the partition from its committed offset. */
  private void start(TopicPartition tp, OffsetAndMetadata committed) {
    ManualSubscription from =
        committed == null
            ? Subscriptions.assignment(tp)
            : Subscriptions.assignmentWithOffset(tp, committed.offset());
    boolean taken =
        stream.start(
            tp,
            PartitionReader.source(settings, tp, from, metrics, partitions),
            committed == null ? -1 : committed.offset(),
            () -> {});
    getContext()
        .getLog()
        .debug(
            "Partition started: groupId={}, partition={}, committed={}, taken={}",
            groupId,
            tp,
            committed,
            taken);
  }

  private Behavior<Object> onRevokePartitions(RevokePartitions revoke) {
    if (joining) {
      stash.stash(revoke);
      return this;
    }
    if (!revoke.memberId().equals(memberId)) {
      return this;
    }
    Set<TopicPartition> revoked = revoke.partitions();
    getContext()
        .getLog()
        .debug(
            "Revocation: groupId={}, memberId={}, generation={}, partitions={}",
            groupId,
            memberId,
            revoke.generation(),
            revoked);
    Map<TopicPartition, Long> positions = stream.stop(revoked);
    if (autoCommit) {
      commit(positions);
    }
    Set<TopicPartition> held = new HashSet<>(revoked);
    held.retainAll(assigned);
    if (!held.isEmpty()) {
      listener.revoked(revoke.generation(), held);
    }
    starting.keySet().removeAll(revoked);
    assigned.removeAll(revoked);
    coordinator.tell(new RevocationDone(memberId, revoke.generation(), revoked));
    return this;
  }

  // ------------------------------------------------------------------ commits

  private Behavior<Object> onCommit(Commit commit) {
    Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>();
    commit
        .offsets()
        .forEach(
            (tp, offset) -> {
              if (assigned.contains(tp)) {
                owned.put(tp, OffsetAndMetadata.of(offset));
              }
            });
    if (owned.isEmpty() || memberId.isEmpty()) {
      commit.replyTo().tell(CommitReply.Committed.INSTANCE);
    } else {
      coordinator.tell(new CommitOffsets(memberId, generation, owned, commit.replyTo()));
    }
    return this;
  }

  private Behavior<Object> onAutoCommitTick() {
    commitConsumed();
    return this;
  }

  /** Commits the position the stream's downstream reached in its partitions, where it moved. */
  private void commitConsumed() {
    if (!memberId.isEmpty()) {
      commit(stream.consumedSinceLastCommit(stream.running()));
    }
  }

  /** Commits positions the stream's downstream reached (automatic commit). */
  private void commit(Map<TopicPartition, Long> positions) {
    if (!memberId.isEmpty() && !positions.isEmpty()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      positions.forEach((tp, position) -> offsets.put(tp, OffsetAndMetadata.of(position)));
      String id = memberId;
      int gen = generation;
      getContext()
          .ask(
              CommitReply.class,
              coordinator,
              settings.commitTimeout(),
              replyTo -> new CommitOffsets(id, gen, offsets, replyTo),
              AutoCommitAnswered::new);
    }
  }

  private Behavior<Object> onAutoCommitAnswered(AutoCommitAnswered answered) {
    if (answered.reply() instanceof CommitReply.CommitFailed failed) {
      getContext()
          .getLog()
          .info(
              "Automatic commit refused: groupId={}, memberId={}, code={}, reason={}",
              groupId,
              memberId,
              failed.code(),
              failed.message());
    } else if (answered.failure() != null) {
      getContext()
          .getLog()
          .info(
              "Automatic commit failed: groupId={}, memberId={}, reason={}",
              groupId,
              memberId,
              answered.failure().toString());
    }
    return this;
  }

  // ------------------------------------------------------------------ the end

  private Behavior<Object> onStopConsuming() {
    stopConsuming();
    return this;
  }

  private void stopConsuming() {
    starting.clear();
    stream.stopConsuming();
  }

  private Behavior<Object> onShutdown() {
    stopConsuming();
    return leave();
  }

  private Behavior<Object> onStreamEnded(StreamEnded ended) {
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

  private Behavior<Object> onStopTimeout() {
    return leave();
  }

  /** Commits automatically (if on), leaves the group and stops once the coordinator answered. */
  private Behavior<Object> leave() {
    if (leaving) {
      return this;
    }
    leaving = true;
    timers.cancelAll();
    if (memberId.isEmpty()) {
      return Behaviors.stopped();
    }
    if (autoCommit) {
      commitConsumed();
    }
    String id = memberId;
    getContext()
        .ask(
            Done.class,
            coordinator,
            settings.requestTimeout(),
            replyTo -> new LeaveGroup(id, replyTo),
            (done, failure) -> new LeaveAnswered(failure));
    return this;
  }

  private Behavior<Object> fail(RunnelException error) {
    stream.fail(error);
    return leave();
  }

  private Behavior<Object> onPostStop() {
    stream.memberStopped(memberId);
    stopped.complete(Done.getInstance());
    return this;
  }
}
