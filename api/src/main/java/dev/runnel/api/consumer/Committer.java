package dev.runnel.api.consumer;

import akka.Done;
import akka.NotUsed;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the offsets of processed records in batches, named and shaped as Alpakka Kafka's {@code
 * javadsl.Committer}. Offsets are gathered into a {@link CommittableOffsetBatch} until it holds
 * {@link CommitterSettings#maxBatch()} of them or {@link CommitterSettings#maxInterval()} passed
 * since the batch's first offset; the batch is then committed, at most {@link
 * CommitterSettings#parallelism()} at once. Batches are committed in order, and a batch is one
 * write at the coordinator per member however many records it holds.
 *
 * <p>When the stream completes (for example after {@link Consumer.Control#drainAndShutdown}), the
 * batch being gathered is committed before the stream completes. With {@link
 * CommitterSettings.CommitDelivery#WAIT_FOR_ACK} a refused commit fails the stream with the
 * coordinator's {@link dev.runnel.actors.error.RunnelException}.
 */
public final class Committer {

  private static final Logger LOG = LoggerFactory.getLogger(Committer.class);

  private Committer() {}

  /** Commits the offsets in batches and emits each batch once it is committed (or sent). */
  public static <C extends Committable> Flow<C, CommittableOffsetBatch, NotUsed> batchFlow(
      CommitterSettings settings) {
    return Flow.<C, CommittableOffsetBatch, NotUsed>fromMaterializer(
            (materializer, attributes) ->
                Flow.<C>create()
                    .groupedWeightedWithin(
                        settings.maxBatch(), Committable::batchSize, settings.maxInterval())
                    .map(CommittableOffsetBatch::of)
                    .mapAsync(
                        settings.parallelism(),
                        batch -> commit(batch, settings, materializer.executionContext())))
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  /** Commits the offsets in batches and emits {@link Done} for each batch committed (or sent). */
  public static <C extends Committable> Flow<C, Done, NotUsed> flow(CommitterSettings settings) {
    return Committer.<C>batchFlow(settings).map(batch -> Done.getInstance());
  }

  /**
   * Commits the offsets in batches; the materialized stage completes when the stream has completed
   * and its last batch is committed, or fails with the stream.
   */
  public static <C extends Committable> Sink<C, CompletionStage<Done>> sink(
      CommitterSettings settings) {
    return Committer.<C>batchFlow(settings).toMat(Sink.ignore(), Keep.right());
  }

  private static CompletionStage<CommittableOffsetBatch> commit(
      CommittableOffsetBatch batch, CommitterSettings settings, Executor executor) {
    CompletionStage<Done> committed = batch.commit();
    if (settings.delivery() == CommitterSettings.CommitDelivery.WAIT_FOR_ACK) {
      return committed.thenApplyAsync(done -> batch, executor);
    }
    committed.whenCompleteAsync(
        (done, failure) -> {
          if (failure != null) {
            LOG.warn(
                "Commit failed: batchSize={}, reason={}", batch.batchSize(), failure.toString());
          }
        },
        executor);
    return CompletableFuture.completedFuture(batch);
  }
}
