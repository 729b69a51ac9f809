package dev.runnel.api.consumer;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.api.Runnel;
import dev.runnel.api.internal.SettingsReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a {@link Committer} batches and commits, as Alpakka Kafka's {@code CommitterSettings}: from
 * {@code runnel.committer} (this module's {@code reference.conf} explains each setting), changed
 * with {@code with...} methods. A bad value fails with {@code INVALID_CONFIG} naming it.
 *
 * @param maxBatch the most offsets in one commit
 * @param maxInterval the longest an offset waits in a batch
 * @param parallelism how many batches may be committing at once
 * @param delivery whether the committer waits for the coordinator's acknowledgement
 */
public record CommitterSettings(
    int maxBatch, Duration maxInterval, int parallelism, CommitDelivery delivery) {

  /** The section of the configuration the defaults come from. */
  public static final String CONFIG_PATH = "runnel.committer";

  private static final List<String> NAMES =
      List.of("max-batch", "max-interval", "parallelism", "delivery");

  private static final Map<String, CommitDelivery> DELIVERIES =
      Map.of(
          "waitforack", CommitDelivery.WAIT_FOR_ACK,
          "sendandforget", CommitDelivery.SEND_AND_FORGET);

  /**
   * Whether a committer waits for commits to be acknowledged (Alpakka's {@code CommitDelivery}).
   */
  public enum CommitDelivery {
    /** Emit once the coordinator acknowledged the batch; a failed commit fails the stream. */
    WAIT_FOR_ACK,
    /** Emit as soon as the batch is sent; a failed commit is logged and otherwise ignored. */
    SEND_AND_FORGET
  }

  public CommitterSettings {
    if (maxBatch < 1) {
      throw invalid("max-batch", maxBatch, "below minimum 1");
    }
    if (maxInterval == null || maxInterval.compareTo(Duration.ofMillis(1)) < 0) {
      throw invalid("max-interval", maxInterval, "below minimum 1 ms");
    }
    if (parallelism < 1) {
      throw invalid("parallelism", parallelism, "below minimum 1");
    }
    if (delivery == null) {
      throw invalid("delivery", null, "missing");
    }
  }

  private static RunnelException invalid(String name, Object value, String reason) {
    return SettingsReader.invalid(CONFIG_PATH, name, value, reason);
  }

  /** Settings from {@code runnel.committer} of the node's configuration. */
  public static CommitterSettings create(Runnel runnel) {
    return create(runnel.system());
  }

  /** Settings from {@code runnel.committer} of the actor system's configuration. */
  public static CommitterSettings create(ActorSystem<?> system) {
    return create(system.settings().config().getConfig(CONFIG_PATH));
  }

  /**
   * Settings from {@code config}, a section laid out as {@code runnel.committer}.
   *
   * @throws RunnelException with {@code INVALID_CONFIG} for an unknown, missing or bad setting
   */
  public static CommitterSettings create(Config config) {
    SettingsReader read = SettingsReader.of(config, CONFIG_PATH, NAMES);
    return new CommitterSettings(
        read.intIn("max-batch", 1, Integer.MAX_VALUE),
        read.duration("max-interval", Duration.ofMillis(1)),
        read.intIn("parallelism", 1, Integer.MAX_VALUE),
        read.oneOf("delivery", DELIVERIES));
  }

  public CommitterSettings withMaxBatch(int value) {
    return new CommitterSettings(value, maxInterval, parallelism, delivery);
  }

  public CommitterSettings withMaxInterval(Duration value) {
    return new CommitterSettings(maxBatch, value, parallelism, delivery);
  }

  public CommitterSettings withParallelism(int value) {
    return new CommitterSettings(maxBatch, maxInterval, value, delivery);
  }

  public CommitterSettings withDelivery(CommitDelivery value) {
    return new CommitterSettings(maxBatch, maxInterval, parallelism, value);
  }
}
