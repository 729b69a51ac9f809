package dev.runnel.persistence.log;

/**
 * What a retention call removed.
 *
 * @param segmentsDeleted whole segments deleted
 * @param bytesFreed bytes of segment files deleted
 * @param logStartSequenceNr the first sequence number the log still holds afterwards
 */
public record RetentionResult(int segmentsDeleted, long bytesFreed, long logStartSequenceNr) {}
