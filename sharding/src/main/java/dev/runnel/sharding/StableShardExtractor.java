package dev.runnel.sharding;

import static java.nio.charset.StandardCharsets.UTF_8;

import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * Places entities on a fixed number of shards by a hash of the entity id's UTF-8 bytes: {@code
 * toPositive(murmur2(bytes)) % shards}, the hash Kafka uses for keys. It depends on nothing but the
 * bytes (no JVM, locale or library version), so it never changes under a running cluster; changing
 * it would move every entity at once.
 *
 * <p>All nodes of a cluster must use the same number of shards: a node that computed another shard
 * for an id would start a second copy of the entity.
 *
 * @param <M> the entities' message type, sent wrapped in a {@link ShardingEnvelope} (what {@code
 *     EntityRef} does)
 */
public final class StableShardExtractor<M>
    extends ShardingMessageExtractor<ShardingEnvelope<M>, M> {

  private final int numberOfShards;

  public StableShardExtractor(int numberOfShards) {
    if (numberOfShards < 1) {
      throw new IllegalArgumentException("Invalid shard count: numberOfShards=" + numberOfShards);
    }
    this.numberOfShards = numberOfShards;
  }

  /** The shard of an entity id among {@code numberOfShards}. */
  public static String shardId(String entityId, int numberOfShards) {
    return Integer.toString(
        Partitioner.toPositive(Partitioner.murmur2(entityId.getBytes(UTF_8))) % numberOfShards);
  }

  @Override
  public String entityId(ShardingEnvelope<M> envelope) {
    return envelope.entityId();
  }

  @Override
  public String shardId(String entityId) {
    return shardId(entityId, numberOfShards);
  }

  @Override
  public M unwrapMessage(ShardingEnvelope<M> envelope) {
    return envelope.message();
  }
}
