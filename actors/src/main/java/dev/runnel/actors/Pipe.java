package dev.runnel.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * {@code pipeToSelf} without a thread per answer. Akka's own {@link ActorContext#pipeToSelf} calls
 * {@code whenComplete}, and the stages Akka's ask patterns return are Scala futures converted to
 * Java, which run every non-async callback as an async one on the common pool; with the common
 * pool's parallelism at 1 (machines with 2 cores) the JDK then starts a new thread per callback.
 * Turning the answer into a message needs no thread of its own: this runs it on the thread that
 * completes the stage.
 */
public final class Pipe {

  private Pipe() {}

  /**
   * Sends {@code self} the message {@code toMessage} makes of the stage's value or failure once the
   * stage completes; {@code toMessage} runs on the completing thread, so it must only build a
   * message.
   */
  public static <V, T> void toSelf(
      ActorContext<T> context,
      CompletionStage<V> stage,
      BiFunction<? super V, Throwable, ? extends T> toMessage) {
    ActorRef<T> self = context.getSelf();
    stage.whenCompleteAsync(
        (value, failure) -> self.tell(toMessage.apply(value, failure)), Runnable::run);
  }
}
