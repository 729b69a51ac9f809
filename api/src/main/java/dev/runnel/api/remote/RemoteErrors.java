package dev.runnel.api.remote;

import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.api.grpc.GrpcErrors;
import dev.runnel.api.internal.Completions;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * How a remote client's failures become the errors the embedded API raises: the inverse of {@link
 * GrpcErrors}. A call the server refused fails with the {@link RunnelException} of the {@link
 * ErrorCode} its trailers name, so that code written against an embedded node handles a remote one
 * unchanged. A failure that did not come from Runnel is named by its gRPC status: a server that
 * cannot be reached, a call cut off (server restart, network) or cancelled is {@link
 * ErrorCode#NOT_AVAILABLE} (retriable); a missed deadline is {@link ErrorCode#REQUEST_TIMED_OUT};
 * any other status is {@link ErrorCode#INVALID_REQUEST}.
 */
public final class RemoteErrors {

  private RemoteErrors() {}

  /**
   * The failure of a remote call as a {@link RunnelException}.
   *
   * @param request what was asked, as {@code name=value} facts for the message of a failure that
   *     carries no Runnel error
   */
  public static RunnelException toRunnelException(Throwable failure, String request) {
    Throwable cause = Completions.unwrap(failure);
    if (cause instanceof RunnelException runnel) {
      return runnel;
    }
    Optional<RunnelException> named = GrpcErrors.fromGrpc(cause);
    if (named.isPresent()) {
      return named.get();
    }
    if (!(cause instanceof StatusRuntimeException grpc)) {
      // Timeouts of the client's own clock, and the client failing to connect at all.
      return Completions.toRunnelException(cause, request);
    }
    ErrorCode code =
        switch (grpc.getStatus().getCode()) {
          case UNAVAILABLE, CANCELLED, ABORTED, UNKNOWN -> ErrorCode.NOT_AVAILABLE;
          case DEADLINE_EXCEEDED -> ErrorCode.REQUEST_TIMED_OUT;
          default -> ErrorCode.INVALID_REQUEST;
        };
    return new RunnelException(
        code,
        "Remote call failed: "
            + request
            + ", status="
            + grpc.getStatus().getCode()
            + ", reason="
            + grpc.getStatus().getDescription(),
        grpc);
  }

  /**
   * A stage with the outcome of the remote call {@code call}, completed on {@code executor}; a
   * failure becomes a {@link RunnelException} ({@link #toRunnelException}).
   */
  public static <T> CompletionStage<T> onExecutor(
      CompletionStage<T> call, Executor executor, String request) {
    CompletionStage<T> named =
        call.handle(
            (value, failure) -> {
              if (failure != null) {
                throw toRunnelException(failure, request);
              }
              return value;
            });
    return Completions.onExecutor(named, executor, request);
  }

  /**
   * As {@link #onExecutor(CompletionStage, Executor, String)}, failing with {@link
   * ErrorCode#REQUEST_TIMED_OUT} when the answer takes longer than {@code timeout} (the client's
   * {@code runnel.client.request-timeout}: unary calls carry no deadline of their own).
   */
  public static <T> CompletionStage<T> onExecutor(
      CompletionStage<T> call, Duration timeout, Executor executor, String request) {
    return onExecutor(
        call.toCompletableFuture().copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS),
        executor,
        request);
  }
}
