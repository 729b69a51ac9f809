package dev.runnel.api.producer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.persistence.record.CompressionCodec;
import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.persistence.record.RecordBatchCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.junit.jupiter.api.Test;

class PartitionSenderTest {

  private static final TopicPartition TP = new TopicPartition("events", 3);
  private static final long BACKOFF = 100;
  private static final long DELIVERY_TIMEOUT = 10_000;
  private static final RecordBatchCodec CODEC = new RecordBatchCodec();

  /** A sender with an accumulator that closes a batch after every record, and what came of it. */
  private static final class Harness implements PartitionSender.Outcomes {
    final RecordAccumulator accumulator = new RecordAccumulator(1, 0, CODEC);
    final PartitionSender sender;
    final List<ProducerBatch> sent = new ArrayList<>();
    final List<ProducerBatch> succeeded = new ArrayList<>();
    final List<RunnelException> failures = new ArrayList<>();
    final List<ProducerBatch> failed = new ArrayList<>();
    long now;

    Harness(boolean idempotent, int maxInFlight) {
      sender =
          new PartitionSender(
              TP, idempotent, maxInFlight, DELIVERY_TIMEOUT, BACKOFF, CompressionCodec.NONE, this);
    }

    /** Adds {@code count} one-record batches. */
    List<ProducerBatch.Entry> add(int count) {
      List<ProducerBatch.Entry> entries = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] value = {(byte) i};
        ProducerBatch.Entry entry =
            new ProducerBatch.Entry(now, null, value, List.of(), 40, new CompletableFuture<>());
        accumulator.append(TP, entry, now);
        entries.add(entry);
      }
      return entries;
    }

    /** Drains, and returns what went out this time. */
    List<ProducerBatch> drain() {
      int before = sent.size();
      sender.drain(now, accumulator, sent::add);
      return List.copyOf(sent.subList(before, sent.size()));
    }

    @Override
    public void succeeded(ProducerBatch batch, long baseOffset, long logAppendTime) {
      succeeded.add(batch);
    }

    @Override
    public void failed(ProducerBatch batch, RunnelException error) {
      failed.add(batch);
      failures.add(error);
    }
  }

  private static RecordBatch decode(ProducerBatch batch) {
    byte[] bytes = batch.seal(-1, (short) -1, -1, CompressionCodec.NONE);
    return CODEC.decode(ByteBuffer.wrap(bytes));
  }

  private static Harness idempotent(int maxInFlight, long producerId) {
    Harness h = new Harness(true, maxInFlight);
    assertTrue(h.sender.needsProducerId());
    h.sender.producerIdRequested();
    assertFalse(h.sender.needsProducerId(), "asked once");
    h.sender.producerIdAssigned(producerId);
    return h;
  }

  @Test
  void shouldWaitForAProducerIdThenPipelineUpToMaxInFlightWithConsecutiveSequences() {
    Harness h = new Harness(true, 5);
    h.add(7);
    assertTrue(h.drain().isEmpty(), "nothing goes out without a producer id");
    h.sender.producerIdAssigned(42);

    List<ProducerBatch> first = h.drain();

    assertEquals(5, first.size());
    for (int i = 0; i < 5; i++) {
      RecordBatch batch = decode(first.get(i));
      assertEquals(42, batch.producerId());
      assertEquals(0, batch.producerEpoch());
      assertEquals(i, batch.baseSequence());
    }
    h.sender.onSuccess(first.get(1), 1, -1);
    assertEquals(1, h.drain().size(), "an answer frees a slot, even out of order");
    h.sender.onSuccess(first.get(0), 0, -1);
    ProducerBatch last = h.drain().get(0);
    assertEquals(6, decode(last).baseSequence());
    assertEquals(List.of(first.get(1), first.get(0)), h.succeeded);
  }

  @Test
  void shouldResendFailedBatchesOneAtATimeInOrderWithTheSameBytes() {
    Harness h = idempotent(5, 7);
    h.add(3);
    List<ProducerBatch> sent = h.drain();
    byte[] firstBytes = sent.get(0).seal(0, (short) 0, 0, CompressionCodec.NONE);

    h.sender.onFailure(sent.get(0), ErrorCode.REQUEST_TIMED_OUT, "ask timed out", h.now);
    h.add(1);
    assertTrue(h.drain().isEmpty(), "nothing goes out while batches are in flight");
    h.sender.onFailure(sent.get(1), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "gap", h.now);
    h.sender.onFailure(sent.get(2), ErrorCode.NOT_AVAILABLE, "moved", h.now);
    assertTrue(h.drain().isEmpty(), "retries wait for the backoff");
    assertEquals(BACKOFF, h.sender.nextRetryNanos());

    h.now = BACKOFF;
    List<ProducerBatch> retry = h.drain();
    assertEquals(List.of(sent.get(0)), retry, "the oldest goes out alone");
    assertArrayEquals(firstBytes, retry.get(0).seal(9, (short) 0, 9, CompressionCodec.LZ4));
    h.sender.onSuccess(sent.get(0), 0, -1);
    assertEquals(List.of(sent.get(1)), h.drain());
    h.sender.onSuccess(sent.get(1), 1, -1);
    assertEquals(List.of(sent.get(2)), h.drain());
    h.sender.onSuccess(sent.get(2), 2, -1);

    ProducerBatch next = h.drain().get(0);
    assertEquals(3, decode(next).baseSequence(), "back to pipelining with the next sequence");
    assertEquals(sent, h.succeeded);
    assertTrue(h.failures.isEmpty());
  }

  @Test
  void shouldFailABatchWhenItsDeliveryTimeoutPassesWithTheLastErrorAsCause() {
    Harness h = idempotent(5, 7);
    h.add(1);
    ProducerBatch batch = h.drain().get(0);
    while (h.now < DELIVERY_TIMEOUT) {
      h.sender.onFailure(batch, ErrorCode.KAFKA_STORAGE_ERROR, "disk full", h.now);
      h.now += BACKOFF;
      h.drain();
    }

    assertEquals(List.of(batch), h.failed);
    RunnelException error = h.failures.get(0);
    assertEquals(ErrorCode.REQUEST_TIMED_OUT, error.code());
    assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, ((RunnelException) error.getCause()).code());
    assertTrue(
        error.getMessage().contains("topic=events, partition=3, records=1, attempts=100"),
        error.getMessage());
  }

  @Test
  void shouldFailANonRetriableBatchAndResealLaterOnesUnderANewProducerId() {
    Harness h = idempotent(5, 7);
    List<ProducerBatch.Entry> entries = h.add(3);
    List<ProducerBatch> sent = h.drain();
    h.sender.onSuccess(sent.get(0), 0, -1);
    h.sender.onFailure(sent.get(1), ErrorCode.RECORD_TOO_LARGE, "max.message.bytes=10", h.now);
    h.sender.onFailure(sent.get(2), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "gap", h.now);

    assertTrue(h.drain().isEmpty());
    assertEquals(List.of(sent.get(1)), h.failed);
    assertEquals(ErrorCode.RECORD_TOO_LARGE, h.failures.get(0).code());
    assertTrue(h.sender.needsProducerId(), "the gap needs a new producer id");
    h.sender.producerIdRequested();
    h.sender.producerIdAssigned(8);

    List<ProducerBatch> resent = h.drain();
    assertEquals(List.of(sent.get(2)), resent);
    RecordBatch resealed = decode(resent.get(0));
    assertEquals(8, resealed.producerId());
    assertEquals(0, resealed.baseSequence());
    assertArrayEquals(entries.get(2).value(), resealed.records().get(0).value());
  }

  @Test
  void shouldFailAnOutOfOrderAnswerToTheOldestBatch() {
    Harness h = idempotent(5, 7);
    h.add(2);
    List<ProducerBatch> sent = h.drain();

    h.sender.onFailure(sent.get(0), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "expected=5", h.now);
    h.sender.onFailure(sent.get(1), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "expected=5", h.now);
    h.drain();

    assertEquals(List.of(sent.get(0)), h.failed);
    assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, h.failures.get(0).code());
    assertTrue(h.sender.needsProducerId());
    h.sender.producerIdRequested();
    h.sender.producerIdAssigned(9);
    assertEquals(0, decode(h.drain().get(0)).baseSequence());
  }

  /** Sends two batches, the second created {@code BACKOFF} later, so that it expires later. */
  private static List<ProducerBatch> sendTwoApart(Harness h) {
    h.add(1);
    List<ProducerBatch> sent = new ArrayList<>(h.drain());
    h.now = BACKOFF;
    h.add(1);
    sent.addAll(h.drain());
    assertEquals(2, sent.size());
    return sent;
  }

  @Test
  void shouldResendTheNextBatchAsItWasWhenAnExpiredOneMayBeInTheLog() {
    Harness h = idempotent(5, 7);
    List<ProducerBatch> sent = sendTwoApart(h);
    h.sender.onFailure(sent.get(0), ErrorCode.REQUEST_TIMED_OUT, "ask timed out", h.now);
    h.sender.onFailure(sent.get(1), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "gap", h.now);

    h.now = DELIVERY_TIMEOUT;
    List<ProducerBatch> resent = h.drain();

    assertEquals(List.of(sent.get(0)), h.failed, "the first expired");
    assertEquals(List.of(sent.get(1)), resent, "the second goes out unchanged to probe the gap");
    assertEquals(7, decode(resent.get(0)).producerId());
    assertFalse(h.sender.needsProducerId());

    h.sender.onFailure(resent.get(0), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "gap", h.now);
    assertTrue(h.drain().isEmpty());
    assertTrue(h.sender.needsProducerId(), "the gap is real: start over with a new id");
    h.sender.producerIdRequested();
    h.sender.producerIdAssigned(8);
    ProducerBatch resealed = h.drain().get(0);
    assertSame(sent.get(1), resealed);
    assertEquals(8, decode(resealed).producerId());
    h.sender.onSuccess(resealed, 1, -1);
    assertEquals(List.of(sent.get(1)), h.succeeded);
  }

  @Test
  void shouldKeepTheProducerIdWhenTheProbeShowsTheExpiredBatchWasWritten() {
    Harness h = idempotent(5, 7);
    List<ProducerBatch> sent = sendTwoApart(h);
    h.sender.onFailure(sent.get(0), ErrorCode.REQUEST_TIMED_OUT, "ask timed out", h.now);
    h.sender.onFailure(sent.get(1), ErrorCode.REQUEST_TIMED_OUT, "ask timed out", h.now);
    h.now = DELIVERY_TIMEOUT;
    ProducerBatch probe = h.drain().get(0);

    h.sender.onSuccess(probe, 1, -1);
    h.add(1);

    assertFalse(h.sender.needsProducerId());
    RecordBatch next = decode(h.drain().get(0));
    assertEquals(7, next.producerId());
    assertEquals(2, next.baseSequence());
  }

  @Test
  void shouldFailEverythingAndSendNothingMoreOnceFenced() {
    Harness h = idempotent(5, 7);
    h.add(3);
    List<ProducerBatch> sent = h.drain();

    h.sender.onFailure(sent.get(1), ErrorCode.PRODUCER_FENCED, "epoch=1", h.now);
    h.sender.onSuccess(sent.get(0), 0, -1);
    h.add(1);

    assertEquals(sent, h.failed);
    assertTrue(h.succeeded.isEmpty(), "answers after the fence are ignored");
    assertTrue(h.drain().isEmpty());
    assertEquals(ErrorCode.PRODUCER_FENCED, h.sender.fatalError().code());
  }

  @Test
  void shouldTakeADuplicateAnswerAsSuccess() {
    Harness h = idempotent(5, 7);
    h.add(1);
    ProducerBatch batch = h.drain().get(0);

    h.sender.onFailure(batch, ErrorCode.DUPLICATE_SEQUENCE_NUMBER, "seen", h.now);

    assertEquals(List.of(batch), h.succeeded);
    assertTrue(h.sender.isIdle());
  }

  @Test
  void shouldSendWithoutProducerFieldsWhenNotIdempotent() {
    Harness h = new Harness(false, 1);
    h.add(2);
    assertFalse(h.sender.needsProducerId());

    List<ProducerBatch> sent = h.drain();

    assertEquals(1, sent.size());
    RecordBatch batch = decode(sent.get(0));
    assertEquals(RecordBatch.NO_PRODUCER_ID, batch.producerId());
    assertEquals(RecordBatch.NO_SEQUENCE, batch.baseSequence());
    h.sender.onFailure(sent.get(0), ErrorCode.RECORD_TOO_LARGE, "too large", h.now);
    assertEquals(1, h.drain().size(), "the next batch goes out after the failure");
    assertFalse(h.sender.needsProducerId());
  }

  @Test
  void shouldWrapSequencesAsKafkaDoes() {
    int[][] cases = {{0, 1}, {5, 10}, {Integer.MAX_VALUE, 1}, {Integer.MAX_VALUE - 3, 10}};
    for (int[] c : cases) {
      int expected = DefaultRecordBatch.incrementSequence(c[0], c[1]);
      assertEquals(expected, PartitionSender.incrementSequence(c[0], c[1]));
    }
    assertNotEquals(Integer.MIN_VALUE, PartitionSender.incrementSequence(Integer.MAX_VALUE, 1));
    assertInstanceOf(Integer.class, PartitionSender.incrementSequence(0, 0));
  }
}
