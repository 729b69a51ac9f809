package dev.runnel.api.admin;

/**
 * A consumer group's committed position in one partition and how far behind the log it is, as
 * Kafka's {@code kafka-consumer-groups --describe} shows it.
 *
 * @param committedOffset the next offset the group will read
 * @param metadata the text committed with it, "" when none
 * @param highWatermark the partition's high watermark (the offset the next record will get)
 * @param lag {@code highWatermark - committedOffset}, 0 when the committed offset is beyond it
 */
public record ConsumerGroupOffset(
    long committedOffset, String metadata, long highWatermark, long lag) {}
