package dev.runnel.actors.group;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a member of a group wants to consume: a fixed set of topic names ({@link #topics}), or every
 * topic whose whole name matches a {@link java.util.regex} pattern ({@link #pattern}), including
 * topics created later. Exactly one of the two is set.
 *
 * @param topics the topic names, empty for a pattern subscription
 * @param pattern the regular expression, empty for a topics subscription
 */
public record GroupSubscription(Set<String> topics, String pattern) implements RunnelSerializable {

  public GroupSubscription {
    topics = topics == null ? Set.of() : Collections.unmodifiableSet(new TreeSet<>(topics));
    pattern = pattern == null ? "" : pattern;
    if (topics.isEmpty() == pattern.isEmpty()) {
      throw new IllegalArgumentException(
          "A subscription has either topics or a pattern: topics="
              + topics
              + ", pattern="
              + pattern);
    }
  }

  /** A subscription to these topics. */
  public static GroupSubscription topics(Set<String> topics) {
    Objects.requireNonNull(topics, "topics");
    return new GroupSubscription(topics, "");
  }

  /** A subscription to every topic whose whole name matches {@code regex}. */
  public static GroupSubscription pattern(String regex) {
    Objects.requireNonNull(regex, "regex");
    return new GroupSubscription(Set.of(), regex);
  }

  /** Whether this is a pattern subscription. */
  public boolean byPattern() {
    return !pattern.isEmpty();
  }

  /**
   * The pattern compiled.
   *
   * @throws RunnelException {@link ErrorCode#INVALID_REQUEST} if it is not a valid regular
   *     expression or this is not a pattern subscription
   */
  public Pattern compiled() {
    if (!byPattern()) {
      throw new RunnelException(
          ErrorCode.INVALID_REQUEST, "Not a pattern subscription: topics=" + topics);
    }
    try {
      return Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new RunnelException(
          ErrorCode.INVALID_REQUEST,
          "Invalid subscription pattern: pattern=" + pattern + ", reason=" + e.getDescription());
    }
  }

  /** The subscribed topics among {@code existing}, sorted by name. */
  public Set<String> select(Collection<String> existing) {
    Set<String> selected = new TreeSet<>();
    if (byPattern()) {
      Pattern compiled = compiled();
      existing.stream().filter(t -> compiled.matcher(t).matches()).forEach(selected::add);
    } else {
      existing.stream().filter(topics::contains).forEach(selected::add);
    }
    return selected;
  }
}
