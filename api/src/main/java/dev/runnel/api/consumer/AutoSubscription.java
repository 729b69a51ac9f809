package dev.runnel.api.consumer;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Topics a consumer group reads (Kafka's {@code subscribe}): the group's coordinator spreads their
 * partitions over the group's members and moves them when members come and go. Created by {@link
 * Subscriptions#topics} and {@link Subscriptions#topicPattern}.
 */
public sealed interface AutoSubscription {

  /** The named topics ({@link Subscriptions#topics}). */
  record TopicSubscription(Set<String> topics) implements AutoSubscription {
    public TopicSubscription {
      Objects.requireNonNull(topics, "topics");
      if (topics.isEmpty()) {
        throw new IllegalArgumentException("A subscription needs at least one topic");
      }
      topics = Set.copyOf(topics);
    }
  }

  /**
   * Every topic whose whole name matches a {@link java.util.regex.Pattern}, also topics created
   * later ({@link Subscriptions#topicPattern}).
   */
  record TopicPatternSubscription(String pattern) implements AutoSubscription {
    public TopicPatternSubscription {
      Objects.requireNonNull(pattern, "pattern");
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "Invalid topic pattern: pattern=" + pattern + ", reason=" + e.getDescription(), e);
      }
    }
  }
}
