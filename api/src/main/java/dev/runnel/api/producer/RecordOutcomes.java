package dev.runnel.api.producer;

import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.persistence.record.TimestampType;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Where records end: gives their {@code buffer.memory} back and completes their stages, always on
 * the system's executor, so that an application's callbacks never run on the producer actor's or a
 * sending thread.
 *
 * <p>Thread-safe: the producer actor reports batches, and sending threads report records that their
 * routing refused.
 */
final class RecordOutcomes implements PartitionSender.Outcomes {

  private final ProducerAccess access;
  private final BufferPool pool;
  private final Executor executor;

  RecordOutcomes(ProducerAccess access, BufferPool pool, Executor executor) {
    this.access = access;
    this.pool = pool;
    this.executor = executor;
  }

  @Override
  public void succeeded(ProducerBatch batch, long baseOffset, long logAppendTime) {
    pool.release(batch.bufferedBytes());
    TopicPartition tp = batch.partition();
    boolean appendTime =
        logAppendTime >= 0
            && access
                .lastKnown(tp.topic())
                .map(t -> t.config().messageTimestampType() == TimestampType.LOG_APPEND_TIME)
                .orElse(false);
    List<ProducerBatch.Entry> entries = batch.entries();
    onExecutor(
        () -> {
          for (int i = 0; i < entries.size(); i++) {
            ProducerBatch.Entry entry = entries.get(i);
            long offset = baseOffset < 0 ? RecordMetadata.UNKNOWN_OFFSET : baseOffset + i;
            long timestamp = appendTime ? logAppendTime : entry.timestamp();
            entry
                .result()
                .complete(new RecordMetadata(tp.topic(), tp.partition(), offset, timestamp));
          }
        });
  }

  @Override
  public void failed(ProducerBatch batch, RunnelException error) {
    pool.release(batch.bufferedBytes());
    List<ProducerBatch.Entry> entries = batch.entries();
    onExecutor(() -> entries.forEach(entry -> entry.result().completeExceptionally(error)));
  }

  /** One record failed before it joined a batch. */
  void failed(ProducerBatch.Entry entry, RunnelException error) {
    pool.release(entry.estimatedBytes());
    onExecutor(() -> entry.result().completeExceptionally(error));
  }

  /**
   * Runs {@code completion} on the system's executor; inline only when the executor refuses (the
   * system is terminating).
   */
  void onExecutor(Runnable completion) {
    try {
      executor.execute(completion);
    } catch (RejectedExecutionException e) {
      completion.run();
    }
  }
}
