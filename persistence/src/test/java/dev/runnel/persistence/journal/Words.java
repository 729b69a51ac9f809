package dev.runnel.persistence.journal;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A test entity on the default journal and snapshot store: appends each added word to a
 * comma-separated state; events and state are Strings. The static helpers spawn a fresh incarnation
 * per call, so each one recovers first.
 */
public final class Words extends EventSourcedBehavior<Words.Command, String, String> {

  public sealed interface Command {}

  public record Add(String word, ActorRef<Done> replyTo) implements Command {}

  public record Get(ActorRef<String> replyTo) implements Command {}

  /** Replies the sequence number of the last event persisted or recovered. */
  public record GetLastSequenceNr(ActorRef<Long> replyTo) implements Command {}

  private final ActorContext<Command> context;
  private final RetentionCriteria retention;

  private Words(ActorContext<Command> context, String id, RetentionCriteria retention) {
    super(PersistenceId.ofUniqueId(id));
    this.context = context;
    this.retention = retention;
  }

  public static Behavior<Command> create(String id, RetentionCriteria retention) {
    return Behaviors.setup(context -> new Words(context, id, retention));
  }

  @Override
  public String emptyState() {
    return "";
  }

  @Override
  public CommandHandler<Command, String, String> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Add.class,
            (state, add) ->
                Effect().persist(add.word()).thenReply(add.replyTo(), s -> Done.getInstance()))
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state))
        .onCommand(
            GetLastSequenceNr.class,
            (state, get) -> Effect().reply(get.replyTo(), lastSequenceNumber(context)))
        .build();
  }

  @Override
  public EventHandler<String, String> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(String.class, (state, word) -> state.isEmpty() ? word : state + "," + word)
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return retention;
  }

  /** The words {@code w<from>} to {@code w<to>}. */
  public static List<String> words(int from, int to) {
    List<String> words = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      words.add("w" + i);
    }
    return words;
  }

  /**
   * Adds the words one by one, each persisted before the next is sent. The incarnation keeps
   * running, so that snapshots and retention it started can finish.
   */
  public static void add(
      ActorTestKit kit, String id, RetentionCriteria retention, List<String> words) {
    ActorRef<Command> entity = kit.spawn(create(id, retention));
    TestProbe<Done> done = kit.createTestProbe();
    for (String word : words) {
      entity.tell(new Add(word, done.getRef()));
      done.expectMessage(Done.getInstance());
    }
  }

  /** The state a new incarnation recovers. */
  public static String state(ActorTestKit kit, String id, RetentionCriteria retention) {
    return ask(kit, id, retention, Get::new);
  }

  /** The last sequence number a new incarnation recovers. */
  public static long lastSequenceNr(ActorTestKit kit, String id, RetentionCriteria retention) {
    return ask(kit, id, retention, GetLastSequenceNr::new);
  }

  private static <T> T ask(
      ActorTestKit kit,
      String id,
      RetentionCriteria retention,
      Function<ActorRef<T>, Command> command) {
    ActorRef<Command> entity = kit.spawn(create(id, retention));
    TestProbe<T> probe = kit.createTestProbe();
    entity.tell(command.apply(probe.getRef()));
    T reply = probe.receiveMessage();
    kit.stop(entity);
    return reply;
  }
}
