package dev.runnel.persistence.control;

import static dev.runnel.persistence.journal.Words.add;
import static dev.runnel.persistence.journal.Words.lastSequenceNr;
import static dev.runnel.persistence.journal.Words.state;
import static dev.runnel.persistence.journal.Words.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.typed.javadsl.RetentionCriteria;
import com.typesafe.config.ConfigFactory;
import dev.runnel.persistence.journal.JournalTestConfig;
import dev.runnel.persistence.log.LogFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LogControl on the segment journal and, through Akka's plugin protocol, on the in-memory journal
 * with the local snapshot store: one ActorSystem each, entities with a unique id per test.
 */
class LogControlTest {

  private static final RetentionCriteria NO_SNAPSHOTS = RetentionCriteria.disabled();

  @TempDir static Path directory;

  private static ActorTestKit segmentKit;
  private static ActorTestKit pluginKit;

  /** The storage under test. */
  enum Storage {
    SEGMENT,
    PLUGIN;

    ActorTestKit kit() {
      return this == SEGMENT ? segmentKit : pluginKit;
    }

    LogControl control() {
      return LogControl.forJournal(kit().system(), "", "");
    }

    Path snapshots() {
      return directory.resolve(name()).resolve("snapshots");
    }
  }

  @BeforeAll
  static void start() {
    segmentKit = ActorTestKit.create(JournalTestConfig.under(directory.resolve("SEGMENT")));
    pluginKit =
        ActorTestKit.create(
            ConfigFactory.parseString(
                    String.join(
                        "\n",
                        "akka.persistence.journal.plugin = \"akka.persistence.journal.inmem\"",
                        "akka.persistence.snapshot-store.plugin ="
                            + " \"akka.persistence.snapshot-store.local\"",
                        "akka.persistence.snapshot-store.local.dir = \""
                            + Storage.PLUGIN.snapshots()
                            + "\""))
                .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    segmentKit.shutdownTestKit();
    pluginKit.shutdownTestKit();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Segment files of the id in the segment journal, by name. */
  private static List<Path> segmentFiles(String id) throws IOException {
    Path log = directory.resolve("SEGMENT/journal").resolve(LogFiles.directoryName(id));
    try (Stream<Path> files = Files.list(log)) {
      return files.filter(file -> file.toString().endsWith(".log")).sorted().toList();
    }
  }

  /** Snapshot files whose path names the id (both stores put the plain id into it). */
  private static long snapshotFiles(Storage storage, String id) throws IOException {
    if (!Files.isDirectory(storage.snapshots())) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(storage.snapshots())) {
      return files.filter(Files::isRegularFile).filter(f -> f.toString().contains(id)).count();
    }
  }

  @Test
  void shouldChooseTheStorageByTheJournalPluginClass() {
    assertInstanceOf(SegmentLogControl.class, Storage.SEGMENT.control());
    assertInstanceOf(
        SegmentLogControl.class,
        LogControl.forJournal(
            segmentKit.system(),
            "runnel.persistence.journal",
            "runnel.persistence.snapshot-store"));
    LogControl plugin = Storage.PLUGIN.control();
    assertInstanceOf(PluginLogControl.class, plugin);
    plugin.configureSegments("any", 1, Duration.ofMillis(1));
    assertEquals(OptionalLong.empty(), plugin.sizeInBytes("any"));
  }

  @Test
  void shouldRefuseCompactionOnAnyJournalButTheSegmentJournal() {
    LogCompaction compaction = new LogCompaction(7310, "B1", 0, Long.MAX_VALUE, 0.5, 0);
    CompactionNotSupportedException refused =
        assertThrows(
            CompactionNotSupportedException.class,
            () -> Storage.PLUGIN.control().configureCompaction("compacted", compaction));
    assertTrue(
        refused.getMessage().contains("journalPluginId=, persistenceId=compacted"),
        refused.getMessage());
    Storage.PLUGIN.control().configureCompaction("compacted", null);
    Storage.SEGMENT.control().configureCompaction("compacted", compaction);
    Storage.SEGMENT.control().configureCompaction("compacted", null);
  }

  @Test
  void shouldRollTheLogAtTheSegmentSizeConfiguredForIt() throws IOException {
    LogControl control = Storage.SEGMENT.control();
    control.configureSegments("rolled", 1024, Duration.ofDays(1));
    add(segmentKit, "rolled", NO_SNAPSHOTS, words(1, 40));
    add(segmentKit, "not-rolled", NO_SNAPSHOTS, words(1, 40));

    List<Path> rolled = segmentFiles("rolled");
    assertTrue(rolled.size() >= 3, "segments " + rolled);
    for (Path file : rolled) {
      assertTrue(Files.size(file) <= 1024, file + " has " + Files.size(file) + " bytes");
    }
    assertEquals(1, segmentFiles("not-rolled").size());
  }

  @Test
  void shouldReportASizeGrowingWithAppends() {
    LogControl control = Storage.SEGMENT.control();
    assertEquals(OptionalLong.of(0), control.sizeInBytes("sized"));
    add(segmentKit, "sized", NO_SNAPSHOTS, words(1, 3));
    long three = control.sizeInBytes("sized").orElseThrow();
    add(segmentKit, "sized", NO_SNAPSHOTS, words(4, 6));
    long six = control.sizeInBytes("sized").orElseThrow();
    assertTrue(three > 0 && six > three, "sizes " + three + ", " + six);
  }

  @Test
  void shouldDeleteWholeSegmentsBelowThePoint() throws Exception {
    LogControl control = Storage.SEGMENT.control();
    control.configureSegments("trimmed", 1024, Duration.ofDays(1));
    add(segmentKit, "trimmed", NO_SNAPSHOTS, words(1, 40));
    List<Path> before = segmentFiles("trimmed");

    assertEquals(Done.getInstance(), await(control.deleteEventsTo("trimmed", 25)));
    List<Path> after = segmentFiles("trimmed");
    assertTrue(after.size() < before.size(), "segments " + after);
    assertEquals(before.subList(before.size() - after.size(), before.size()), after);
    assertEquals(String.join(",", words(26, 40)), state(segmentKit, "trimmed", NO_SNAPSHOTS));
  }

  @ParameterizedTest
  @EnumSource(Storage.class)
  void shouldReplayOnlyEventsAfterTheDeletionPoint(Storage storage) throws Exception {
    String id = "deleted-to-" + storage;
    add(storage.kit(), id, NO_SNAPSHOTS, words(1, 5));
    await(storage.control().deleteEventsTo(id, 3));
    assertEquals("w4,w5", state(storage.kit(), id, NO_SNAPSHOTS));
    assertEquals(5, lastSequenceNr(storage.kit(), id, NO_SNAPSHOTS));
  }

  @ParameterizedTest
  @EnumSource(Storage.class)
  void shouldDeleteAllSoTheIdRecoversEmptyAndContinuesAbove(Storage storage) throws Exception {
    String id = "deleted-all-" + storage;
    RetentionCriteria everyFive = RetentionCriteria.snapshotEvery(5, 1);
    add(storage.kit(), id, everyFive, words(1, 7));
    storage
        .kit()
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(1, snapshotFiles(storage, id));
              return null;
            });

    await(storage.control().deleteAll(id));
    assertEquals(0, snapshotFiles(storage, id));
    if (storage == Storage.SEGMENT) {
      assertEquals(List.of(), segmentFiles(id));
    }
    assertEquals("", state(storage.kit(), id, everyFive));
    assertEquals(7, lastSequenceNr(storage.kit(), id, everyFive));

    add(storage.kit(), id, everyFive, List.of("again"));
    assertEquals("again", state(storage.kit(), id, everyFive));
    assertEquals(8, lastSequenceNr(storage.kit(), id, everyFive));
  }
}
