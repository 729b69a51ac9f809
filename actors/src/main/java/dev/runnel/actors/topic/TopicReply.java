package dev.runnel.actors.topic;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.error.ErrorCode;
import java.util.Objects;

/** The topic registry's answer to a command about one topic. */
public sealed interface TopicReply extends RunnelSerializable {

  /** The command succeeded; {@code topic} is the topic as it is now. */
  record TopicOk(TopicMetadata topic) implements TopicReply {
    public TopicOk {
      Objects.requireNonNull(topic, "topic");
    }
  }

  /** The command was refused and changed nothing. */
  record TopicFailed(ErrorCode code, String message) implements TopicReply {
    public TopicFailed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
