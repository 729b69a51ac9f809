package dev.runnel.persistence.journal;

import static dev.runnel.persistence.journal.Words.add;
import static dev.runnel.persistence.journal.Words.state;
import static dev.runnel.persistence.journal.Words.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.typed.javadsl.RetentionCriteria;
import dev.runnel.persistence.snapshot.SnapshotFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventSourcedRecoveryTest {

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
