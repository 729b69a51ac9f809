package dev.runnel.actors.topic;

import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;

/**
 * Kafka's rules for topic names: 1 to 249 characters of ASCII letters, digits, {@code .}, {@code _}
 * and {@code -}, neither {@code "."} nor {@code ".."}. Two different names <em>collide</em> when
 * they are equal once every {@code .} is replaced by {@code _} (Kafka refuses such a second topic
 * because both map to the same metric names); the registry refuses them too.
 */
public final class TopicNames {

  /** The longest legal topic name. */
  public static final int MAX_LENGTH = 249;

  private TopicNames() {}

  /**
   * Checks a name against the rules above.
   *
   * @throws RunnelException with {@link ErrorCode#INVALID_TOPIC_EXCEPTION} naming the broken rule
   */
  public static void validate(String name) {
    if (name == null || name.isEmpty()) {
      throw invalid(name, "empty");
    }
    if (name.equals(".") || name.equals("..")) {
      throw invalid(name, "'.' and '..' are not topic names");
    }
    if (name.length() > MAX_LENGTH) {
      throw invalid(
          name, "length=" + name.length() + " is longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isLegal(c)) {
        throw invalid(
            name,
            "character '"
                + c
                + "' at index="
                + i
                + " is not an ASCII letter or digit, '.', '_' or '-'");
      }
    }
  }

  /** Whether two different names would collide: they differ only in {@code .} versus {@code _}. */
  public static boolean collide(String a, String b) {
    return !a.equals(b) && unifyCollisionChars(a).equals(unifyCollisionChars(b));
  }

  /** The name with every {@code .} replaced by {@code _}: equal for names that collide. */
  public static String unifyCollisionChars(String name) {
    return name.replace('.', '_');
  }

  private static boolean isLegal(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }

  private static RunnelException invalid(String name, String reason) {
    return new RunnelException(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        "Invalid topic name: name=" + name + ", reason=" + reason);
  }
}
