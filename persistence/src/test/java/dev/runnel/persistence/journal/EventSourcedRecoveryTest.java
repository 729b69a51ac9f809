package dev.runnel.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import dev.runnel.persistence.snapshot.SnapshotFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventSourcedRecoveryTest {

  /** Appends each added word to a comma-separated state; events and state are Strings. */
  static final class Words extends EventSourcedBehavior<Words.Command, String, String> {

    sealed interface Command {}

    record Add(String word, ActorRef<Done> replyTo) implements Command {}

    record Get(ActorRef<String> replyTo) implements Command {}

    private final RetentionCriteria retention;

    private Words(String id, RetentionCriteria retention) {
      super(PersistenceId.ofUniqueId(id));
      this.retention = retention;
    }

    static Behavior<Command> create(String id, RetentionCriteria retention) {
      return new Words(id, retention);
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
  }

  private static List<String> words(int from, int to) {
    List<String> words = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      words.add("w" + i);
    }
    return words;
  }

  private static void add(
      ActorTestKit kit, String id, RetentionCriteria retention, List<String> words) {
    ActorRef<Words.Command> entity = kit.spawn(Words.create(id, retention));
    TestProbe<Done> done = kit.createTestProbe();
    for (String word : words) {
      entity.tell(new Words.Add(word, done.getRef()));
      done.expectMessage(Done.getInstance());
    }
  }

  private static String state(ActorTestKit kit, String id, RetentionCriteria retention) {
    ActorRef<Words.Command> entity = kit.spawn(Words.create(id, retention));
    TestProbe<String> probe = kit.createTestProbe();
    entity.tell(new Words.Get(probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void shouldRecoverEveryEventInANewActorSystem(@TempDir Path directory) {
    RetentionCriteria none = RetentionCriteria.disabled();
    ActorTestKit first = ActorTestKit.create(JournalTestConfig.under(directory));
    try {
      add(first, "words-1", none, words(1, 25));
      add(first, "words-2", none, words(1, 3));
    } finally {
      first.shutdownTestKit();
    }

    ActorTestKit second = ActorTestKit.create(JournalTestConfig.under(directory));
    try {
      assertEquals(String.join(",", words(1, 25)), state(second, "words-1", none));
      assertEquals(String.join(",", words(1, 3)), state(second, "words-2", none));
      add(second, "words-2", none, words(4, 5));
      assertEquals(String.join(",", words(1, 5)), state(second, "words-2", none));
    } finally {
      second.shutdownTestKit();
    }
  }

  @Test
  void shouldRecoverFromTheSnapshotAndTheEventsAfterIt(@TempDir Path directory) {
    // Events covered by a snapshot are deleted, so only snapshot + tail can give the state.
    RetentionCriteria everyFive =
        RetentionCriteria.snapshotEvery(5, 1).withDeleteEventsOnSnapshot();
    ActorTestKit first = ActorTestKit.create(JournalTestConfig.under(directory));
    try {
      add(first, "snapshotted", everyFive, words(1, 23));
      SegmentStorage.Storage storage =
          SegmentStorage.get(Adapter.toClassic(first.system()))
              .storage("runnel.persistence.journal");
      first
          .createTestProbe()
          .awaitAssert(
              () -> {
                assertTrue(storage.store().deletedTo("snapshotted") >= 15);
                return null;
              });
    } finally {
      first.shutdownTestKit();
    }
    assertFalse(new SnapshotFiles(directory.resolve("snapshots")).list("snapshotted").isEmpty());

    ActorTestKit second = ActorTestKit.create(JournalTestConfig.under(directory));
    try {
      assertEquals(String.join(",", words(1, 23)), state(second, "snapshotted", everyFive));
    } finally {
      second.shutdownTestKit();
    }
  }
}
