package dev.runnel.bench;

import akka.actor.AbstractActor;
import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.actor.Props;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentRepr;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Drives the journal plugin through Akka's own journal protocol, exactly as persistent actors do:
 * serialization, group commit and the per-event replies included.
 */
final class JournalBenchmark implements AutoCloseable {

  static final String JOURNAL = "runnel.persistence.journal";

  private final ActorSystem system;
  private final ActorRef journal;

  JournalBenchmark(Path dir, String fsync) {
    Config config =
        ConfigFactory.parseString(
                "akka.loglevel = WARNING\n"
                    + "akka.persistence.journal.plugin = \""
                    + JOURNAL
                    + "\"\n"
                    + JOURNAL
                    + ".dir = \""
                    + dir.toAbsolutePath()
                    + "\"\n"
                    + JOURNAL
                    + ".fsync = "
                    + fsync)
            .withFallback(ConfigFactory.load());
    this.system = ActorSystem.create("bench", config);
    this.journal = Persistence.get(system).journalFor(JOURNAL, ConfigFactory.empty());
  }

  /** Like {@link EngineBenchmark#append}, through the journal actor. */
  Throughput append(String pidPrefix, int writers, int batch, int eventBytes, double seconds)
      throws Exception {
    byte[] payload = Payloads.random(eventBytes);
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    List<CompletableFuture<Long>> results = new ArrayList<>();
    long start = System.nanoTime();
    for (int w = 0; w < writers; w++) {
      CompletableFuture<Long> result = new CompletableFuture<>();
      String pid = pidPrefix + "-" + writers + "-" + batch + "-" + w;
      system.actorOf(
          Props.create(
              Writer.class, () -> new Writer(journal, pid, batch, payload, deadline, result)));
      results.add(result);
    }
    long events = 0;
    for (CompletableFuture<Long> result : results) {
      events += result.get((long) seconds + 120, TimeUnit.SECONDS);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new Throughput(events, events * eventBytes, elapsed);
  }

  /** Replays one persistence id completely through the journal protocol. */
  Throughput replay(String pid, int eventBytes) throws Exception {
    CompletableFuture<Long> result = new CompletableFuture<>();
    long start = System.nanoTime();
    system.actorOf(Props.create(Replayer.class, () -> new Replayer(journal, pid, result)));
    long events = result.get(300, TimeUnit.SECONDS);
    return new Throughput(events, events * eventBytes, (System.nanoTime() - start) / 1e9);
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** One persistence id writing atomic writes of {@code batch} events, one in flight at a time. */
  static final class Writer extends AbstractActor {
    private final ActorRef journal;
    private final String pid;
    private final int batch;
    private final byte[] payload;
    private final long deadline;
    private final CompletableFuture<Long> result;
    private final String writerUuid = UUID.randomUUID().toString();
    private long nextSeq = 1;

    Writer(
        ActorRef journal,
        String pid,
        int batch,
        byte[] payload,
        long deadline,
        CompletableFuture<Long> result) {
      this.journal = journal;
      this.pid = pid;
      this.batch = batch;
      this.payload = payload;
      this.deadline = deadline;
      this.result = result;
    }

    @Override
    public void preStart() {
      writeNext();
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(JournalProtocol.WriteMessageSuccess.class, success -> {})
          .matchEquals(JournalProtocol.WriteMessagesSuccessful$.MODULE$, done -> writeNext())
          .matchAny(this::fail)
          .build();
    }

    private void writeNext() {
      if (System.nanoTime() >= deadline) {
        result.complete(nextSeq - 1);
        getContext().stop(getSelf());
        return;
      }
      List<PersistentRepr> events = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        events.add(
            PersistentRepr.apply(
                payload, nextSeq++, pid, "", false, ActorRef.noSender(), writerUuid));
      }
      AtomicWrite write = AtomicWrite.apply(CollectionConverters.asScala(events).toList());
      journal.tell(
          new JournalProtocol.WriteMessages(
              CollectionConverters.asScala(List.<akka.persistence.PersistentEnvelope>of(write))
                  .toList(),
              getSelf(),
              1),
          getSelf());
    }

    private void fail(Object reply) {
      result.completeExceptionally(new IllegalStateException("journal replied " + reply));
      getContext().stop(getSelf());
    }
  }

  /** Counts the events a full replay of one persistence id delivers. */
  static final class Replayer extends AbstractActor {
    private final CompletableFuture<Long> result;
    private long events;

    Replayer(ActorRef journal, String pid, CompletableFuture<Long> result) {
      this.result = result;
      journal.tell(
          new JournalProtocol.ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE, pid, getSelf()),
          getSelf());
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(JournalProtocol.ReplayedMessage.class, replayed -> events++)
          .match(JournalProtocol.RecoverySuccess.class, done -> finish())
          .matchAny(
              reply -> {
                result.completeExceptionally(new IllegalStateException("journal replied " + reply));
                getContext().stop(getSelf());
              })
          .build();
    }

    private void finish() {
      result.complete(events);
      getContext().stop(getSelf());
    }
  }
}
