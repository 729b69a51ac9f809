package dev.runnel.persistence.journal;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.SignalHandler;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs in its own JVM for {@link JournalCrashTest}: event-sourced entities append to the journal
 * with {@code fsync = always} as fast as they can, and after every acknowledged write append "pid
 * highestSequenceNr" to a side file, until the test kills the JVM with SIGKILL. Each entity's
 * events are "pid:n" for n = 1, 2, 3, ..., written in atomic writes of 1 to 5 events.
 */
public final class CrashingJournalWriter {

  static final int ENTITIES = 4;

  private CrashingJournalWriter() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    FileChannel acks =
        FileChannel.open(
            Path.of(args[1]),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.setup(
                ctx -> {
                  for (int i = 0; i < ENTITIES; i++) {
                    ctx.spawn(Writer.create(pid(i), acks), "writer-" + i);
                  }
                  return Behaviors.empty();
                }),
            "crashing-writer",
            config(dir));
    system.getWhenTerminated(); // runs until killed
  }

  static String pid(int entity) {
    return "crash-" + entity;
  }

  static Config config(Path dir) {
    return ConfigFactory.parseString(
            "akka.persistence.journal.plugin = \"runnel.persistence.journal\"\n"
                + "akka.persistence.snapshot-store.plugin = \"runnel.persistence.snapshot-store\"\n"
                + "runnel.persistence.journal.fsync = always\n"
                + "runnel.persistence.journal.dir = \""
                + dir.resolve("journal")
                + "\"\n"
                + "runnel.persistence.snapshot-store.dir = \""
                + dir.resolve("snapshots")
                + "\"\n")
        .withFallback(ConfigFactory.load());
  }

  /** Persists the next events each time its own write was acknowledged. */
  static final class Writer extends EventSourcedBehavior<Writer.Append, String, Long> {
    enum Append {
      NEXT
    }

    private final String pid;
    private final ActorContext<Append> context;
    private final FileChannel acks;

    static Behavior<Append> create(String pid, FileChannel acks) {
      return Behaviors.setup(ctx -> new Writer(pid, ctx, acks));
    }

    private Writer(String pid, ActorContext<Append> context, FileChannel acks) {
      super(PersistenceId.ofUniqueId(pid));
      this.pid = pid;
      this.context = context;
      this.acks = acks;
    }

    @Override
    public Long emptyState() {
      return 0L;
    }

    @Override
    public CommandHandler<Append, String, Long> commandHandler() {
      return newCommandHandlerBuilder().forAnyState().onAnyCommand(this::appendNext);
    }

    private Effect<String, Long> appendNext(Long highest, Append next) {
      int count = ThreadLocalRandom.current().nextInt(1, 6);
      List<String> events = new ArrayList<>(count);
      for (int i = 1; i <= count; i++) {
        events.add(pid + ":" + (highest + i));
      }
      return Effect()
          .persist(events)
          .thenRun(
              written -> {
                acknowledge(written);
                context.getSelf().tell(Append.NEXT);
              });
    }

    private void acknowledge(long highest) {
      try {
        // One write call per line: SIGKILL cannot tear it, and the page cache outlives the JVM.
        acks.write(ByteBuffer.wrap((pid + " " + highest + "\n").getBytes(StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public EventHandler<Long, String> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((highest, event) -> highest + 1);
    }

    @Override
    public SignalHandler<Long> signalHandler() {
      return newSignalHandlerBuilder()
          .onSignal(RecoveryCompleted.instance(), state -> context.getSelf().tell(Append.NEXT))
          .build();
    }
  }
}
