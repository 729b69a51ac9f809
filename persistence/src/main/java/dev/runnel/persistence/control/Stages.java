package dev.runnel.persistence.control;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** CompletionStage plumbing of this package. Stateless. */
final class Stages {

  private Stages() {}

  /**
   * A stage completed like {@code stage}, always on {@code executor} (so callers' callbacks never
   * run on an io or plugin thread), failed with the original exception rather than a {@link
   * CompletionException} around it.
   */
  static <T> CompletionStage<T> completeOn(CompletionStage<T> stage, Executor executor) {
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenCompleteAsync(
        (value, failure) -> {
          if (failure == null) {
            result.complete(value);
          } else if (failure instanceof CompletionException && failure.getCause() != null) {
            result.completeExceptionally(failure.getCause());
          } else {
            result.completeExceptionally(failure);
          }
        },
        executor);
    return result;
  }
}
