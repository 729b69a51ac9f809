package dev.runnel.api.consumer;

/**
 * A record read in a consumer group with the offset to commit once it has been processed, as
 * Alpakka Kafka's {@code ConsumerMessage.CommittableMessage}.
 *
 * @param record the record
 * @param committableOffset its offset, to pass to a {@link Committer}
 * @param <K> the key type
 * @param <V> the value type
 */
public record CommittableMessage<K, V>(
    ConsumerRecord<K, V> record, CommittableOffset committableOffset) {}
