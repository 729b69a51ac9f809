package dev.runnel.actors.group;

import java.util.Objects;

/**
 * A committed offset as the coordinator stores it.
 *
 * @param offset the next offset the group reads
 * @param metadata the committer's text
 * @param commitTimestamp when it was committed, epoch milliseconds
 * @param topicId the incarnation of the topic it belongs to ({@link
 *     dev.runnel.actors.topic.TopicMetadata#topicId()}); "" when not known
 */
record CommittedOffset(long offset, String metadata, long commitTimestamp, String topicId) {

  CommittedOffset {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(topicId, "topicId");
  }

  OffsetAndMetadata toOffsetAndMetadata() {
    return new OffsetAndMetadata(offset, metadata);
  }
}
