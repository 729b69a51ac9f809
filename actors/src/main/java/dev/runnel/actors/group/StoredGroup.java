package dev.runnel.actors.group;

import dev.runnel.actors.TopicPartition;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a group coordinator persists about its group: the latest generation (so generations only
 * grow across restarts and moves), the assignor of its members, and the committed offsets.
 * Immutable; each change returns a copy. Stored as a Protobuf snapshot by {@link GroupSerializer}.
 *
 * @param generation the latest generation, 0 before the first
 * @param assignor the assignor the members use, "" while the group has no members
 * @param offsets the committed offsets
 */
record StoredGroup(int generation, String assignor, Map<TopicPartition, CommittedOffset> offsets) {

  static final StoredGroup EMPTY = new StoredGroup(0, "", Map.of());

  StoredGroup {
    Objects.requireNonNull(assignor, "assignor");
    offsets = Collections.unmodifiableMap(new HashMap<>(offsets));
  }

  /** Whether the group has anything stored: a generation or an offset. */
  boolean exists() {
    return generation > 0 || !offsets.isEmpty();
  }

  StoredGroup withGeneration(int next, String nextAssignor) {
    return new StoredGroup(next, nextAssignor, offsets);
  }

  StoredGroup withOffsets(Map<TopicPartition, CommittedOffset> committed) {
    Map<TopicPartition, CommittedOffset> changed = new HashMap<>(offsets);
    changed.putAll(committed);
    return new StoredGroup(generation, assignor, changed);
  }

  StoredGroup withoutOffsets(Set<TopicPartition> dropped) {
    Map<TopicPartition, CommittedOffset> changed = new HashMap<>(offsets);
    changed.keySet().removeAll(dropped);
    return new StoredGroup(generation, assignor, changed);
  }
}
