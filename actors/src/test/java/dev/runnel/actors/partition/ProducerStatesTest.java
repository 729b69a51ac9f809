package dev.runnel.actors.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.partition.ProducerStates.Accept;
import dev.runnel.actors.partition.ProducerStates.BatchMetadata;
import dev.runnel.actors.partition.ProducerStates.Duplicate;
import dev.runnel.actors.partition.ProducerStates.Reject;
import org.junit.jupiter.api.Test;

class ProducerStatesTest {

  private static final long PRODUCER = 42;

  /** Producer 42 in epoch 1 wrote six batches of two records: sequences 0-1 ... 10-11. */
  private static ProducerStates sixBatches() {
    ProducerStates states = ProducerStates.empty();
    for (int i = 0; i < 6; i++) {
      states =
          states.withBatch(
              PRODUCER,
              (short) 1,
              new BatchMetadata(2 * i, 2 * i + 1, 100 + 2 * i, 101 + 2 * i, 1000 + i));
    }
    return states;
  }

  private static void assertRejected(ProducerStates.Verdict verdict, ErrorCode code) {
    assertEquals(code, assertInstanceOf(Reject.class, verdict).code());
  }

  @Test
  void shouldAcceptAnyFirstSequenceOfAnUnknownProducerAndTheNextOfAKnownOne() {
    assertEquals(Accept.INSTANCE, ProducerStates.empty().check(PRODUCER, (short) 0, 17, 18));
    assertEquals(Accept.INSTANCE, sixBatches().check(PRODUCER, (short) 1, 12, 20));
  }

  @Test
  void shouldRecognizeRetriesOfTheLastFiveBatchesOnly() {
    ProducerStates states = sixBatches();

    Duplicate duplicate =
        assertInstanceOf(Duplicate.class, states.check(PRODUCER, (short) 1, 4, 5));
    assertEquals(104, duplicate.original().baseOffset());
    assertInstanceOf(Duplicate.class, states.check(PRODUCER, (short) 1, 10, 11));
    assertRejected(states.check(PRODUCER, (short) 1, 0, 1), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assertRejected(states.check(PRODUCER, (short) 1, 4, 6), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  }

  @Test
  void shouldFenceOlderEpochsAndStartNewEpochsAtZero() {
    ProducerStates states = sixBatches();

    assertRejected(states.check(PRODUCER, (short) 0, 12, 12), ErrorCode.PRODUCER_FENCED);
    assertRejected(
        states.check(PRODUCER, (short) 2, 12, 12), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assertEquals(Accept.INSTANCE, states.check(PRODUCER, (short) 2, 0, 3));
    ProducerStates bumped =
        states.withBatch(PRODUCER, (short) 2, new BatchMetadata(0, 3, 200, 203, 2000));
    assertRejected(
        bumped.check(PRODUCER, (short) 2, 10, 11), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  }

  @Test
  void shouldWrapSequencesAfterIntegerMax() {
    assertEquals(4, ProducerStates.lastSequence(Integer.MAX_VALUE - 1, 6));
    assertEquals(Integer.MAX_VALUE, ProducerStates.lastSequence(Integer.MAX_VALUE - 2, 2));
    assertEquals(0, ProducerStates.nextSequence(Integer.MAX_VALUE));
    ProducerStates states =
        ProducerStates.empty()
            .withBatch(
                PRODUCER,
                (short) 0,
                new BatchMetadata(Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 0, 1, 0));
    assertEquals(Accept.INSTANCE, states.check(PRODUCER, (short) 0, 0, 5));
  }

  @Test
  void shouldForgetProducersWhoseLastBatchIsBelowTheLogStart() {
    ProducerStates states =
        sixBatches().withBatch(7, (short) 0, new BatchMetadata(0, 0, 500, 500, 0));

    assertEquals(2, states.expireBelow(111).size());
    ProducerStates expired = states.expireBelow(112);
    assertEquals(1, expired.size());
    assertEquals(Accept.INSTANCE, expired.check(PRODUCER, (short) 0, 99, 99));
  }
}
