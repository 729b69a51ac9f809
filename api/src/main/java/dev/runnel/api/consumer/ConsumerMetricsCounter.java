package dev.runnel.api.consumer;

import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link ConsumerMetrics}, shared by a stream's stages. Thread-safe. */
final class ConsumerMetricsCounter {

  private final LongAdder batchesReceived = new LongAdder();
  private final LongAdder recordsReceived = new LongAdder();
  private final LongAdder recordsEmitted = new LongAdder();
  private final LongAdder readerRestarts = new LongAdder();

  void batchReceived() {
    batchesReceived.increment();
  }

  void recordsReceived(int count) {
    recordsReceived.add(count);
  }

  void recordEmitted() {
    recordsEmitted.increment();
  }

  void readerRestarted() {
    readerRestarts.increment();
  }

  ConsumerMetrics snapshot() {
    return new ConsumerMetrics(
        batchesReceived.sum(), recordsReceived.sum(), recordsEmitted.sum(), readerRestarts.sum());
  }
}
