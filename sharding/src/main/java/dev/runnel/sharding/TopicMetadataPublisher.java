package dev.runnel.sharding;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.actors.topic.TopicRegistry;
import dev.runnel.actors.topic.TopicRegistry.TopicPublished;
import dev.runnel.actors.topic.TopicRegistry.TopicRemoved;
import dev.runnel.actors.topic.TopicRegistry.TopicsPublished;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The topic registry's listener: writes each published change to the topic metadata in Distributed
 * Data ({@link TopicMetadataCache#TOPICS_KEY}), from where every node's {@link TopicMetadataCache}
 * picks it up. Every node runs one; the registry singleton talks to the one on its own node.
 *
 * <p>Writes use {@code WriteMajority}: the change goes straight to a majority of the nodes rather
 * than waiting for gossip, and survives the loss of this node right after. The replicator applies
 * it locally at once and in order whatever the majority answers; when no majority confirms within
 * the timeout, gossip spreads it later. Nothing here depends on the answer, so it goes to the
 * system's ignore reference. {@link TopicsPublished} (after every registry recovery) replaces the
 * whole map, which also repairs anything Distributed Data lost.
 */
public final class TopicMetadataPublisher {

  private final ActorRef<Replicator.Command> replicator;
  private final SelfUniqueAddress self;
  private final Replicator.WriteConsistency majority;
  private final ActorRef<Replicator.UpdateResponse<LWWMap<String, TopicMetadata>>> ignore;

  private TopicMetadataPublisher(ActorContext<TopicRegistry.Published> context, Duration timeout) {
    DistributedData data = DistributedData.get(context.getSystem());
    this.replicator = data.replicator();
    this.self = data.selfUniqueAddress();
    this.majority = new Replicator.WriteMajority(timeout);
    this.ignore = context.getSystem().ignoreRef();
  }

  /**
   * The listener's behavior.
   *
   * @param writeTimeout how long a write waits for a majority of the nodes
   */
  public static Behavior<TopicRegistry.Published> create(Duration writeTimeout) {
    return Behaviors.setup(context -> new TopicMetadataPublisher(context, writeTimeout).behavior());
  }

  private Behavior<TopicRegistry.Published> behavior() {
    return Behaviors.receive(TopicRegistry.Published.class)
        .onMessage(TopicPublished.class, this::onTopicPublished)
        .onMessage(TopicRemoved.class, this::onTopicRemoved)
        .onMessage(TopicsPublished.class, this::onTopicsPublished)
        .build();
  }

  private Behavior<TopicRegistry.Published> onTopicPublished(TopicPublished published) {
    TopicMetadata topic = published.topic();
    write(map -> map.put(self, topic.name(), topic));
    return Behaviors.same();
  }

  private Behavior<TopicRegistry.Published> onTopicRemoved(TopicRemoved removed) {
    write(map -> map.remove(self, removed.name()));
    return Behaviors.same();
  }

  private Behavior<TopicRegistry.Published> onTopicsPublished(TopicsPublished all) {
    write(map -> replaceAll(map, all.all()));
    return Behaviors.same();
  }

  private void write(UnaryOperator<LWWMap<String, TopicMetadata>> change) {
    replicator.tell(
        new Replicator.Update<>(
            TopicMetadataCache.TOPICS_KEY, LWWMap.create(), majority, ignore, change::apply));
  }

  private LWWMap<String, TopicMetadata> replaceAll(
      LWWMap<String, TopicMetadata> map, List<TopicMetadata> topics) {
    Map<String, TopicMetadata> current = map.getEntries();
    Set<String> stale = new HashSet<>(current.keySet());
    LWWMap<String, TopicMetadata> updated = map;
    for (TopicMetadata topic : topics) {
      stale.remove(topic.name());
      if (!topic.equals(current.get(topic.name()))) {
        updated = updated.put(self, topic.name(), topic);
      }
    }
    for (String name : stale) {
      updated = updated.remove(self, name);
    }
    return updated;
  }
}
