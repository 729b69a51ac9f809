package dev.runnel.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.ActorRef;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.Tagged;
import akka.serialization.SerializationExtension;
import dev.runnel.persistence.journal.JournalEntryCodec.StoredEvent;
import dev.runnel.persistence.log.LogEntry;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

class JournalEntryCodecTest {

  private static ActorTestKit testKit;
  private static JournalEntryCodec codec;

  /** No serializer is bound to this class. */
  record Unserializable(int value) {}

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    codec = new JournalEntryCodec(SerializationExtension.get(testKit.system()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static PersistentRepr event(Object payload, long seq, String manifest, long timestamp) {
    return PersistentRepr.apply(payload, seq, "codec", manifest, false, ActorRef.noSender(), "w-1")
        .withTimestamp(timestamp);
  }

  static AtomicWrite write(PersistentRepr... events) {
    return AtomicWrite.apply(CollectionConverters.asScala(List.of(events)).toList());
  }

  @Test
  void shouldRoundTripEveryFieldOfEveryEvent() {
    AtomicWrite write =
        write(
            event("first", 7, "", 100),
            event(new byte[] {1, 2, 3}, 8, "adapter-v2", 0).withMetadata("meta"),
            event(new Tagged("tagged", Set.of("t")), 9, "", 300));

    LogEntry entry = codec.encode(write, 250);
    List<StoredEvent> events = codec.decode(entry);

    assertEquals(7, entry.firstSequenceNr());
    assertEquals(3, entry.count());
    assertEquals(300, entry.timestamp());
    assertEquals(List.of(7L, 8L, 9L), events.stream().map(StoredEvent::sequenceNr).toList());
    PersistentRepr first = codec.toRepr("codec", events.get(0));
    assertEquals("first", first.payload());
    assertEquals(100, first.timestamp());
    assertEquals("w-1", first.writerUuid());
    assertEquals("codec", first.persistenceId());
    PersistentRepr second = codec.toRepr("codec", events.get(1));
    assertEquals(3, ((byte[]) second.payload()).length);
    assertEquals("adapter-v2", second.manifest());
    assertEquals(250, second.timestamp());
    assertEquals(scala.Option.apply("meta"), second.metadata());
    assertEquals("tagged", codec.toRepr("codec", events.get(2)).payload());
  }

  @Test
  void shouldRefuseAnEventWithoutSerializer() {
    AtomicWrite write = write(event("fine", 1, "", 1), event(new Unserializable(1), 2, "", 1));

    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> codec.encode(write, 1));

    assertEquals(true, error.getMessage().contains("class=" + Unserializable.class.getName()));
  }

  @Test
  void shouldReportAMalformedPayloadWithItsSequenceNr() {
    LogEntry entry = codec.encode(write(event("x", 5, "", 1)), 1);
    ByteBuffer cut = entry.payload().duplicate();
    cut.limit(cut.limit() - 1);

    IllegalStateException error =
        assertThrows(
            IllegalStateException.class, () -> codec.decode(new LogEntry(5, 1, 1, cut.slice())));

    assertEquals(true, error.getMessage().contains("firstSequenceNr=5"), error.getMessage());
  }
}
