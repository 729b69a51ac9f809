package dev.runnel.actors.group.assignor;

import java.util.List;
import java.util.Optional;

/** The assignors a group can use, by the names members ask for. */
public final class PartitionAssignors {

  /** Kafka's {@code range}: eager, consecutive partitions of each topic per member. */
  public static final String RANGE = "range";

  /** Kafka's {@code roundrobin}: eager, all partitions dealt out one by one. */
  public static final String ROUND_ROBIN = "roundrobin";

  /** Kafka's {@code cooperative-sticky}: balanced, keeps partitions, revokes only what moves. */
  public static final String COOPERATIVE_STICKY = "cooperative-sticky";

  private static final List<PartitionAssignor> ALL =
      List.of(new RangeAssignor(), new RoundRobinAssignor(), new CooperativeStickyAssignor());

  private PartitionAssignors() {}

  /** The assignor of that name, or empty if there is none. */
  public static Optional<PartitionAssignor> named(String name) {
    return ALL.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /** The names of every assignor. */
  public static List<String> names() {
    return ALL.stream().map(PartitionAssignor::name).toList();
  }
}
