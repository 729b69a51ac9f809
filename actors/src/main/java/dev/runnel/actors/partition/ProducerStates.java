package dev.runnel.actors.partition;

import dev.runnel.actors.error.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import scala.collection.immutable.HashMap;
import scala.collection.immutable.HashMap$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What a partition knows of its idempotent producers, by producer id: the epoch and the metadata of
 * the last {@value #BATCHES_KEPT} batches written, with Kafka's rules for the next batch:
 *
 * <ul>
 *   <li>an unknown producer id may start at any sequence (it is new, or it was expired);
 *   <li>an epoch older than the known one is a fenced zombie: {@code PRODUCER_FENCED};
 *   <li>a newer epoch starts the sequence over: it must begin at 0;
 *   <li>in the same epoch, a batch with the first and last sequence of one of the kept batches is a
 *       retry of it: answered with the original offsets and not written again;
 *   <li>otherwise it must start right after the last sequence (wrapping after {@link
 *       Integer#MAX_VALUE} to 0), or it is {@code OUT_OF_ORDER_SEQUENCE_NUMBER}.
 * </ul>
 *
 * <p>A producer is forgotten once retention moved the log start past its last batch ({@link
 * #expireBelow}), as Kafka drops producer state whose batches are all deleted.
 *
 * <p>Immutable and thread-safe: a persistent hash map (Scala's {@link HashMap}) shares structure
 * between versions, so recording a batch costs about O(1) however many producers there are.
 */
final class ProducerStates {

  /** How many batches per producer are kept for duplicate detection, as in Kafka. */
  static final int BATCHES_KEPT = 5;

  /**
   * One batch a producer wrote.
   *
   * @param firstSequence the producer's sequence number of its first record
   * @param lastSequence that of its last offset slot
   * @param baseOffset the offset the partition gave its first record
   * @param lastOffset its last offset slot
   * @param maxTimestamp its largest record timestamp
   */
  record BatchMetadata(
      int firstSequence, int lastSequence, long baseOffset, long lastOffset, long maxTimestamp) {}

  /**
   * One producer's state.
   *
   * @param epoch its current epoch
   * @param batches its last batches, oldest first, at most {@value #BATCHES_KEPT}, never empty
   */
  record ProducerState(short epoch, List<BatchMetadata> batches) {
    ProducerState {
      batches = List.copyOf(batches);
      if (batches.isEmpty()) {
        throw new IllegalArgumentException("Invalid producer state: reason=no batches");
      }
    }

    BatchMetadata last() {
      return batches.get(batches.size() - 1);
    }
  }

  /** What to do with a producer's next batch. */
  sealed interface Verdict {}

  /** Write it. */
  enum Accept implements Verdict {
    INSTANCE
  }

  /** It was written before: answer with the original. */
  record Duplicate(BatchMetadata original) implements Verdict {}

  /** Refuse it. */
  record Reject(ErrorCode code, String message) implements Verdict {}

  private static final ProducerStates EMPTY = new ProducerStates(HashMap$.MODULE$.empty());

  private final HashMap<Long, ProducerState> producers;

  private ProducerStates(HashMap<Long, ProducerState> producers) {
    this.producers = producers;
  }

  static ProducerStates empty() {
    return EMPTY;
  }

  /** The states of the given producers. */
  static ProducerStates of(Map<Long, ProducerState> producers) {
    return new ProducerStates(HashMap.from(CollectionConverters.asScala(producers)));
  }

  /** The producers by id, in no particular order. */
  Map<Long, ProducerState> asMap() {
    Map<Long, ProducerState> map = new LinkedHashMap<>();
    producers.foreachEntry(
        (id, state) -> {
          map.put(id, state);
          return null;
        });
    return map;
  }

  int size() {
    return producers.size();
  }

  /** Whether a batch of the producer with these fields may be written (see the class comment). */
  Verdict check(long producerId, short epoch, int firstSequence, int lastSequence) {
    scala.Option<ProducerState> known = producers.get(producerId);
    if (known.isEmpty()) {
      return Accept.INSTANCE;
    }
    ProducerState state = known.get();
    if (epoch < state.epoch()) {
      return new Reject(
          ErrorCode.PRODUCER_FENCED,
          "Producer fenced: producerId="
              + producerId
              + ", epoch="
              + epoch
              + ", currentEpoch="
              + state.epoch());
    }
    if (epoch > state.epoch()) {
      return firstSequence == 0
          ? Accept.INSTANCE
          : outOfOrder(producerId, epoch, firstSequence, "a new epoch starts at sequence 0");
    }
    for (BatchMetadata batch : state.batches()) {
      if (batch.firstSequence() == firstSequence && batch.lastSequence() == lastSequence) {
        return new Duplicate(batch);
      }
    }
    int expected = nextSequence(state.last().lastSequence());
    return firstSequence == expected
        ? Accept.INSTANCE
        : outOfOrder(producerId, epoch, firstSequence, "expectedSequence=" + expected);
  }

  private static Reject outOfOrder(long producerId, short epoch, int sequence, String expected) {
    return new Reject(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        "Out of order sequence: producerId="
            + producerId
            + ", epoch="
            + epoch
            + ", sequence="
            + sequence
            + ", "
            + expected);
  }

  /** These states after the producer wrote a batch that {@link #check} accepted. */
  ProducerStates withBatch(long producerId, short epoch, BatchMetadata batch) {
    scala.Option<ProducerState> known = producers.get(producerId);
    List<BatchMetadata> batches = new ArrayList<>(BATCHES_KEPT);
    if (known.isDefined() && known.get().epoch() == epoch) {
      List<BatchMetadata> kept = known.get().batches();
      batches.addAll(kept.subList(Math.max(0, kept.size() - (BATCHES_KEPT - 1)), kept.size()));
    }
    batches.add(batch);
    return new ProducerStates(producers.updated(producerId, new ProducerState(epoch, batches)));
  }

  /** These states without the producers whose last batch lies below {@code logStartOffset}. */
  ProducerStates expireBelow(long logStartOffset) {
    HashMap<Long, ProducerState> kept = producers;
    for (Map.Entry<Long, ProducerState> producer : asMap().entrySet()) {
      if (producer.getValue().last().lastOffset() < logStartOffset) {
        kept = kept.removed(producer.getKey());
      }
    }
    return kept == producers ? this : new ProducerStates(kept);
  }

  /** The sequence number after {@code sequence}, wrapping to 0 as Kafka's producers do. */
  static int nextSequence(int sequence) {
    return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
  }

  /** The sequence number of a batch's last offset slot, wrapping as Kafka's producers do. */
  static int lastSequence(int firstSequence, int lastOffsetDelta) {
    return firstSequence > Integer.MAX_VALUE - lastOffsetDelta
        ? lastOffsetDelta - (Integer.MAX_VALUE - firstSequence) - 1
        : firstSequence + lastOffsetDelta;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ProducerStates that && producers.equals(that.producers);
  }

  @Override
  public int hashCode() {
    return producers.hashCode();
  }

  @Override
  public String toString() {
    return "ProducerStates[size=" + size() + "]";
  }
}
