package dev.runnel.api.admin;

/**
 * A consumer group's committed position in one partition and how far behind the log it is, as
 * Kafka's {@code kafka-consumer-groups --describe} shows it.
 *
 * @param committedOffset the next offset the group will read
 * @param metadata the text committed with it, "" when none
 * @param highWatermark the partition's high watermark (the offset the next record will get), or -1
 *     when the partition did not answer (its topic was deleted)
 * @param lag {@code highWatermark - committedOffset}, 0 when the committed offset is beyond it, -1
 *     when the high watermark is unknown
 */
public record ConsumerGroupOffset(
    long committedOffset, String metadata, long highWatermark, long lag) {}
