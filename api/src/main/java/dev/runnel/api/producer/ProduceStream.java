package dev.runnel.api.producer;

import akka.NotUsed;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.api.grpc.v1.ProduceRequest;
import dev.runnel.api.grpc.v1.ProduceResponse;
import dev.runnel.api.remote.RemoteConnection;
import dev.runnel.api.remote.RemoteErrors;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one {@code ProduceStream} call a remote producer sends its batches through. One ordered
 * stream, not a unary call per batch, because the server appends a stream's batches in the order
 * sent, as the embedded producer's messages to a partition arrive in order: concurrent unary calls
 * could overtake each other, and an idempotent producer's batches would then arrive out of
 * sequence. Answers come back in the order sent, so each is matched to the oldest pending batch.
 *
 * <p>The call is opened by the first batch. When it breaks (the server restarts, the network fails)
 * every pending batch fails with a retriable error, and the producer's own retries send them again
 * under the same sequence numbers; the next call is opened by the first batch sent after {@link
 * dev.runnel.api.remote.RemoteSettings#backoff} (doubling with each failed call, reset by an
 * answer). Batches sent before then fail with {@code NOT_AVAILABLE} at once.
 *
 * <p>Thread-safe: the producer actor sends; the stream answers and ends on its own threads.
 */
final class ProduceStream {

  /**
   * Requests the stream holds before the server reads them; above that a batch fails with {@code
   * NOT_AVAILABLE} and is retried. The producer's in-flight limit per partition keeps it far off.
   */
  private static final int QUEUE_SIZE = 1024;

  private final RemoteConnection connection;
  private final ArrayDeque<CompletableFuture<ProduceResponse>> pending = new ArrayDeque<>();
  private BoundedSourceQueue<ProduceRequest> queue;
  private int failedCalls;
  private long reconnectAtNanos;
  private boolean closed;

  ProduceStream(RemoteConnection connection) {
    this.connection = connection;
  }

  /**
   * Sends the request; the stage completes with its answer, or fails as the class describes. An
   * answer that takes longer than {@code timeout} fails with a {@link TimeoutException} and ends
   * the call with every other pending batch: a call that does not answer cannot be trusted with the
   * batches after it.
   */
  synchronized CompletableFuture<ProduceResponse> send(ProduceRequest request, Duration timeout) {
    CompletableFuture<ProduceResponse> answer = new CompletableFuture<>();
    if (closed) {
      answer.completeExceptionally(
          new RunnelException(ErrorCode.NOT_AVAILABLE, "Producer closed: " + connection));
      return answer;
    }
    if (queue == null) {
      long waitNanos = reconnectAtNanos - System.nanoTime();
      if (waitNanos > 0) {
        answer.completeExceptionally(
            new RunnelException(
                ErrorCode.NOT_AVAILABLE,
                "Reconnecting to the server: server="
                    + connection
                    + ", inMs="
                    + TimeUnit.NANOSECONDS.toMillis(waitNanos)
                    + ", failedCalls="
                    + failedCalls));
        return answer;
      }
      open();
    }
    QueueOfferResult offered = queue.offer(request);
    if (offered != QueueOfferResult.enqueued()) {
      answer.completeExceptionally(
          new RunnelException(
              ErrorCode.NOT_AVAILABLE,
              "Produce stream cannot take the batch: server="
                  + connection
                  + ", queued="
                  + queue.size()
                  + ", result="
                  + offered));
      return answer;
    }
    pending.addLast(answer);
    BoundedSourceQueue<ProduceRequest> call = queue;
    answer
        .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete(
            (response, failure) -> {
              if (failure instanceof TimeoutException) {
                broken(call, failure);
                end(call, failure);
              }
            });
    return answer;
  }

  private void open() {
    Pair<BoundedSourceQueue<ProduceRequest>, Source<ProduceRequest, NotUsed>> requests =
        Source.<ProduceRequest>queue(QUEUE_SIZE).preMaterialize(connection.system());
    BoundedSourceQueue<ProduceRequest> opened = requests.first();
    queue = opened;
    connection
        .client()
        .produceStream(requests.second())
        .runWith(Sink.foreach(response -> answered(opened, response)), connection.system())
        .whenComplete((done, failure) -> broken(opened, failure));
  }

  /**
   * An answer of {@code call}. A call that timed out may still answer after the next one opened:
   * its answers belong to batches failed already, and must not complete the new call's.
   */
  private synchronized void answered(
      BoundedSourceQueue<ProduceRequest> call, ProduceResponse response) {
    if (queue != call) {
      return;
    }
    failedCalls = 0;
    CompletableFuture<ProduceResponse> oldest = pending.pollFirst();
    if (oldest != null) {
      oldest.complete(response);
    }
  }

  /** The call ended, or did not answer in time: its pending batches fail, the next call waits. */
  private synchronized void broken(BoundedSourceQueue<ProduceRequest> call, Throwable failure) {
    if (queue != call) {
      return;
    }
    queue = null;
    if (failure == null && pending.isEmpty()) {
      // Ended while idle (the server closed an idle connection, or is stopping): nothing was lost,
      // and the next batch opens a new call at once.
      reconnectAtNanos = System.nanoTime();
      return;
    }
    RunnelException error =
        failure != null
            ? RemoteErrors.toRunnelException(failure, "request=produceStream, server=" + connection)
            : new RunnelException(
                ErrorCode.NOT_AVAILABLE, "The server ended the produce stream: " + connection);
    pending.forEach(answer -> answer.completeExceptionally(error));
    pending.clear();
    reconnectAtNanos =
        System.nanoTime()
            + connection
                .settings()
                .backoff(failedCalls++, ThreadLocalRandom.current().nextDouble())
                .toNanos();
  }

  /** Ends the call once the requests sent are answered; later sends fail. */
  synchronized void close() {
    closed = true;
    if (queue != null) {
      end(queue, null);
    }
  }

  /**
   * Completes (or fails) the call's requests, which ends the call once the server answered them.
   * The queue refuses with an {@link IllegalStateException} when the call ended by itself
   * meanwhile: then there is nothing left to end.
   */
  private static void end(BoundedSourceQueue<ProduceRequest> call, Throwable failure) {
    try {
      if (failure == null) {
        call.complete();
      } else {
        call.fail(failure);
      }
    } catch (IllegalStateException ended) {
      // Already ended.
    }
  }
}
