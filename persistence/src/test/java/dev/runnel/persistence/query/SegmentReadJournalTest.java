package dev.runnel.persistence.query;

import static dev.runnel.persistence.journal.JournalClient.atomic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.Offset;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import dev.runnel.persistence.journal.JournalClient;
import dev.runnel.persistence.journal.JournalTestConfig;
import dev.runnel.persistence.query.javadsl.SegmentReadJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentReadJournalTest {

  private static final AtomicInteger IDS = new AtomicInteger();
  private static final Duration QUIET = Duration.ofMillis(300);

  @TempDir static Path directory;
  private static ActorTestKit testKit;
  private static JournalClient journal;
  private static SegmentReadJournal queries;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(JournalTestConfig.under(directory));
    journal = new JournalClient(testKit);
    queries =
        PersistenceQuery.get(testKit.system())
            .getReadJournalFor(SegmentReadJournal.class, SegmentReadJournal.IDENTIFIER);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static String uniqueId() {
    return "query-test-" + IDS.incrementAndGet();
  }

  /** Writes one atomic write per event, payloads "e<seq>". */
  private static void writeEvents(String id, long from, long to) {
    for (long seq = from; seq <= to; seq++) {
      journal.write(atomic(id, seq, "e" + seq));
    }
  }

  private static <T> TestSubscriber.Probe<T> subscribe(Source<T, ?> source) {
    return source.runWith(TestSink.create(testKit.system()), testKit.system());
  }

  /** The live query of every event of {@code id}. */
  private static TestSubscriber.Probe<EventEnvelope> follow(String id) {
    return subscribe(queries.eventsByPersistenceId(id, 1, Long.MAX_VALUE));
  }

  /**
   * Asserts that a live query with demand emits nothing until event {@code seq} of {@code id} is
   * written, then emits that event; cancels the query.
   */
  private static void assertWaitsForNextWrite(
      TestSubscriber.Probe<EventEnvelope> live, String id, long seq) {
    live.expectNoMessage(QUIET);
    writeEvents(id, seq, seq);
    EventEnvelope next = live.expectNext();
    assertEquals(seq, next.sequenceNr());
    assertEquals("e" + seq, next.event());
    live.cancel();
  }

  private static List<Long> sequenceNrs(List<EventEnvelope> envelopes) {
    return envelopes.stream().map(EventEnvelope::sequenceNr).toList();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  private static List<EventEnvelope> next(TestSubscriber.Probe<EventEnvelope> probe, int n) {
    List<EventEnvelope> received = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      received.add(probe.requestNext());
    }
    return received;
  }

  @Test
  void shouldEmitTheCurrentEventsWithinTheRangeAndComplete() {
    String id = uniqueId();
    journal.write(atomic(id, 1, "e1", "e2", "e3"), atomic(id, 4, "e4"));
    writeEvents(id, 5, 6);

    TestSubscriber.Probe<EventEnvelope> all =
        subscribe(queries.currentEventsByPersistenceId(id, 0, Long.MAX_VALUE));
    List<EventEnvelope> envelopes = next(all, 6);
    all.request(1).expectComplete();
    assertEquals(range(1, 6), sequenceNrs(envelopes));
    EventEnvelope third = envelopes.get(2);
    assertEquals("e3", third.event());
    assertEquals(id, third.persistenceId());
    assertEquals(Offset.sequence(3), third.offset());
    assertTrue(third.timestamp() > 0);

    TestSubscriber.Probe<EventEnvelope> middle =
        subscribe(queries.currentEventsByPersistenceId(id, 2, 4));
    assertEquals(range(2, 4), sequenceNrs(next(middle, 3)));
    middle.request(1).expectComplete();

    subscribe(queries.currentEventsByPersistenceId(uniqueId(), 0, Long.MAX_VALUE))
        .request(1)
        .expectComplete();
  }

  @Test
  void shouldSkipDeletedEvents() {
    String id = uniqueId();
    writeEvents(id, 1, 5);
    journal.delete(id, 3);

    TestSubscriber.Probe<EventEnvelope> current =
        subscribe(queries.currentEventsByPersistenceId(id, 1, Long.MAX_VALUE));
    assertEquals(range(4, 5), sequenceNrs(next(current, 2)));
    current.request(1).expectComplete();

    journal.delete(id, Long.MAX_VALUE);
    TestSubscriber.Probe<EventEnvelope> live = follow(id);
    live.request(5);
    assertWaitsForNextWrite(live, id, 6);
  }

  @Test
  void shouldFollowWritesMadeAfterSubscribing() {
    String id = uniqueId();
    writeEvents(id, 1, 2);
    TestSubscriber.Probe<EventEnvelope> live = follow(id);
    live.request(10);
    assertEquals(1, live.expectNext().sequenceNr());
    assertEquals(2, live.expectNext().sequenceNr());
    live.expectNoMessage(QUIET);

    journal.write(atomic(id, 3, "e3", "e4"));
    writeEvents(id, 5, 5);

    assertEquals(
        List.of("e3", "e4", "e5"),
        List.of(live.expectNext().event(), live.expectNext().event(), live.expectNext().event()));
    live.cancel();

    String fresh = uniqueId();
    TestSubscriber.Probe<EventEnvelope> waiting = follow(fresh);
    waiting.request(1);
    assertWaitsForNextWrite(waiting, fresh, 1);
  }

  @Test
  void shouldEmitOnlyWhatDownstreamRequested() {
    String id = uniqueId();
    writeEvents(id, 1, 10);
    TestSubscriber.Probe<EventEnvelope> slow = follow(id);

    slow.request(3);
    assertEquals(
        range(1, 3), sequenceNrs(List.of(slow.expectNext(), slow.expectNext(), slow.expectNext())));
    writeEvents(id, 11, 20);
    slow.expectNoMessage(QUIET);

    assertEquals(range(4, 20), sequenceNrs(next(slow, 17)));
    slow.cancel();
  }

  @Test
  void shouldCompleteAtTheUpperBound() {
    String id = uniqueId();
    writeEvents(id, 1, 3);
    TestSubscriber.Probe<EventEnvelope> bounded =
        subscribe(queries.eventsByPersistenceId(id, 2, 5));
    bounded.request(10);
    assertEquals(2, bounded.expectNext().sequenceNr());
    assertEquals(3, bounded.expectNext().sequenceNr());

    journal.write(atomic(id, 4, "e4", "e5", "e6"));

    assertEquals(4, bounded.expectNext().sequenceNr());
    assertEquals(5, bounded.expectNext().sequenceNr());
    bounded.expectComplete();
  }

  @Test
  void shouldListCurrentIdsThenNewOnesOnce() throws Exception {
    String first = uniqueId();
    String second = uniqueId();
    writeEvents(first, 1, 1);
    writeEvents(second, 1, 1);

    List<String> current =
        queries
            .currentPersistenceIds()
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertTrue(current.containsAll(List.of(first, second)), current.toString());

    TestSubscriber.Probe<String> live = subscribe(queries.persistenceIds());
    live.request(10_000);
    List<String> seen = new ArrayList<>();
    String created = uniqueId();
    writeEvents(created, 1, 2);
    writeEvents(first, 2, 2);
    while (!seen.contains(created)) {
      seen.add(live.expectNext());
    }
    live.expectNoMessage(QUIET);
    live.cancel();

    assertTrue(seen.containsAll(List.of(first, second, created)), seen.toString());
    assertEquals(seen.size(), seen.stream().distinct().count(), seen.toString());
  }
}
