package dev.runnel.actors.group;

import akka.Done;
import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import dev.runnel.actors.Pipe;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.group.GroupCommand.CommitOffsets;
import dev.runnel.actors.group.GroupCommand.DeleteGroup;
import dev.runnel.actors.group.GroupCommand.DescribeGroup;
import dev.runnel.actors.group.GroupCommand.FetchOffsets;
import dev.runnel.actors.group.GroupCommand.Heartbeat;
import dev.runnel.actors.group.GroupCommand.JoinGroup;
import dev.runnel.actors.group.GroupCommand.LeaveGroup;
import dev.runnel.actors.group.GroupCommand.Passivate;
import dev.runnel.actors.group.GroupCommand.ResetOffsets;
import dev.runnel.actors.group.GroupCommand.RevocationDone;
import dev.runnel.actors.group.GroupEvent.GenerationStarted;
import dev.runnel.actors.group.GroupEvent.GroupDeleted;
import dev.runnel.actors.group.GroupEvent.OffsetsCommitted;
import dev.runnel.actors.group.GroupEvent.OffsetsDropped;
import dev.runnel.actors.group.GroupMemberMessage.Assignment;
import dev.runnel.actors.group.GroupMemberMessage.RemovedFromGroup;
import dev.runnel.actors.group.GroupMemberMessage.RevokePartitions;
import dev.runnel.actors.group.assignor.PartitionAssignor;
import dev.runnel.actors.group.assignor.PartitionAssignors;
import dev.runnel.actors.topic.TopicConfigLookup;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.persistence.control.LogControl;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The coordinator of one consumer group: its members, their partitions, its generations and its
 * committed offsets. An event-sourced actor with persistence id {@code group|<groupId>} ({@link
 * GroupIds}); the cluster layer runs one per group id as a Cluster Sharding entity.
 *
 * <p><b>Persisted</b> ({@link StoredGroup}): the latest generation, the assignor of its members and
 * the committed offsets. <b>In memory only</b>: the members, what each holds and what it was asked
 * to revoke. After a restart or a move the coordinator knows no member; their heartbeats are
 * answered UNKNOWN_MEMBER_ID (or their watch of the old coordinator fires) and they join again,
 * which starts a new generation above every earlier one.
 *
 * <p><b>Rebalance.</b> A join, a leave, a member's death (its actor stopped), an expired session, a
 * changed subscription, or a change in the subscribed topics' partitions (seen by a check of the
 * topic metadata every {@code metadata-check-interval}) schedules a rebalance; changes that arrive
 * before it starts share it, and the first one of an empty group waits {@code
 * initial-rebalance-delay} for more members. A rebalance persists the next generation, computes the
 * assignment with the members' assignor from what each member holds, and then:
 *
 * <ul>
 *   <li>eager assignors ({@code range}, {@code roundrobin}): every member is told to revoke all it
 *       holds; once all have answered {@link RevocationDone}, every member gets its {@link
 *       Assignment};
 *   <li>cooperative assignors: members are told to revoke only the partitions that move, and at
 *       once get an {@link Assignment} of what they keep plus partitions nobody holds; once the
 *       moving partitions are released, their new owners get a second {@link Assignment} of the
 *       same generation.
 * </ul>
 *
 * A member that has not answered a revocation within its rebalance timeout, or sent no heartbeat
 * within its session timeout, is removed ({@link RemovedFromGroup}) and its partitions are free.
 *
 * <p><b>Fencing.</b> A member's commit is accepted only for partitions it holds now (a partition
 * being revoked stays its own until it answers) and only with the generation of its latest
 * assignment, or the one before while its messages may still cross that assignment.
 *
 * <p>Offsets remember the id of the topic they were committed for; offsets of a topic that was
 * deleted (seen gone after being seen present) or re-created (another id) are dropped.
 */
public final class GroupCoordinator
    extends EventSourcedBehaviorWithEnforcedReplies<GroupCommand, GroupEvent, StoredGroup> {

  /** Messages the coordinator sends itself; they never leave this node. */
  sealed interface Internal extends GroupCommand, NoSerializationVerificationNeeded {}

  /** A member's actor stopped. */
  private record MemberStopped(String memberId) implements Internal {}

  /** A member sent no heartbeat within its session timeout. */
  private record SessionExpired(String memberId) implements Internal {}

  /** A member did not finish revoking within its rebalance timeout. */
  private record RebalanceTimedOut(String memberId) implements Internal {}

  /** Time to start the scheduled rebalance. */
  private enum StartRebalance implements Internal {
    INSTANCE
  }

  /** Time to check the topic metadata and whether to passivate. */
  private enum Tick implements Internal {
    INSTANCE
  }

  /** The storage finished (or failed) deleting the group's data. */
  private record DeletionDone(ActorRef<DeleteGroupReply> replyTo, Throwable failure)
      implements Internal {}

  private static final String REBALANCE_TIMER = "rebalance";
  private static final String TICK_TIMER = "tick";

  private final String groupId;
  private final GroupSettings settings;
  private final TopicConfigLookup topics;
  private final ActorContext<GroupCommand> context;
  private final TimerScheduler<GroupCommand> timers;
  private final Consumer<ActorRef<GroupCommand>> passivation;
  private final LogControl logControl;

  // Membership and the rebalance in progress: in memory, touched only by the actor's thread.
  private final SortedMap<String, Member> members = new TreeMap<>();
  private GroupState phase = GroupState.EMPTY;

  /** Whether a rebalance has sent revocations whose partitions are not all assigned yet. */
  private boolean roundOpen;

  private int roundGeneration;
  private Map<String, Set<TopicPartition>> target = Map.of();

  /** The subscriptions and partition counts the current assignment was computed from. */
  private Map<String, Set<String>> assignedSubscriptions = Map.of();

  private Map<String, Integer> assignedPartitions = Map.of();

  /**
   * Topics seen in the metadata (or committed to) since start: one that disappears afterwards was
   * deleted. A topic merely absent is not enough, since this node's metadata may still be filling.
   */
  private final Set<String> topicsSeen = new HashSet<>();

  private long lastCommandNanos = System.nanoTime();
  private boolean deleting;

  private GroupCoordinator(
      String groupId,
      GroupSettings settings,
      TopicConfigLookup topics,
      ActorContext<GroupCommand> context,
      TimerScheduler<GroupCommand> timers,
      Consumer<ActorRef<GroupCommand>> passivation) {
    super(
        PersistenceId.ofUniqueId(GroupIds.persistenceId(groupId)),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.groupId = groupId;
    this.settings = settings;
    this.topics = topics;
    this.context = context;
    this.timers = timers;
    this.passivation = passivation;
    this.logControl =
        LogControl.forJournal(
            context.getSystem(), settings.journalPluginId(), settings.snapshotPluginId());
  }

  /**
   * The coordinator of {@code groupId}; when it has been empty and idle for {@code
   * passivate-idle-after} it stops itself.
   */
  public static Behavior<GroupCommand> create(
      String groupId, GroupSettings settings, TopicConfigLookup topics) {
    return create(groupId, settings, topics, self -> self.tell(Passivate.INSTANCE));
  }

  /**
   * The coordinator of {@code groupId}.
   *
   * @param topics where it finds the topics (all of them, for pattern subscriptions)
   * @param passivation called with the coordinator's own reference when it has had no members and
   *     no commands for {@code passivate-idle-after}; Cluster Sharding passes its {@code
   *     Passivate}, which is answered with {@link Passivate}
   */
  public static Behavior<GroupCommand> create(
      String groupId,
      GroupSettings settings,
      TopicConfigLookup topics,
      Consumer<ActorRef<GroupCommand>> passivation) {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(passivation, "passivation");
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new GroupCoordinator(groupId, settings, topics, context, timers, passivation)));
  }

  @Override
  public StoredGroup emptyState() {
    return StoredGroup.EMPTY;
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
    return RetentionCriteria.snapshotEvery(settings.snapshotEveryEvents(), 2)
        .withDeleteEventsOnSnapshot();
  }

  @Override
  public CommandHandlerWithReply<GroupCommand, GroupEvent, StoredGroup> commandHandler() {
    CommandHandlerWithReplyBuilder<GroupCommand, GroupEvent, StoredGroup> builder =
        newCommandHandlerWithReplyBuilder();
    builder
        .forState(state -> deleting)
        .onCommand(DeletionDone.class, this::onDeletionDone)
        .onAnyCommand(command -> Effect().stash());
    builder
        .forAnyState()
        .onCommand(JoinGroup.class, this::onJoin)
        .onCommand(Heartbeat.class, this::onHeartbeat)
        .onCommand(LeaveGroup.class, this::onLeave)
        .onCommand(RevocationDone.class, this::onRevocationDone)
        .onCommand(CommitOffsets.class, this::onCommit)
        .onCommand(FetchOffsets.class, this::onFetch)
        .onCommand(DescribeGroup.class, this::onDescribe)
        .onCommand(ResetOffsets.class, this::onReset)
        .onCommand(DeleteGroup.class, this::onDelete)
        .onCommand(Passivate.class, passivate -> Effect().stop().thenNoReply())
        .onCommand(MemberStopped.class, this::onMemberStopped)
        .onCommand(SessionExpired.class, this::onSessionExpired)
        .onCommand(RebalanceTimedOut.class, this::onRebalanceTimedOut)
        .onCommand(StartRebalance.class, this::onStartRebalance)
        .onCommand(Tick.class, this::onTick);
    CommandHandlerWithReply<GroupCommand, GroupEvent, StoredGroup> handler = builder.build();
    return (state, command) -> {
      if (command != Tick.INSTANCE) {
        lastCommandNanos = System.nanoTime();
      }
      return handler.apply(state, command);
    };
  }

  @Override
  public EventHandler<StoredGroup, GroupEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(GenerationStarted.class, (s, e) -> s.withGeneration(e.generation(), e.assignor()))
        .onEvent(OffsetsCommitted.class, (s, e) -> s.withOffsets(e.offsets()))
        .onEvent(OffsetsDropped.class, (s, e) -> s.withoutOffsets(e.partitions()))
        .onEvent(GroupDeleted.class, (s, e) -> StoredGroup.EMPTY)
        .build();
  }

  @Override
  public SignalHandler<StoredGroup> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.class,
            (state, signal) ->
                timers.startTimerWithFixedDelay(
                    TICK_TIMER, Tick.INSTANCE, settings.metadataCheckInterval()))
        .build();
  }

  // ------------------------------------------------------------------ membership

  private ReplyEffect<GroupEvent, StoredGroup> onJoin(StoredGroup state, JoinGroup join) {
    try {
      GroupIds.validate(groupId);
      checkTimeouts(join);
      if (join.subscription().byPattern()) {
        join.subscription().compiled();
      }
      PartitionAssignors.named(join.assignor())
          .orElseThrow(
              () ->
                  refusal(
                      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
                      "Unknown assignor",
                      "assignor=" + join.assignor() + ", known=" + PartitionAssignors.names()));
      Member existing =
          join.memberId().isEmpty() ? byRef(join.member()) : members.get(join.memberId());
      if (existing == null && !join.memberId().isEmpty()) {
        throw refusal(ErrorCode.UNKNOWN_MEMBER_ID, "Unknown member", "memberId=" + join.memberId());
      }
      for (Member other : members.values()) {
        if (other != existing && !other.assignor.equals(join.assignor())) {
          throw refusal(
              ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
              "The group's members use another assignor",
              "assignor=" + join.assignor() + ", groupAssignor=" + other.assignor);
        }
      }
      if (existing == null) {
        existing = addMember(join);
        scheduleRebalance();
      } else if (existing.update(join)) {
        if (!existing.ref.equals(join.member())) {
          context.unwatch(existing.ref);
          existing.ref = join.member();
          context.watchWith(existing.ref, new MemberStopped(existing.id));
        }
        scheduleRebalance();
      }
      restartSession(existing);
      int generation =
          timers.isTimerActive(REBALANCE_TIMER) ? state.generation() + 1 : state.generation();
      return Effect().reply(join.replyTo(), new JoinReply.Joined(existing.id, generation));
    } catch (RunnelException e) {
      return Effect().reply(join.replyTo(), new JoinReply.JoinFailed(e.code(), e.detail()));
    }
  }

  private void checkTimeouts(JoinGroup join) {
    Duration session = join.sessionTimeout();
    if (session.compareTo(settings.minSessionTimeout()) < 0
        || session.compareTo(settings.maxSessionTimeout()) > 0) {
      throw refusal(
          ErrorCode.INVALID_SESSION_TIMEOUT,
          "Session timeout out of range",
          "sessionTimeout="
              + session
              + ", min="
              + settings.minSessionTimeout()
              + ", max="
              + settings.maxSessionTimeout());
    }
    if (join.rebalanceTimeout().isNegative() || join.rebalanceTimeout().isZero()) {
      throw refusal(
          ErrorCode.INVALID_REQUEST,
          "Rebalance timeout must be positive",
          "rebalanceTimeout=" + join.rebalanceTimeout());
    }
  }

  private Member addMember(JoinGroup join) {
    String prefix = join.clientId().isEmpty() ? "member" : join.clientId();
    Member member = new Member(prefix + "-" + UUID.randomUUID(), join.member());
    member.update(join);
    members.put(member.id, member);
    context.watchWith(member.ref, new MemberStopped(member.id));
    context
        .getLog()
        .debug(
            "Member joined: groupId={}, memberId={}, members={}",
            groupId,
            member.id,
            members.size());
    return member;
  }

  private Member byRef(ActorRef<GroupMemberMessage> ref) {
    return members.values().stream().filter(m -> m.ref.equals(ref)).findFirst().orElse(null);
  }

  private ReplyEffect<GroupEvent, StoredGroup> onHeartbeat(StoredGroup state, Heartbeat beat) {
    Member member = members.get(beat.memberId());
    if (member == null) {
      return Effect()
          .reply(
              beat.replyTo(),
              new HeartbeatReply.HeartbeatFailed(
                  ErrorCode.UNKNOWN_MEMBER_ID, unknownMember(beat.memberId())));
    }
    if (beat.generation() > state.generation()) {
      return Effect()
          .reply(
              beat.replyTo(),
              new HeartbeatReply.HeartbeatFailed(
                  ErrorCode.ILLEGAL_GENERATION,
                  "Generation the group never had: groupId="
                      + groupId
                      + ", memberId="
                      + member.id
                      + ", generation="
                      + beat.generation()
                      + ", current="
                      + state.generation()));
    }
    member.seen(beat.generation());
    restartSession(member);
    return Effect().reply(beat.replyTo(), HeartbeatReply.HeartbeatOk.INSTANCE);
  }

  private ReplyEffect<GroupEvent, StoredGroup> onLeave(StoredGroup state, LeaveGroup leave) {
    Member member = members.get(leave.memberId());
    if (member != null) {
      remove(member, null);
    }
    return Effect().reply(leave.replyTo(), Done.getInstance());
  }

  private ReplyEffect<GroupEvent, StoredGroup> onMemberStopped(
      StoredGroup state, MemberStopped stopped) {
    Member member = members.get(stopped.memberId());
    if (member != null) {
      remove(member, null);
    }
    return Effect().noReply();
  }

  private ReplyEffect<GroupEvent, StoredGroup> onSessionExpired(
      StoredGroup state, SessionExpired expired) {
    Member member = members.get(expired.memberId());
    if (member != null) {
      remove(member, "Session expired: sessionTimeout=" + member.sessionTimeout);
    }
    return Effect().noReply();
  }

  private ReplyEffect<GroupEvent, StoredGroup> onRebalanceTimedOut(
      StoredGroup state, RebalanceTimedOut timedOut) {
    Member member = members.get(timedOut.memberId());
    if (member != null && !member.pending.isEmpty()) {
      remove(
          member,
          "Revocation not finished within the rebalance timeout: rebalanceTimeout="
              + member.rebalanceTimeout
              + ", pending="
              + sorted(member.pending));
    }
    return Effect().noReply();
  }

  /**
   * Removes a member; its partitions are free at once. {@code why} non-null: it was removed by the
   * coordinator and is told so.
   */
  private void remove(Member member, String why) {
    members.remove(member.id);
    context.unwatch(member.ref);
    timers.cancel(member.sessionTimer());
    timers.cancel(member.rebalanceTimer());
    if (why != null) {
      String message = why + ", groupId=" + groupId + ", memberId=" + member.id;
      context.getLog().info("Member removed: {}", message);
      member.ref.tell(new RemovedFromGroup(member.id, ErrorCode.UNKNOWN_MEMBER_ID, message));
    }
    scheduleRebalance();
  }

  private void restartSession(Member member) {
    timers.startSingleTimer(
        member.sessionTimer(), new SessionExpired(member.id), member.sessionTimeout);
  }

  // ------------------------------------------------------------------ rebalance

  /** Schedules a rebalance unless one is scheduled; an empty group's first waits for more joins. */
  private void scheduleRebalance() {
    if (timers.isTimerActive(REBALANCE_TIMER)) {
      return;
    }
    Duration delay = phase == GroupState.EMPTY ? settings.initialRebalanceDelay() : Duration.ZERO;
    // The group rebalances from now on, as Kafka reports it: until the new generation starts, a
    // description must not show the old one as stable with a member gone or not yet in it.
    phase = GroupState.PREPARING_REBALANCE;
    timers.startSingleTimer(REBALANCE_TIMER, StartRebalance.INSTANCE, delay);
  }

  private ReplyEffect<GroupEvent, StoredGroup> onStartRebalance(
      StoredGroup state, StartRebalance start) {
    int generation = state.generation() + 1;
    if (members.isEmpty()) {
      phase = GroupState.EMPTY;
      roundOpen = false;
      target = Map.of();
      if (state.assignor().isEmpty()) {
        return Effect().noReply();
      }
      return Effect().persist(new GenerationStarted(generation, "")).thenNoReply();
    }
    String assignorName = members.get(members.firstKey()).assignor;
    PartitionAssignor assignor = PartitionAssignors.named(assignorName).orElseThrow();
    Map<String, Set<String>> subscriptions = subscriptions(liveTopics());
    Map<String, Integer> partitions = partitionCounts(subscriptions);
    Map<String, Set<TopicPartition>> held = new HashMap<>();
    members.forEach((id, member) -> held.put(id, Set.copyOf(member.held)));
    Map<String, Set<TopicPartition>> assignment = assignor.assign(subscriptions, partitions, held);
    return Effect()
        .persist(new GenerationStarted(generation, assignorName))
        .thenRun(
            stored -> {
              assignedSubscriptions = subscriptions;
              assignedPartitions = partitions;
              beginRound(generation, assignor.cooperative(), assignment);
            })
        .thenNoReply();
  }

  /** Sends the revocations of a new generation, and under a cooperative assignor what is kept. */
  private void beginRound(
      int generation, boolean cooperative, Map<String, Set<TopicPartition>> assignment) {
    context
        .getLog()
        .debug(
            "Rebalance started: groupId={}, generation={}, members={}",
            groupId,
            generation,
            members.size());
    roundGeneration = generation;
    target = assignment;
    roundOpen = true;
    for (Member member : members.values()) {
      Set<TopicPartition> revoke = new HashSet<>(member.held);
      if (cooperative) {
        revoke.removeAll(target.getOrDefault(member.id, Set.of()));
      }
      revoke.removeAll(member.pending);
      if (!revoke.isEmpty()) {
        member.pending.addAll(revoke);
        member.ref.tell(new RevokePartitions(member.id, generation, revoke));
        if (!timers.isTimerActive(member.rebalanceTimer())) {
          timers.startSingleTimer(
              member.rebalanceTimer(), new RebalanceTimedOut(member.id), member.rebalanceTimeout);
        }
      }
    }
    if (cooperative) {
      Set<TopicPartition> taken = new HashSet<>();
      members.values().forEach(member -> taken.addAll(member.held));
      for (Member member : members.values()) {
        for (TopicPartition tp : target.getOrDefault(member.id, Set.of())) {
          if (taken.add(tp)) {
            member.held.add(tp);
          }
        }
        assign(member, generation);
      }
      phase = GroupState.COMPLETING_REBALANCE;
    } else {
      phase = GroupState.PREPARING_REBALANCE;
    }
    completeIfRevoked();
  }

  private ReplyEffect<GroupEvent, StoredGroup> onRevocationDone(
      StoredGroup state, RevocationDone done) {
    Member member = members.get(done.memberId());
    if (member != null) {
      Set<TopicPartition> released = new HashSet<>(done.revoked());
      released.retainAll(member.pending);
      member.pending.removeAll(released);
      member.held.removeAll(released);
      if (member.pending.isEmpty()) {
        timers.cancel(member.rebalanceTimer());
      }
      completeIfRevoked();
    }
    return Effect().noReply();
  }

  /** Once no member has partitions left to revoke, gives every member its whole assignment. */
  private void completeIfRevoked() {
    if (!roundOpen || members.values().stream().anyMatch(m -> !m.pending.isEmpty())) {
      return;
    }
    Map<TopicPartition, String> owners = new HashMap<>();
    members.values().forEach(m -> m.held.forEach(tp -> owners.put(tp, m.id)));
    for (Member member : members.values()) {
      Set<TopicPartition> whole = new HashSet<>();
      for (TopicPartition tp : target.getOrDefault(member.id, Set.of())) {
        String owner = owners.get(tp);
        if (owner == null || owner.equals(member.id)) {
          whole.add(tp);
        }
      }
      if (!whole.equals(member.held) || member.generation != roundGeneration) {
        member.held = whole;
        assign(member, roundGeneration);
      }
    }
    roundOpen = false;
    phase = GroupState.STABLE;
    context
        .getLog()
        .debug("Rebalance completed: groupId={}, generation={}", groupId, roundGeneration);
  }

  private void assign(Member member, int generation) {
    member.assigned(generation);
    Set<TopicPartition> active = new HashSet<>(member.held);
    active.removeAll(member.pending);
    member.ref.tell(new Assignment(member.id, generation, active));
  }

  /** The names of the topics that exist and are not being deleted. */
  private List<String> liveTopics() {
    return topics.all().stream().filter(t -> !t.deleting()).map(TopicMetadata::name).toList();
  }

  private Map<String, Set<String>> subscriptions(Collection<String> live) {
    Map<String, Set<String>> subscriptions = new TreeMap<>();
    members.forEach((id, member) -> subscriptions.put(id, member.topics(live)));
    return subscriptions;
  }

  private Map<String, Integer> partitionCounts(Map<String, Set<String>> subscriptions) {
    Map<String, Integer> counts = new TreeMap<>();
    subscriptions.values().stream()
        .flatMap(Set::stream)
        .forEach(
            topic ->
                topics
                    .topic(topic)
                    .filter(t -> !t.deleting())
                    .ifPresent(t -> counts.put(topic, t.partitions())));
    return counts;
  }

  // ------------------------------------------------------------------ metadata and idleness

  private ReplyEffect<GroupEvent, StoredGroup> onTick(StoredGroup state, Tick tick) {
    List<TopicMetadata> all = topics.all();
    all.forEach(t -> topicsSeen.add(t.name()));
    if (!members.isEmpty() && !phaseWaitsForJoins()) {
      List<String> live = all.stream().filter(t -> !t.deleting()).map(TopicMetadata::name).toList();
      Map<String, Set<String>> subscriptions = subscriptions(live);
      if (!subscriptions.equals(assignedSubscriptions)
          || !partitionCounts(subscriptions).equals(assignedPartitions)) {
        scheduleRebalance();
      }
    }
    if (members.isEmpty()
        && System.nanoTime() - lastCommandNanos > settings.passivateIdleAfter().toNanos()) {
      passivation.accept(context.getSelf());
    }
    Set<TopicPartition> dropped = new HashSet<>();
    state
        .offsets()
        .forEach(
            (tp, offset) -> {
              Optional<TopicMetadata> topic = topics.topic(tp.topic());
              if (topic.isEmpty() ? topicsSeen.contains(tp.topic()) : stale(offset, topic.get())) {
                dropped.add(tp);
              }
            });
    if (dropped.isEmpty()) {
      return Effect().noReply();
    }
    context
        .getLog()
        .info("Offsets of deleted topics dropped: groupId={}, partitions={}", groupId, dropped);
    return Effect().persist(new OffsetsDropped(dropped)).thenNoReply();
  }

  /** Whether a rebalance is scheduled and none computed yet (the initial delay). */
  private boolean phaseWaitsForJoins() {
    return timers.isTimerActive(REBALANCE_TIMER);
  }

  /** Whether an offset belongs to an earlier incarnation of its topic, or the topic is going. */
  private static boolean stale(CommittedOffset offset, TopicMetadata topic) {
    return topic.deleting()
        || (!offset.topicId().isEmpty()
            && !topic.topicId().isEmpty()
            && !offset.topicId().equals(topic.topicId()));
  }

  // ------------------------------------------------------------------ offsets

  private ReplyEffect<GroupEvent, StoredGroup> onCommit(StoredGroup state, CommitOffsets commit) {
    return refusing(
        commit.replyTo(),
        () -> {
          GroupIds.validate(groupId);
          Map<TopicPartition, CommittedOffset> offsets = checked(commit.offsets());
          if (commit.memberId().isEmpty()) {
            checkOutsideCommit(commit);
          } else {
            checkMemberCommit(commit);
          }
          return store(offsets, commit.replyTo());
        });
  }

  private void checkOutsideCommit(CommitOffsets commit) {
    if (commit.generation() != -1) {
      throw refusal(
          ErrorCode.ILLEGAL_GENERATION,
          "A commit from outside the group has generation -1",
          "generation=" + commit.generation());
    }
    if (!members.isEmpty()) {
      throw refusal(
          ErrorCode.NON_EMPTY_GROUP,
          "The group has members; only they commit",
          "members=" + members.size());
    }
  }

  private void checkMemberCommit(CommitOffsets commit) {
    Member member = members.get(commit.memberId());
    if (member == null) {
      throw new RunnelException(ErrorCode.UNKNOWN_MEMBER_ID, unknownMember(commit.memberId()));
    }
    if (commit.generation() != member.generation
        && commit.generation() != member.previousGeneration) {
      throw refusal(
          ErrorCode.ILLEGAL_GENERATION,
          "Commit from a stale generation",
          "memberId="
              + member.id
              + ", generation="
              + commit.generation()
              + ", current="
              + member.generation);
    }
    Set<TopicPartition> notOwned = new HashSet<>(commit.offsets().keySet());
    notOwned.removeAll(member.held);
    if (!notOwned.isEmpty()) {
      throw refusal(
          ErrorCode.FENCED_MEMBER_EPOCH,
          "Commit for partitions the member does not own",
          "memberId="
              + member.id
              + ", generation="
              + commit.generation()
              + ", partitions="
              + notOwned);
    }
    member.seen(commit.generation());
    restartSession(member);
  }

  private ReplyEffect<GroupEvent, StoredGroup> onReset(StoredGroup state, ResetOffsets reset) {
    return refusing(
        reset.replyTo(),
        () -> {
          GroupIds.validate(groupId);
          if (!members.isEmpty()) {
            throw refusal(
                ErrorCode.NON_EMPTY_GROUP,
                "Offsets can only be reset while the group has no members",
                "members=" + members.size());
          }
          Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
          reset.offsets().forEach((tp, offset) -> offsets.put(tp, OffsetAndMetadata.of(offset)));
          return store(checked(offsets), reset.replyTo());
        });
  }

  private ReplyEffect<GroupEvent, StoredGroup> store(
      Map<TopicPartition, CommittedOffset> offsets, ActorRef<CommitReply> replyTo) {
    if (offsets.isEmpty()) {
      return Effect().reply(replyTo, CommitReply.Committed.INSTANCE);
    }
    return Effect()
        .persist(new OffsetsCommitted(offsets))
        .thenReply(replyTo, stored -> CommitReply.Committed.INSTANCE);
  }

  /** The offsets to store, stamped; refuses unknown partitions and negative offsets. */
  private Map<TopicPartition, CommittedOffset> checked(
      Map<TopicPartition, OffsetAndMetadata> offsets) {
    long now = System.currentTimeMillis();
    Map<TopicPartition, CommittedOffset> checked = new HashMap<>();
    offsets.forEach(
        (tp, offset) -> {
          if (offset.offset() < 0) {
            throw refusal(
                ErrorCode.OFFSET_OUT_OF_RANGE,
                "Negative offset",
                "partition=" + tp + ", offset=" + offset.offset());
          }
          TopicMetadata topic =
              topics
                  .topic(tp.topic())
                  .filter(t -> !t.deleting() && tp.partition() < t.partitions())
                  .orElseThrow(
                      () ->
                          refusal(
                              ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                              "Unknown partition",
                              "partition=" + tp));
          topicsSeen.add(tp.topic());
          checked.put(
              tp, new CommittedOffset(offset.offset(), offset.metadata(), now, topic.topicId()));
        });
    return checked;
  }

  private ReplyEffect<GroupEvent, StoredGroup> onFetch(StoredGroup state, FetchOffsets fetch) {
    Map<TopicPartition, OffsetAndMetadata> found = new HashMap<>();
    state
        .offsets()
        .forEach(
            (tp, offset) -> {
              boolean asked = fetch.partitions().map(wanted -> wanted.contains(tp)).orElse(true);
              boolean current = topics.topic(tp.topic()).map(t -> !stale(offset, t)).orElse(true);
              if (asked && current) {
                found.put(tp, offset.toOffsetAndMetadata());
              }
            });
    return Effect().reply(fetch.replyTo(), new OffsetsFetched(found));
  }

  // ------------------------------------------------------------------ admin

  private ReplyEffect<GroupEvent, StoredGroup> onDescribe(
      StoredGroup state, DescribeGroup describe) {
    List<GroupDescription.MemberDescription> described =
        members.values().stream()
            .map(
                m ->
                    new GroupDescription.MemberDescription(
                        m.id, m.clientId, m.ref.path().toString(), m.held))
            .toList();
    String assignor = members.isEmpty() ? "" : members.get(members.firstKey()).assignor;
    return Effect()
        .reply(
            describe.replyTo(),
            new GroupDescription(groupId, phase, state.generation(), assignor, described));
  }

  private ReplyEffect<GroupEvent, StoredGroup> onDelete(StoredGroup state, DeleteGroup delete) {
    if (!members.isEmpty()) {
      return Effect()
          .reply(
              delete.replyTo(),
              new DeleteGroupReply.DeleteGroupFailed(
                  ErrorCode.NON_EMPTY_GROUP,
                  "A group with members cannot be deleted: groupId="
                      + groupId
                      + ", members="
                      + members.size()));
    }
    if (!state.exists()) {
      return Effect()
          .reply(
              delete.replyTo(),
              new DeleteGroupReply.DeleteGroupFailed(
                  ErrorCode.GROUP_ID_NOT_FOUND, "No such group: groupId=" + groupId));
    }
    deleting = true;
    Pipe.toSelf(
        context,
        logControl.deleteAll(GroupIds.persistenceId(groupId)),
        (done, failure) -> new DeletionDone(delete.replyTo(), failure));
    return Effect().noReply();
  }

  private ReplyEffect<GroupEvent, StoredGroup> onDeletionDone(
      StoredGroup state, DeletionDone done) {
    deleting = false;
    if (done.failure() != null) {
      context.getLog().warn("Deleting a group failed: groupId={}", groupId, done.failure());
      return Effect()
          .reply(
              done.replyTo(),
              new DeleteGroupReply.DeleteGroupFailed(
                  ErrorCode.KAFKA_STORAGE_ERROR,
                  "Deleting the group's data failed: groupId="
                      + groupId
                      + ", reason="
                      + done.failure()))
          .thenUnstashAll();
    }
    context.getLog().info("Group deleted: groupId={}", groupId);
    return Effect()
        .persist(GroupDeleted.INSTANCE)
        .thenReply(done.replyTo(), s -> DeleteGroupReply.GroupDeleted.INSTANCE)
        .thenUnstashAll();
  }

  // ------------------------------------------------------------------ helpers

  private ReplyEffect<GroupEvent, StoredGroup> refusing(
      ActorRef<CommitReply> replyTo, Supplier<ReplyEffect<GroupEvent, StoredGroup>> checked) {
    try {
      return checked.get();
    } catch (RunnelException e) {
      return Effect().reply(replyTo, new CommitReply.CommitFailed(e.code(), e.detail()));
    }
  }

  private RunnelException refusal(ErrorCode code, String what, String facts) {
    return new RunnelException(code, what + ": groupId=" + groupId + ", " + facts);
  }

  /** Partitions sorted by topic and number, for messages. */
  private static List<TopicPartition> sorted(Collection<TopicPartition> partitions) {
    return partitions.stream()
        .sorted(
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
        .toList();
  }

  private String unknownMember(String memberId) {
    return "Not a member of the group: groupId=" + groupId + ", memberId=" + memberId;
  }

  /** A member as the coordinator knows it; only the actor's thread touches it. */
  private static final class Member {
    final String id;
    ActorRef<GroupMemberMessage> ref;
    String clientId = "";
    String assignor = "";
    GroupSubscription subscription;
    Duration sessionTimeout;
    Duration rebalanceTimeout;

    /** The partitions it consumes now, those it was asked to revoke included. */
    Set<TopicPartition> held = new HashSet<>();

    /** The partitions it was asked to revoke and has not released yet. */
    final Set<TopicPartition> pending = new HashSet<>();

    /** The generation of its latest assignment, -1 before the first. */
    int generation = -1;

    /** The generation before, accepted until the member shows it knows the latest. */
    int previousGeneration = -1;

    Member(String id, ActorRef<GroupMemberMessage> ref) {
      this.id = id;
      this.ref = ref;
    }

    /** Takes the join's settings; true if its subscription or actor changed. */
    boolean update(JoinGroup join) {
      boolean changed = !join.subscription().equals(subscription) || !join.member().equals(ref);
      clientId = join.clientId();
      assignor = join.assignor();
      subscription = join.subscription();
      sessionTimeout = join.sessionTimeout();
      rebalanceTimeout = join.rebalanceTimeout();
      return changed;
    }

    Set<String> topics(Collection<String> live) {
      return subscription.select(live);
    }

    void assigned(int next) {
      if (next != generation) {
        previousGeneration = generation;
        generation = next;
      }
    }

    /** The member used {@code used}: once it is the latest, the one before is no longer valid. */
    void seen(int used) {
      if (used == generation) {
        previousGeneration = generation;
      }
    }

    String sessionTimer() {
      return "session|" + id;
    }

    String rebalanceTimer() {
      return "rebalance|" + id;
    }
  }
}
