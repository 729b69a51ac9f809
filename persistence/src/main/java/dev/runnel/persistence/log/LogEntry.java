package dev.runnel.persistence.log;

import java.nio.ByteBuffer;

/**
 * One entry of a segmented log: the unit of write, checksum and atomicity. The journal stores one
 * {@code AtomicWrite} per entry, so an entry covers the {@code count} consecutive sequence numbers
 * starting at {@code firstSequenceNr}.
 *
 * @param firstSequenceNr sequence number of the first event in the entry, at least 1
 * @param count number of sequence numbers the entry covers, at least 1
 * @param timestamp the entry's (largest) timestamp in epoch milliseconds, used by the time index
 *     and age-based retention
 * @param payload the opaque bytes stored for the entry, from position to limit; the log never
 *     interprets them
 */
public record LogEntry(long firstSequenceNr, int count, long timestamp, ByteBuffer payload) {

  public long lastSequenceNr() {
    return firstSequenceNr + count - 1;
  }
}
