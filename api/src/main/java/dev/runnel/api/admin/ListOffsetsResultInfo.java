package dev.runnel.api.admin;

/**
 * An offset found by {@code RunnelAdmin.listOffsets}, as Kafka's {@code ListOffsetsResultInfo}
 * reports it.
 *
 * @param offset for {@code earliest()} the log start offset, for {@code latest()} the high
 *     watermark (the offset the next record will get), for {@code forTimestamp(t)} the first offset
 *     whose record has a timestamp at or after {@code t}, or -1 if there is none
 * @param timestamp the timestamp of the record found by time, else -1
 */
public record ListOffsetsResultInfo(long offset, long timestamp) {}
