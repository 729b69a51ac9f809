package dev.runnel.actors.topic;

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
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.topic.TopicRegistryCommand.AllocateProducerId;
import dev.runnel.actors.topic.TopicRegistryCommand.AlterTopicConfig;
import dev.runnel.actors.topic.TopicRegistryCommand.CreatePartitions;
import dev.runnel.actors.topic.TopicRegistryCommand.CreateTopic;
import dev.runnel.actors.topic.TopicRegistryCommand.DeleteTopic;
import dev.runnel.actors.topic.TopicRegistryCommand.DescribeTopic;
import dev.runnel.actors.topic.TopicRegistryCommand.ListTopics;
import dev.runnel.actors.topic.TopicRegistryEvent.PartitionsCreated;
import dev.runnel.actors.topic.TopicRegistryEvent.ProducerIdBlockReserved;
import dev.runnel.actors.topic.TopicRegistryEvent.TopicConfigAltered;
import dev.runnel.actors.topic.TopicRegistryEvent.TopicCreated;
import dev.runnel.actors.topic.TopicRegistryEvent.TopicDeleted;
import dev.runnel.actors.topic.TopicRegistryEvent.TopicDeletionStarted;
import dev.runnel.actors.topic.TopicRegistryState.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The cluster-wide registry of topics: creates, describes, lists, alters and deletes them, and
 * hands out producer ids. An event-sourced actor with one persistence id ({@link #PERSISTENCE_ID});
 * the cluster layer runs it as a cluster singleton.
 *
 * <p>Every persisted change is published to the listener ({@link TopicPublished}, {@link
 * TopicRemoved}) after it is stored, and all topics ({@link TopicsPublished}) once recovery
 * completes, so the listener can keep every node's metadata cache current.
 *
 * <p>Deleting a topic is two events: {@link TopicDeletionStarted} (published with {@code
 * deleting=true}; the name stays taken), then the registry asks {@link PartitionDeletion} to delete
 * every partition in parallel, retries after {@code deletion-retry-delay} when that fails, and
 * persists {@link TopicDeleted} once all are gone. A deletion unfinished at a crash resumes when
 * the registry recovers.
 *
 * <p>Producer ids come from blocks of {@code producer-id-block-size}: one persisted event reserves
 * a block, the ids in it are handed out from memory, and the rest of a block is skipped after a
 * restart, so ids are unique and increasing without a write per id.
 */
public final class TopicRegistry
    extends EventSourcedBehaviorWithEnforcedReplies<
        TopicRegistryCommand, TopicRegistryEvent, TopicRegistryState> {

  /** The registry's persistence id: there is one registry per cluster. */
  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("topic-registry");

  /** What the registry tells its listener about topics. */
  public sealed interface Published extends RunnelSerializable {}

  /** Every topic (deleting ones included), once the registry has recovered. */
  public record TopicsPublished(List<TopicMetadata> all) implements Published {
    public TopicsPublished {
      all = List.copyOf(all);
    }
  }

  /** A topic was created or changed (including: its deletion started). */
  public record TopicPublished(TopicMetadata topic) implements Published {
    public TopicPublished {
      Objects.requireNonNull(topic, "topic");
    }
  }

  /** A topic's deletion ended: it is gone and its name is free. */
  public record TopicRemoved(String name) implements Published {
    public TopicRemoved {
      Objects.requireNonNull(name, "name");
    }
  }

  /** Messages the registry sends itself; they never leave this node. */
  sealed interface Internal extends TopicRegistryCommand, NoSerializationVerificationNeeded {}

  /** Every partition of the topic was deleted by deletion attempt {@code attempt}. */
  private record PartitionsDeleted(String name, long attempt) implements Internal {}

  /** Deletion attempt {@code attempt} failed for at least one partition of the topic. */
  private record PartitionDeletionFailed(String name, long attempt, Throwable cause)
      implements Internal {}

  /** Time to try again to delete the topic's partitions. */
  private record RetryDeletion(String name) implements Internal {}

  private final ActorContext<TopicRegistryCommand> context;
  private final TimerScheduler<TopicRegistryCommand> timers;
  private final TopicRegistrySettings settings;
  private final ActorRef<Published> listener;
  private final PartitionDeletion deletion;

  // Bookkeeping in memory, not event-sourced state: both are reset when recovery completes.
  /** The next producer id of the reserved block; equal to its end when the block is used up. */
  private long nextProducerId;

  /** Numbers deletion attempts so that a result of an abandoned attempt is recognized. */
  private long lastDeletionAttempt;

  /** The pending deletion attempt of each topic being deleted. */
  private final Map<String, Long> deletionsInFlight = new HashMap<>();

  private TopicRegistry(
      PersistenceId persistenceId,
      ActorContext<TopicRegistryCommand> context,
      TimerScheduler<TopicRegistryCommand> timers,
      TopicRegistrySettings settings,
      ActorRef<Published> listener,
      PartitionDeletion deletion) {
    // A journal failure restarts the registry (recovering again) rather than stop it: the cluster
    // has only this one.
    super(
        persistenceId,
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.listener = listener;
    this.deletion = deletion;
  }

  /**
   * The registry's behavior.
   *
   * @param listener told every change after it is persisted (see {@link Published})
   * @param deletion deletes the partitions of deleted topics
   */
  public static Behavior<TopicRegistryCommand> create(
      TopicRegistrySettings settings, ActorRef<Published> listener, PartitionDeletion deletion) {
    return create(PERSISTENCE_ID, settings, listener, deletion);
  }

  /** A registry under another persistence id, so that tests can keep registries apart. */
  static Behavior<TopicRegistryCommand> create(
      PersistenceId persistenceId,
      TopicRegistrySettings settings,
      ActorRef<Published> listener,
      PartitionDeletion deletion) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(deletion, "deletion");
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new TopicRegistry(
                        persistenceId, context, timers, settings, listener, deletion)));
  }

  @Override
  public TopicRegistryState emptyState() {
    return TopicRegistryState.EMPTY;
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
    return RetentionCriteria.snapshotEvery(settings.snapshotEveryEvents(), 2);
  }

  @Override
  public CommandHandlerWithReply<TopicRegistryCommand, TopicRegistryEvent, TopicRegistryState>
      commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(CreateTopic.class, this::onCreateTopic)
        .onCommand(DescribeTopic.class, this::onDescribeTopic)
        .onCommand(ListTopics.class, this::onListTopics)
        .onCommand(AlterTopicConfig.class, this::onAlterTopicConfig)
        .onCommand(CreatePartitions.class, this::onCreatePartitions)
        .onCommand(DeleteTopic.class, this::onDeleteTopic)
        .onCommand(AllocateProducerId.class, this::onAllocateProducerId)
        .onCommand(PartitionsDeleted.class, this::onPartitionsDeleted)
        .onCommand(PartitionDeletionFailed.class, this::onPartitionDeletionFailed)
        .onCommand(RetryDeletion.class, this::onRetryDeletion)
        .build();
  }

  @Override
  public EventHandler<TopicRegistryState, TopicRegistryEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            TopicCreated.class,
            (state, e) ->
                state.with(new Topic(e.name(), e.partitions(), e.configs(), false, e.topicId())))
        .onEvent(
            TopicConfigAltered.class,
            (state, e) -> state.with(existing(state, e.name()).withConfigs(e.configs())))
        .onEvent(
            PartitionsCreated.class,
            (state, e) -> state.with(existing(state, e.name()).withPartitions(e.partitions())))
        .onEvent(
            TopicDeletionStarted.class,
            (state, e) -> state.with(existing(state, e.name()).markedDeleting()))
        .onEvent(TopicDeleted.class, (state, e) -> state.without(e.name()))
        .onEvent(
            ProducerIdBlockReserved.class, (state, e) -> state.withProducerIdBlockEnd(e.blockEnd()))
        .build();
  }

  @Override
  public SignalHandler<TopicRegistryState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.class, (state, signal) -> onRecoveryCompleted(state))
        .build();
  }

  private void onRecoveryCompleted(TopicRegistryState state) {
    nextProducerId = state.producerIdBlockEnd();
    deletionsInFlight.clear();
    listener.tell(
        new TopicsPublished(state.topics().values().stream().map(this::metadata).toList()));
    state.topics().values().stream().filter(Topic::deleting).forEach(this::startDeletion);
  }

  private ReplyEffect<TopicRegistryEvent, TopicRegistryState> onCreateTopic(
      TopicRegistryState state, CreateTopic command) {
    String name = command.name();
    return refusing(
        command.replyTo(),
        () -> {
          TopicNames.validate(name);
          Topic existing = state.topic(name).orElse(null);
          if (existing != null) {
            throw existing.deleting()
                ? beingDeleted(name)
                : new RunnelException(
                    ErrorCode.TOPIC_ALREADY_EXISTS, "Topic already exists: name=" + name);
          }
          Topic colliding = state.collidingWith(name).orElse(null);
          if (colliding != null) {
            throw collision(name, colliding);
          }
          int partitions =
              command.partitions() == -1 ? settings.defaultPartitions() : command.partitions();
          if (partitions < 1) {
            throw new RunnelException(
                ErrorCode.INVALID_PARTITIONS,
                "Invalid partition count: name="
                    + name
                    + ", partitions="
                    + command.partitions()
                    + ", allowed=>= 1, or -1 for the default");
          }
          Map<String, String> configs = TopicConfigs.canonical(command.configs());
          return Effect()
              .persist(new TopicCreated(name, partitions, configs, UUID.randomUUID().toString()))
              .thenRun(
                  created -> {
                    context
                        .getLog()
                        .info("Topic created: name={}, partitions={}", name, partitions);
                    publish(created, name);
                  })
              .thenReply(command.replyTo(), created -> ok(created, name));
        });
  }

  private ReplyEffect<TopicRegistryEvent, TopicRegistryState> onDescribeTopic(
      TopicRegistryState state, DescribeTopic command) {
    return refusing(
        command.replyTo(),
        () -> Effect().reply(command.replyTo(), ok(state, known(state, command.name()).name())));
  }

  private ReplyEffect<TopicRegistryEvent, TopicRegistryState> onListTopics(
      TopicRegistryState state, ListTopics command) {
    return Effect()
        .reply(
            command.replyTo(),
            new TopicList(state.topics().values().stream().map(this::metadata).toList()));
  }

  private ReplyEffect<TopicRegistryEvent, TopicRegistryState> onAlterTopicConfig(
      TopicRegistryState state, AlterTopicConfig command) {
    String name = command.name();
    return refusing(
        command.replyTo(),
        () -> {
          Topic topic = live(state, name);
          Set<String> both = new TreeSet<>(command.set().keySet());
          both.retainAll(command.reset());
          if (!both.isEmpty()) {
            throw new RunnelException(
                ErrorCode.INVALID_REQUEST,
                "A setting cannot be both set and reset: name=" + name + ", keys=" + both);
          }
          TopicConfigs.requireKnown(command.reset());
          Map<String, String> changed = new HashMap<>(topic.configs());
          changed.keySet().removeAll(command.reset());
          changed.putAll(command.set());
          Map<String, String> configs = TopicConfigs.canonical(changed);
          if (configs.equals(topic.configs())) {
            return Effect().reply(command.replyTo(), ok(state, name));
          }
          return Effect()
              .persist(new TopicConfigAltered(name, configs))
              .thenRun(altered -> publish(altered, name))
              .thenReply(command.replyTo(), altered -> ok(altered, name));
        });
  }

  private ReplyEffect<TopicRegistryEvent, TopicRegistryState> onCreatePartitions(
      TopicRegistryState state, CreatePartitions command) {
    String name = command.name();
    return refusing(
        command.replyTo(),
        () -> {
          Topic topic = live(state, name);
          if (command.totalCount() <= topic.partitions()) {
            throw new RunnelException(
                ErrorCode.INVALID_PARTITIONS,
                "Partitions can only grow: name="
                    + name
                    + ", partitions="
                    + topic.partitions()
                    + ", requested="
                    + command.totalCount());
          }
          return Effect()
              .persist(new PartitionsCreated(name, command.totalCount()))
              .thenRun(grown -> publish(grown, name))
              .thenReply(command.replyTo(), grown -> ok(grown, name));
        });
  }

  private ReplyEffect<TopicRegistryEvent, TopicRegistryState> onDeleteTopic(
      TopicRegistryState state, DeleteTopic command) {
    String name = command.name();
    return refusing(
        command.replyTo(),
        () -> {
          if (known(state, name).deleting()) {
            return Effect().reply(command.replyTo(), ok(state, name));
          }
          return Effect()
              .persist(new TopicDeletionStarted(name))
              .thenRun(
                  deleting -> {
                    context.getLog().info("Topic deletion started: name={}", name);
                    publish(deleting, name);
                    startDeletion(existing(deleting, name));
                  })
              .thenReply(command.replyTo(), deleting -> ok(deleting, name));
        });
  }

  private ReplyEffect<TopicRegistryEvent, TopicRegistryState> onAllocateProducerId(
      TopicRegistryState state, AllocateProducerId command) {
    if (nextProducerId < state.producerIdBlockEnd()) {
      long id = nextProducerId++;
      return Effect().reply(command.replyTo(), new ProducerIdAllocated(id));
    }
    long first = state.producerIdBlockEnd();
    return Effect()
        .persist(new ProducerIdBlockReserved(first + settings.producerIdBlockSize()))
        .thenRun(reserved -> nextProducerId = first + 1)
        .thenReply(command.replyTo(), reserved -> new ProducerIdAllocated(first));
  }

  private ReplyEffect<TopicRegistryEvent, TopicRegistryState> onPartitionsDeleted(
      TopicRegistryState state, PartitionsDeleted result) {
    String name = result.name();
    if (!isPending(state, name, result.attempt())) {
      return Effect().noReply();
    }
    deletionsInFlight.remove(name);
    return Effect()
        .persist(new TopicDeleted(name))
        .thenRun(
            deleted -> {
              context.getLog().info("Topic deleted: name={}", name);
              listener.tell(new TopicRemoved(name));
            })
        .thenNoReply();
  }

  private ReplyEffect<TopicRegistryEvent, TopicRegistryState> onPartitionDeletionFailed(
      TopicRegistryState state, PartitionDeletionFailed result) {
    String name = result.name();
    if (!isPending(state, name, result.attempt())) {
      return Effect().noReply();
    }
    deletionsInFlight.remove(name);
    Throwable cause =
        result.cause() instanceof CompletionException && result.cause().getCause() != null
            ? result.cause().getCause()
            : result.cause();
    context
        .getLog()
        .warn(
            "Deleting the partitions of a topic failed, will retry: name={}, partitions={},"
                + " retryIn={}",
            name,
            existing(state, name).partitions(),
            settings.deletionRetryDelay(),
            cause);
    timers.startSingleTimer(
        "retry-deletion|" + name, new RetryDeletion(name), settings.deletionRetryDelay());
    return Effect().noReply();
  }

  private ReplyEffect<TopicRegistryEvent, TopicRegistryState> onRetryDeletion(
      TopicRegistryState state, RetryDeletion retry) {
    state
        .topic(retry.name())
        .filter(topic -> topic.deleting() && !deletionsInFlight.containsKey(topic.name()))
        .ifPresent(this::startDeletion);
    return Effect().noReply();
  }

  /** Asks for every partition of the topic to be deleted, in parallel, as one attempt. */
  private void startDeletion(Topic topic) {
    String name = topic.name();
    long attempt = ++lastDeletionAttempt;
    deletionsInFlight.put(name, attempt);
    CompletableFuture<?>[] partitions =
        IntStream.range(0, topic.partitions())
            .mapToObj(partition -> deletePartition(new TopicPartition(name, partition)))
            .toArray(CompletableFuture[]::new);
    context.pipeToSelf(
        CompletableFuture.allOf(partitions),
        (done, failure) ->
            failure == null
                ? new PartitionsDeleted(name, attempt)
                : new PartitionDeletionFailed(name, attempt, failure));
  }

  private CompletableFuture<Done> deletePartition(TopicPartition tp) {
    try {
      return deletion.deletePartition(tp).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Whether {@code attempt} is the pending deletion of a topic still being deleted. */
  private boolean isPending(TopicRegistryState state, String name, long attempt) {
    return Long.valueOf(attempt).equals(deletionsInFlight.get(name))
        && state.topic(name).map(Topic::deleting).orElse(false);
  }

  /**
   * Runs a command's checks and returns its effect, or replies {@link TopicReply.TopicFailed} with
   * the {@link RunnelException} a check threw.
   */
  private ReplyEffect<TopicRegistryEvent, TopicRegistryState> refusing(
      ActorRef<TopicReply> replyTo,
      Supplier<ReplyEffect<TopicRegistryEvent, TopicRegistryState>> checkedEffect) {
    try {
      return checkedEffect.get();
    } catch (RunnelException e) {
      return Effect().reply(replyTo, new TopicReply.TopicFailed(e.code(), e.detail()));
    }
  }

  private void publish(TopicRegistryState state, String name) {
    listener.tell(new TopicPublished(metadata(existing(state, name))));
  }

  private TopicReply ok(TopicRegistryState state, String name) {
    return new TopicReply.TopicOk(metadata(existing(state, name)));
  }

  private TopicMetadata metadata(Topic topic) {
    return topic.metadata(settings.topicDefaults());
  }

  /** The topic, also while it is being deleted; UNKNOWN_TOPIC_OR_PARTITION if there is none. */
  private static Topic known(TopicRegistryState state, String name) {
    return state
        .topic(name)
        .orElseThrow(
            () ->
                new RunnelException(
                    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Unknown topic: name=" + name));
  }

  /** The topic if it exists and is not being deleted. */
  private static Topic live(TopicRegistryState state, String name) {
    Topic topic = known(state, name);
    if (topic.deleting()) {
      throw beingDeleted(name);
    }
    return topic;
  }

  /** A topic that a persisted event or a checked command names: its absence is a bug. */
  private static Topic existing(TopicRegistryState state, String name) {
    return state
        .topic(name)
        .orElseThrow(
            () -> new IllegalStateException("No such topic in the registry: name=" + name));
  }

  private static RunnelException beingDeleted(String name) {
    return new RunnelException(
        ErrorCode.TOPIC_DELETION_IN_PROGRESS, "Topic is being deleted: name=" + name);
  }

  private static RunnelException collision(String name, Topic colliding) {
    String facts =
        "name="
            + name
            + ", existing="
            + colliding.name()
            + ", reason=names may not differ only in '.' versus '_'";
    return colliding.deleting()
        ? new RunnelException(
            ErrorCode.TOPIC_DELETION_IN_PROGRESS,
            "Topic name collides with a topic being deleted: " + facts)
        : new RunnelException(
            ErrorCode.INVALID_TOPIC_EXCEPTION,
            "Topic name collides with an existing topic: " + facts);
  }
}
