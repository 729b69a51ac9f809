package dev.runnel.actors.group;

import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import java.util.regex.Pattern;

/**
 * Group ids: their rules and the persistence id of their coordinator, {@code group|<groupId>}.
 * Group ids follow Kafka's rules for names: 1 to 249 characters of {@code [a-zA-Z0-9._-]}, so that
 * an id is safe in a persistence id, a file name and a log line.
 */
public final class GroupIds {

  /** The prefix of every group coordinator's persistence id. */
  public static final String PERSISTENCE_ID_PREFIX = "group|";

  /** The longest group id, as Kafka's longest name. */
  public static final int MAX_LENGTH = 249;

  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

  private GroupIds() {}

  /** The persistence id of the group's coordinator: {@code group|<groupId>}. */
  public static String persistenceId(String groupId) {
    return PERSISTENCE_ID_PREFIX + groupId;
  }

  /**
   * The group id of a coordinator's persistence id.
   *
   * @throws IllegalArgumentException if {@code persistenceId} does not start with {@link
   *     #PERSISTENCE_ID_PREFIX}
   */
  public static String fromPersistenceId(String persistenceId) {
    if (!persistenceId.startsWith(PERSISTENCE_ID_PREFIX)) {
      throw new IllegalArgumentException(
          "Not a group's persistence id: persistenceId=" + persistenceId);
    }
    return persistenceId.substring(PERSISTENCE_ID_PREFIX.length());
  }

  /**
   * Checks a group id against the rules.
   *
   * @throws RunnelException {@link ErrorCode#INVALID_GROUP_ID} naming the id and the broken rule
   */
  public static void validate(String groupId) {
    String reason = null;
    if (groupId == null || groupId.isEmpty()) {
      reason = "empty";
    } else if (groupId.length() > MAX_LENGTH) {
      reason = "longer than " + MAX_LENGTH + " characters";
    } else if (!LEGAL.matcher(groupId).matches()) {
      reason = "characters other than [a-zA-Z0-9._-]";
    }
    if (reason != null) {
      throw new RunnelException(
          ErrorCode.INVALID_GROUP_ID,
          "Invalid group id: groupId=" + groupId + ", reason=" + reason);
    }
  }
}
