package dev.runnel.api.internal;

import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
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
 */
public final class Completions {

  private Completions() {}

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
