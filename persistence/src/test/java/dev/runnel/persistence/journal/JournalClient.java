package dev.runnel.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.ActorRef;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.AtomicWrite;
import akka.persistence.DeleteMessagesSuccess;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentEnvelope;
import akka.persistence.PersistentRepr;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import scala.jdk.javaapi.CollectionConverters;

/** Speaks Akka's journal protocol to the Runnel journal of a test ActorSystem. */
public final class JournalClient {

  public static final String PLUGIN = "runnel.persistence.journal";

  /** The replayed events and the highest sequence nr the journal reported. */
  public record Replay(List<Long> sequenceNrs, List<Object> payloads, long highest) {}

  private final ActorTestKit kit;
  private final ActorRef journal;

  public JournalClient(ActorTestKit kit) {
    this.kit = kit;
    this.journal =
        Persistence.get(Adapter.toClassic(kit.system())).journalFor(PLUGIN, ConfigFactory.empty());
  }

  /** One atomic write of the payloads, with consecutive sequence nrs from {@code firstSeq}. */
  public static AtomicWrite atomic(String id, long firstSeq, Object... payloads) {
    List<PersistentRepr> events = new ArrayList<>();
    for (int i = 0; i < payloads.length; i++) {
      events.add(
          PersistentRepr.apply(
              payloads[i], firstSeq + i, id, "", false, ActorRef.noSender(), "writer"));
    }
    return AtomicWrite.apply(CollectionConverters.asScala(events).toList());
  }

  /** Sends the writes as one request; the probe gets every reply of it. */
  public void send(TestProbe<Object> probe, AtomicWrite... writes) {
    List<PersistentEnvelope> envelopes = List.of(writes);
    journal.tell(
        new JournalProtocol.WriteMessages(
            CollectionConverters.asScala(envelopes).toList(), Adapter.toClassic(probe.getRef()), 1),
        ActorRef.noSender());
  }

  /** Writes as one request and waits until every event of it succeeded. */
  public void write(AtomicWrite... writes) {
    TestProbe<Object> probe = kit.createTestProbe();
    send(probe, writes);
    probe.expectMessageClass(JournalProtocol.WriteMessagesSuccessful$.class);
    for (AtomicWrite write : writes) {
      for (int i = 0; i < write.size(); i++) {
        probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class);
      }
    }
  }

  public Replay replay(String id, long from, long to, long max) {
    TestProbe<Object> probe = kit.createTestProbe();
    journal.tell(
        new JournalProtocol.ReplayMessages(from, to, max, id, Adapter.toClassic(probe.getRef())),
        ActorRef.noSender());
    List<Long> sequenceNrs = new ArrayList<>();
    List<Object> payloads = new ArrayList<>();
    while (true) {
      Object message = probe.receiveMessage();
      if (message instanceof JournalProtocol.ReplayedMessage replayed) {
        assertEquals(id, replayed.persistent().persistenceId());
        sequenceNrs.add(replayed.persistent().sequenceNr());
        payloads.add(replayed.persistent().payload());
      } else if (message instanceof JournalProtocol.RecoverySuccess success) {
        return new Replay(sequenceNrs, payloads, success.highestSequenceNr());
      } else {
        throw new AssertionError("Unexpected reply: " + message);
      }
    }
  }

  public Replay replayAll(String id) {
    return replay(id, 1, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  public void delete(String id, long toSequenceNr) {
    TestProbe<Object> probe = kit.createTestProbe();
    journal.tell(
        new JournalProtocol.DeleteMessagesTo(id, toSequenceNr, Adapter.toClassic(probe.getRef())),
        ActorRef.noSender());
    assertEquals(
        toSequenceNr, probe.expectMessageClass(DeleteMessagesSuccess.class).toSequenceNr());
  }
}
