package dev.runnel.actors.group;

/**
 * Where a group is in its life, with Kafka's names (see docs/groups.md for how a rebalance moves
 * through them).
 */
public enum GroupState {
  /** No members; committed offsets may exist. */
  EMPTY,
  /**
   * A new generation is being formed: the coordinator waits for its initial delay or for members to
   * stop the partitions it revoked. Under an eager assignor nobody consumes meanwhile.
   */
  PREPARING_REBALANCE,
  /**
   * The new generation's assignment is sent except for the partitions that move; those wait until
   * their previous owners have stopped them (cooperative assignors only). Members consume the rest.
   */
  COMPLETING_REBALANCE,
  /** Every member has its whole assignment of the current generation. */
  STABLE,
  /** The group was deleted; its coordinator stops. */
  DEAD
}
