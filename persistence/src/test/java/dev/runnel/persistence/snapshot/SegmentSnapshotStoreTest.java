package dev.runnel.persistence.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorRef;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.DeleteSnapshotSuccess;
import akka.persistence.DeleteSnapshotsSuccess;
import akka.persistence.Persistence;
import akka.persistence.SaveSnapshotSuccess;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotProtocol;
import akka.persistence.SnapshotSelectionCriteria;
import com.typesafe.config.ConfigFactory;
import dev.runnel.persistence.snapshot.SnapshotFiles.SnapshotFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

class SegmentSnapshotStoreTest {

  private static final String PLUGIN = "runnel.persistence.snapshot-store";
  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir static Path directory;
  private static ActorTestKit testKit;
  private static ActorRef store;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            ConfigFactory.parseString(PLUGIN + ".dir = \"" + directory + "\"")
                .withFallback(ConfigFactory.load()));
    store =
        Persistence.get(Adapter.toClassic(testKit.system()))
            .snapshotStoreFor(PLUGIN, ConfigFactory.empty());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static String uniqueId() {
    return "snapshot-test-" + IDS.incrementAndGet();
  }

  /**
   * Saves through the store, which stamps the snapshot with the current time; returns once the
   * clock has moved past that stamp so that the next save gets a later one.
   */
  private static SnapshotMetadata save(String id, long seq, Object snapshot) {
    TestProbe<Object> probe = testKit.createTestProbe();
    store.tell(
        new SnapshotProtocol.SaveSnapshot(new SnapshotMetadata(id, seq, 0), snapshot),
        Adapter.toClassic(probe.getRef()));
    SnapshotMetadata saved = probe.expectMessageClass(SaveSnapshotSuccess.class).metadata();
    assertEquals(seq, saved.sequenceNr());
    while (System.currentTimeMillis() <= saved.timestamp()) {
      Thread.onSpinWait();
    }
    return saved;
  }

  private static Option<SelectedSnapshot> load(String id, SnapshotSelectionCriteria criteria) {
    TestProbe<Object> probe = testKit.createTestProbe();
    store.tell(
        new SnapshotProtocol.LoadSnapshot(id, criteria, Long.MAX_VALUE),
        Adapter.toClassic(probe.getRef()));
    return probe.expectMessageClass(SnapshotProtocol.LoadSnapshotResult.class).snapshot();
  }

  private static void send(Object message, Class<?> expectedReply) {
    TestProbe<Object> probe = testKit.createTestProbe();
    store.tell(message, Adapter.toClassic(probe.getRef()));
    probe.expectMessageClass(expectedReply);
  }

  @Test
  void shouldLoadTheNewestMatchingSnapshot() {
    String id = uniqueId();
    SnapshotMetadata one = save(id, 1, "one");
    save(id, 2, "two");
    SnapshotMetadata three = save(id, 3, "three");

    SelectedSnapshot latest = load(id, SnapshotSelectionCriteria.latest()).get();
    assertEquals(three, latest.metadata());
    assertEquals("three", latest.snapshot());
    assertEquals(
        "two", load(id, SnapshotSelectionCriteria.create(2, Long.MAX_VALUE)).get().snapshot());
    assertEquals(
        "one", load(id, SnapshotSelectionCriteria.create(3, one.timestamp())).get().snapshot());
    assertTrue(
        load(id, SnapshotSelectionCriteria.create(3, three.timestamp(), 3, three.timestamp() + 1))
            .isEmpty());
    assertTrue(load(id, SnapshotSelectionCriteria.none()).isEmpty());
    assertTrue(load(uniqueId(), SnapshotSelectionCriteria.latest()).isEmpty());
  }

  @Test
  void shouldKeepByteArraysAndSnapshotMetadata() {
    String id = uniqueId();
    TestProbe<Object> probe = testKit.createTestProbe();
    SnapshotMetadata metadata = new SnapshotMetadata(id, 4, 0).withMetadata("replica-a");
    store.tell(
        new SnapshotProtocol.SaveSnapshot(metadata, new byte[] {1, 2}),
        Adapter.toClassic(probe.getRef()));
    probe.expectMessageClass(SaveSnapshotSuccess.class);

    SelectedSnapshot loaded = load(id, SnapshotSelectionCriteria.latest()).get();

    assertEquals(List.of((byte) 1, (byte) 2), toList((byte[]) loaded.snapshot()));
    assertEquals(Option.apply("replica-a"), loaded.metadata().metadata());
  }

  private static List<Byte> toList(byte[] bytes) {
    return List.of(bytes[0], bytes[1]);
  }

  @Test
  void shouldFallBackToAnOlderSnapshotWhenTheNewestIsCorrupt() throws IOException {
    String id = uniqueId();
    save(id, 5, "five");
    save(id, 10, "ten");
    SnapshotFile newest = new SnapshotFiles(directory).list(id).get(0);
    byte[] bytes = Files.readAllBytes(newest.path());
    bytes[bytes.length - 1] ^= 0x55;
    Files.write(newest.path(), bytes);

    SelectedSnapshot loaded = load(id, SnapshotSelectionCriteria.latest()).get();

    assertEquals(5, loaded.metadata().sequenceNr());
    assertEquals("five", loaded.snapshot());
  }

  @Test
  void shouldFailTheLoadWhenNoMatchingSnapshotIsReadable() throws IOException {
    String id = uniqueId();
    save(id, 1, "only");
    Files.write(new SnapshotFiles(directory).list(id).get(0).path(), new byte[] {1, 2, 3});

    TestProbe<Object> probe = testKit.createTestProbe();
    store.tell(
        new SnapshotProtocol.LoadSnapshot(id, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE),
        Adapter.toClassic(probe.getRef()));

    probe.expectMessageClass(SnapshotProtocol.LoadSnapshotFailed.class);
  }

  @Test
  void shouldDeleteBySequenceNrAnyTimestampAndByCriteria() {
    String id = uniqueId();
    save(id, 1, "one");
    save(id, 2, "two");
    save(id, 2, "two-again");
    save(id, 3, "three");
    SnapshotMetadata four = save(id, 4, "four");

    send(
        new SnapshotProtocol.DeleteSnapshot(new SnapshotMetadata(id, 2, 0)),
        DeleteSnapshotSuccess.class);
    send(
        new SnapshotProtocol.DeleteSnapshot(new SnapshotMetadata(id, 4, four.timestamp() + 1)),
        DeleteSnapshotSuccess.class);
    assertEquals(
        List.of(4L, 3L, 1L),
        new SnapshotFiles(directory).list(id).stream().map(SnapshotFile::sequenceNr).toList());
    send(
        new SnapshotProtocol.DeleteSnapshots(
            id, SnapshotSelectionCriteria.create(3, Long.MAX_VALUE)),
        DeleteSnapshotsSuccess.class);

    assertEquals("four", load(id, SnapshotSelectionCriteria.latest()).get().snapshot());
    assertTrue(load(id, SnapshotSelectionCriteria.create(3, Long.MAX_VALUE)).isEmpty());
  }
}
