package dev.runnel.api.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.actors.TopicPartition;
import dev.runnel.api.producer.RecordAccumulator.Appended;
import dev.runnel.persistence.record.CompressionCodec;
import dev.runnel.persistence.record.Header;
import dev.runnel.persistence.record.Record;
import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.persistence.record.RecordBatchCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordAccumulatorTest {

  private static final long LINGER = TimeUnit.MILLISECONDS.toNanos(5);
  private static final TopicPartition P0 = new TopicPartition("orders", 0);
  private static final TopicPartition P1 = new TopicPartition("orders", 1);
  private static final RecordBatchCodec CODEC = new RecordBatchCodec();

  private static ProducerBatch.Entry entry(int valueBytes) {
    return entry(new byte[valueBytes]);
  }

  private static ProducerBatch.Entry entry(byte[] value) {
    return new ProducerBatch.Entry(
        1L,
        null,
        value,
        List.of(),
        (int) RecordSizes.record(null, value, List.of()),
        new CompletableFuture<>());
  }

  @Test
  void shouldHoldAnOpenBatchUntilItsLingerRunsOut() {
    RecordAccumulator accumulator = new RecordAccumulator(16384, LINGER, CODEC);
    assertEquals(Appended.OPENED, accumulator.append(P0, entry(10), 1000));
    assertEquals(Appended.JOINED, accumulator.append(P0, entry(10), 2000));

    assertFalse(accumulator.isReady(P0, 1000 + LINGER - 1));
    assertNull(accumulator.poll(P0, 1000 + LINGER - 1));
    assertEquals(1000 + LINGER, accumulator.nextLingerDeadline(2000));
    assertTrue(accumulator.isReady(P0, 1000 + LINGER));
    assertEquals(List.of(P0), accumulator.partitions());

    ProducerBatch batch = accumulator.poll(P0, 1000 + LINGER);
    assertEquals(2, batch.recordCount());
    assertTrue(batch.isClosed());
    assertTrue(accumulator.isEmpty());
    assertEquals(Long.MAX_VALUE, accumulator.nextLingerDeadline(1000 + LINGER));
  }

  @Test
  void shouldCloseABatchWhenTheNextRecordWouldPassBatchSize() {
    ProducerBatch.Entry record = entry(100);
    int batchSize = (int) (RecordSizes.BATCH_OVERHEAD + 2.5 * record.estimatedBytes());
    RecordAccumulator accumulator = new RecordAccumulator(batchSize, LINGER, CODEC);
    accumulator.append(P0, entry(100), 0);
    accumulator.append(P0, entry(100), 0);
    assertFalse(accumulator.isReady(P0, 0));

    assertEquals(Appended.OPENED, accumulator.append(P0, entry(100), 0));

    assertTrue(accumulator.isReady(P0, 0), "the first batch is closed by the third record");
    ProducerBatch first = accumulator.poll(P0, 0);
    assertEquals(2, first.recordCount());
    assertTrue(first.estimatedBytes() <= batchSize);
    assertFalse(accumulator.isReady(P0, 0), "the third record waits in an open batch");
  }

  @Test
  void shouldGiveARecordLargerThanBatchSizeABatchOfItsOwn() {
    RecordAccumulator accumulator = new RecordAccumulator(1024, LINGER, CODEC);
    accumulator.append(P0, entry(10), 0);

    assertEquals(
        Appended.FILLED, accumulator.append(P0, entry(5000), 0), "an oversized record fills one");
    accumulator.append(P0, entry(10), 0);

    assertEquals(1, accumulator.poll(P0, 0).recordCount());
    ProducerBatch large = accumulator.poll(P0, 0);
    assertEquals(1, large.recordCount());
    assertEquals(5000, large.entries().get(0).value().length);
    assertNull(accumulator.poll(P0, 0), "the last record lingers");
  }

  @Test
  void shouldKeepPartitionsApartAndBatchesInOrder() {
    RecordAccumulator accumulator = new RecordAccumulator(1024, LINGER, CODEC);
    List<ProducerBatch.Entry> p0 = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ProducerBatch.Entry e = entry(100);
      p0.add(e);
      accumulator.append(P0, e, i);
      accumulator.append(P1, entry(1), i);
    }
    accumulator.closeAll();

    List<ProducerBatch.Entry> drained = new ArrayList<>();
    ProducerBatch batch;
    while ((batch = accumulator.poll(P0, 0)) != null) {
      drained.addAll(batch.entries());
    }
    assertEquals(p0, drained);
    int p1Records = 0;
    while ((batch = accumulator.poll(P1, 0)) != null) {
      p1Records += batch.recordCount();
    }
    assertEquals(30, p1Records);
    assertTrue(accumulator.isEmpty());
  }

  @Test
  void shouldKeepEachThreadsOrderAndLoseNothingWhileThreadsAppendAndOneDrains() throws Exception {
    int threads = 4;
    int perThread = 20_000;
    RecordAccumulator accumulator = new RecordAccumulator(1024, 0, CODEC);
    List<TopicPartition> partitions = List.of(P0, P1);
    ExecutorService senders = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> sent = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      sent.add(
          senders.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  accumulator.append(partitions.get(i % 2), entry(thread, i), System.nanoTime());
                }
                return null;
              }));
    }
    Map<TopicPartition, List<ProducerBatch.Entry>> drained = new HashMap<>();
    partitions.forEach(tp -> drained.put(tp, new ArrayList<>()));
    start.countDown();
    boolean sending = true;
    while (sending) {
      sending = !sent.stream().allMatch(Future::isDone);
      if (!sending) {
        accumulator.closeAll(); // the last open batches, as a flush does
      }
      for (TopicPartition tp : accumulator.partitions()) {
        ProducerBatch batch;
        while ((batch = accumulator.poll(tp, System.nanoTime())) != null) {
          assertTrue(batch.isClosed());
          drained.get(tp).addAll(batch.entries());
        }
      }
    }
    for (Future<?> future : sent) {
      future.get(); // rethrows what a sender thread threw
    }
    senders.shutdown();

    assertTrue(accumulator.isEmpty());
    for (int p = 0; p < partitions.size(); p++) {
      int[] next = new int[threads];
      for (ProducerBatch.Entry entry : drained.get(partitions.get(p))) {
        ByteBuffer value = ByteBuffer.wrap(entry.value());
        int thread = value.getInt();
        int index = value.getInt();
        assertEquals(next[thread] * 2 + p, index, "thread=" + thread + ", partition=" + p);
        next[thread]++;
      }
      for (int t = 0; t < threads; t++) {
        assertEquals(perThread / 2, next[t], "all records of thread=" + t + ", partition=" + p);
      }
    }
  }

  private static ProducerBatch.Entry entry(int thread, int index) {
    return entry(ByteBuffer.allocate(100).putInt(thread).putInt(index).array());
  }

  @Test
  void shouldExpireOnlyBatchesOlderThanTheDeliveryTimeout() {
    RecordAccumulator accumulator = new RecordAccumulator(16384, LINGER, CODEC);
    accumulator.append(P0, entry(10), 0);
    accumulator.append(P1, entry(10), 50);

    List<ProducerBatch> expired = accumulator.expire(100, 100);

    assertEquals(1, expired.size());
    assertSame(P0, expired.get(0).partition());
    assertFalse(accumulator.isEmpty());
    assertEquals(1, accumulator.drainAll().size());
  }

  @Test
  void shouldEncodeNoLargerThanTheEstimate() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      ProducerBatch batch = new ProducerBatch(P0, 0, CODEC.writer());
      int records = 1 + random.nextInt(20);
      for (int i = 0; i < records; i++) {
        byte[] key = random.nextBoolean() ? null : new byte[random.nextInt(300)];
        byte[] value = random.nextInt(10) == 0 ? null : new byte[random.nextInt(20_000)];
        List<Header> headers = new ArrayList<>();
        for (int h = random.nextInt(3); h > 0; h--) {
          headers.add(new Header("ключ-" + "€".repeat(random.nextInt(50)), new byte[h]));
        }
        long timestamp = random.nextBoolean() ? random.nextLong() >>> 1 : 1_700_000_000_000L;
        batch.add(
            new ProducerBatch.Entry(
                timestamp,
                key,
                value,
                headers,
                (int) RecordSizes.record(key, value, headers),
                new CompletableFuture<>()));
      }

      byte[] encoded = batch.seal(Long.MAX_VALUE, (short) 0, 7, CompressionCodec.NONE);

      assertTrue(
          encoded.length <= batch.estimatedBytes(),
          "encoded=" + encoded.length + ", estimated=" + batch.estimatedBytes());
    }
  }

  @Test
  void shouldSealOnceSoThatARetrySendsTheSameBytesAndSequence() {
    ProducerBatch batch = new ProducerBatch(P0, 0, CODEC.writer());
    batch.add(entry(300)); // zeros, so that LZ4 makes the records smaller and is kept
    batch.add(
        new ProducerBatch.Entry(
            5L,
            "k".getBytes(StandardCharsets.UTF_8),
            null,
            List.of(new Header("h", null)),
            64,
            new CompletableFuture<>()));

    byte[] first = batch.seal(12, (short) 0, 40, CompressionCodec.LZ4);
    byte[] second = batch.seal(13, (short) 0, 99, CompressionCodec.NONE);

    assertSame(first, second);
    assertEquals(12, batch.producerId());
    assertEquals(40, batch.baseSequence());
    RecordBatch decoded = CODEC.decode(ByteBuffer.wrap(first));
    assertEquals(12, decoded.producerId());
    assertEquals(0, decoded.producerEpoch());
    assertEquals(40, decoded.baseSequence());
    assertEquals(CompressionCodec.LZ4, decoded.compression());
    assertEquals(
        new Record(
            1, 5L, "k".getBytes(StandardCharsets.UTF_8), null, List.of(new Header("h", null))),
        decoded.records().get(1));
  }
}
