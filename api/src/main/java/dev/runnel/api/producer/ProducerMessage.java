package dev.runnel.api.producer;

import akka.NotUsed;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Producer#flow} takes and emits, in the shape of Alpakka Kafka's {@code
 * ProducerMessage}: an {@link Envelope} holds no, one or several records and a pass-through value
 * (an offset to commit, a request to answer); the flow emits the matching {@link Results}, with the
 * records' metadata and the same pass-through, in the order the envelopes came.
 */
public final class ProducerMessage {

  private ProducerMessage() {}

  /** Records to send and a value to carry along. */
  public sealed interface Envelope<K, V, P> permits Message, MultiMessage, PassThroughMessage {
    /** The value carried along to the result. */
    P passThrough();
  }

  /** One record to send. */
  public record Message<K, V, P>(ProducerRecord<K, V> record, P passThrough)
      implements Envelope<K, V, P> {
    public Message {
      Objects.requireNonNull(record, "record");
    }
  }

  /** Several records to send; the result comes when all of them are stored. */
  public record MultiMessage<K, V, P>(List<ProducerRecord<K, V>> records, P passThrough)
      implements Envelope<K, V, P> {
    public MultiMessage {
      records = List.copyOf(records);
    }
  }

  /** No record: only the pass-through goes on, in order with the others. */
  public record PassThroughMessage<K, V, P>(P passThrough) implements Envelope<K, V, P> {}

  /** An envelope for one record. */
  public static <K, V, P> Message<K, V, P> single(ProducerRecord<K, V> record, P passThrough) {
    return new Message<>(record, passThrough);
  }

  /** An envelope for one record without a pass-through. */
  public static <K, V> Message<K, V, NotUsed> single(ProducerRecord<K, V> record) {
    return new Message<>(record, NotUsed.getInstance());
  }

  /** An envelope for several records. */
  public static <K, V, P> MultiMessage<K, V, P> multi(
      List<ProducerRecord<K, V>> records, P passThrough) {
    return new MultiMessage<>(records, passThrough);
  }

  /** An envelope without records. */
  public static <K, V, P> PassThroughMessage<K, V, P> passThrough(P passThrough) {
    return new PassThroughMessage<>(passThrough);
  }

  /** What became of an envelope. */
  public sealed interface Results<K, V, P> permits Result, MultiResult, PassThroughResult {
    /** The envelope's pass-through. */
    P passThrough();
  }

  /** The record of a {@link Message} is stored at {@code metadata}. */
  public record Result<K, V, P>(RecordMetadata metadata, Message<K, V, P> message)
      implements Results<K, V, P> {

    @Override
    public P passThrough() {
      return message.passThrough();
    }

    /** The record's offset. */
    public long offset() {
      return metadata.offset();
    }
  }

  /** Every record of a {@link MultiMessage} is stored, in the envelope's order. */
  public record MultiResult<K, V, P>(List<MultiResultPart<K, V>> parts, P passThrough)
      implements Results<K, V, P> {
    public MultiResult {
      parts = List.copyOf(parts);
    }
  }

  /** One record of a {@link MultiResult} and where it was stored. */
  public record MultiResultPart<K, V>(RecordMetadata metadata, ProducerRecord<K, V> record) {}

  /** The result of a {@link PassThroughMessage}. */
  public record PassThroughResult<K, V, P>(P passThrough) implements Results<K, V, P> {}
}
