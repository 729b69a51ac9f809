package dev.runnel.api.internal;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.RecipientRef;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.japi.function.Function;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The two things every stage the API returns needs: it completes on the actor system's executor (so
 * an application's non-async callbacks never run on a caller's thread, an actor's thread or the
 * common pool), and it fails with a {@link RunnelException} whose {@link ErrorCode} says what went
 * wrong.
 *
 * <p>Asks whose answers are chained go through {@link #ask}: the stages Akka's ask patterns return
 * are Scala futures converted to Java, which run every non-async callback as an async one on the
 * common pool; with the common pool's parallelism at 1 (machines with 2 cores) the JDK starts a new
 * thread for each. The stage {@link #ask} returns is a plain one completed on the system's
 * executor, so callbacks chained on it stay there. An actor that only turns an answer into a
 * message to itself uses {@link dev.runnel.actors.Pipe#toSelf} on the ask's own stage instead,
 * which needs no hop to the executor.
 */
public final class Completions {

  private Completions() {}

  /**
   * Asks {@code target} (an actor or a sharded entity) and completes the answer on the system's
   * executor; a failure (no answer within {@code timeout}, the target stopped) becomes a {@link
   * RunnelException} (see {@link #toRunnelException}).
   *
   * @param request what is asked, as {@code name=value} facts for the failure's message
   */
  public static <Req, Res> CompletionStage<Res> ask(
      RecipientRef<Req> target,
      Function<ActorRef<Res>, Req> message,
      Duration timeout,
      ActorSystem<?> system,
      String request) {
    CompletionStage<Res> answer =
        target instanceof EntityRef<Req> entity
            ? entity.ask(message, timeout)
            : AskPattern.ask(target, message, timeout, system.scheduler());
    return onExecutor(answer, system.executionContext(), request);
  }

  /**
   * A stage with {@code stage}'s outcome, completed on {@code executor}; a failure becomes a {@link
   * RunnelException} (see {@link #toRunnelException}).
   *
   * @param request what was asked, as {@code name=value} facts for the failure's message
   */
  public static <T> CompletionStage<T> onExecutor(
      CompletionStage<T> stage, Executor executor, String request) {
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenCompleteAsync(
        (value, failure) -> {
          if (failure == null) {
            result.complete(value);
          } else {
            result.completeExceptionally(toRunnelException(failure, request));
          }
        },
        executor);
    return result;
  }

  /**
   * A stage failed with {@code error}, completed on {@code executor}; completed at once when the
   * executor refuses (its actor system has terminated).
   */
  public static <T> CompletionStage<T> failed(RunnelException error, Executor executor) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(() -> result.completeExceptionally(error));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(error);
    }
    return result;
  }

  /**
   * The failure as a {@link RunnelException}: one already is stays as it is; a timeout (an ask that
   * was not answered) is {@link ErrorCode#REQUEST_TIMED_OUT}; anything else (the target stopped,
   * the system is terminating) is {@link ErrorCode#NOT_AVAILABLE}, with the original as cause.
   *
   * @param request what was asked, as {@code name=value} facts
   */
  public static RunnelException toRunnelException(Throwable failure, String request) {
    Throwable cause = unwrap(failure);
    if (cause instanceof RunnelException runnel) {
      return runnel;
    }
    if (cause instanceof TimeoutException) {
      return new RunnelException(
          ErrorCode.REQUEST_TIMED_OUT, "No answer in time: " + request, cause);
    }
    return new RunnelException(
        ErrorCode.NOT_AVAILABLE,
        "Request failed: " + request + ", reason=" + cause.getClass().getSimpleName(),
        cause);
  }

  /** The failure inside the wrappers that stage combinators add. */
  public static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
