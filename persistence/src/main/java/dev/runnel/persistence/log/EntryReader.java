package dev.runnel.persistence.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Walks the entries of a segment file between two positions with positional reads in chunks,
 * checking each entry's length, magic, crc, count and that sequence numbers increase. An entry
 * larger than a chunk is read whole.
 *
 * <p>With {@code keepPayloads} every chunk is a fresh buffer, so {@link #payload()} slices stay
 * valid after the reader moves on; without it one buffer is reused (recovery scans).
 *
 * <p>Not thread-safe: one reader per scan. The channel may be shared, reads are positional.
 */
final class EntryReader {

  static final int CHUNK_BYTES = 256 * 1024;

  private final FileChannel channel;
  private final long limit;
  private final int maxEntryBytes;
  private final boolean keepPayloads;
  private final CRC32C crc = new CRC32C();

  private ByteBuffer chunk = ByteBuffer.allocate(0);
  private long chunkPosition;
  private long next;
  private long previousLastSequenceNr;

  private long entryPosition;
  private int entryBytes;
  private long firstSequenceNr;
  private int count;
  private long timestamp;
  private String failure;

  /**
   * @param previousLastSequenceNr the last sequence number before {@code position}; the first entry
   *     read must start above it
   */
  EntryReader(
      FileChannel channel,
      long position,
      long limit,
      int maxEntryBytes,
      long previousLastSequenceNr,
      boolean keepPayloads) {
    this.channel = channel;
    this.next = position;
    this.limit = limit;
    this.maxEntryBytes = maxEntryBytes;
    this.previousLastSequenceNr = previousLastSequenceNr;
    this.keepPayloads = keepPayloads;
  }

  /**
   * Moves to the next entry. Returns false at {@code limit} or at the first damaged entry; then
   * {@link #failure()} says why (null at a clean end) and {@link #position()} where.
   */
  boolean next() throws IOException {
    entryPosition = next;
    if (next >= limit) {
      return false;
    }
    if (limit - next < EntryFormat.HEADER_BYTES) {
      return fail("torn header: " + (limit - next) + " bytes left");
    }
    if (!ensure(EntryFormat.HEADER_BYTES)) {
      return fail("file shorter than expected");
    }
    int at = (int) (next - chunkPosition);
    int length = chunk.getInt(at + EntryFormat.LENGTH_OFFSET);
    if (length < EntryFormat.CRC_COVERED_HEADER_BYTES
        || length > EntryFormat.CRC_COVERED_HEADER_BYTES + maxEntryBytes) {
      return fail("invalid length " + length);
    }
    int total = EntryFormat.MAGIC_OFFSET + length;
    if (limit - next < total) {
      return fail("torn entry: " + total + " bytes expected, " + (limit - next) + " left");
    }
    if (!ensure(total)) {
      return fail("file shorter than expected");
    }
    at = (int) (next - chunkPosition);
    byte magic = chunk.get(at + EntryFormat.MAGIC_OFFSET);
    if (magic != EntryFormat.MAGIC) {
      return fail("unknown magic " + magic);
    }
    crc.reset();
    crc.update(chunk.array(), chunk.arrayOffset() + at + EntryFormat.MAGIC_OFFSET, length);
    int stored = chunk.getInt(at + EntryFormat.CRC_OFFSET);
    if ((int) crc.getValue() != stored) {
      return fail("crc mismatch");
    }
    long first = chunk.getLong(at + EntryFormat.FIRST_SEQUENCE_NR_OFFSET);
    int n = chunk.getInt(at + EntryFormat.COUNT_OFFSET);
    if (n < 1) {
      return fail("invalid count " + n);
    }
    if (first <= previousLastSequenceNr) {
      return fail(
          "sequence not increasing: firstSequenceNr="
              + first
              + " after lastSequenceNr="
              + previousLastSequenceNr);
    }
    firstSequenceNr = first;
    count = n;
    timestamp = chunk.getLong(at + EntryFormat.TIMESTAMP_OFFSET);
    entryBytes = total;
    previousLastSequenceNr = first + n - 1;
    next += total;
    return true;
  }

  /** Start of the current entry, or where reading stopped. */
  long position() {
    return entryPosition;
  }

  /** Position after the last entry read. */
  long end() {
    return next;
  }

  int entryBytes() {
    return entryBytes;
  }

  long firstSequenceNr() {
    return firstSequenceNr;
  }

  long lastSequenceNr() {
    return firstSequenceNr + count - 1;
  }

  int count() {
    return count;
  }

  long timestamp() {
    return timestamp;
  }

  /** Why reading stopped before {@code limit}, or null. */
  String failure() {
    return failure;
  }

  /** The current entry's payload: a slice of the chunk, valid until the next read unless kept. */
  ByteBuffer payload() {
    int at = (int) (entryPosition - chunkPosition) + EntryFormat.HEADER_BYTES;
    return chunk.slice(at, entryBytes - EntryFormat.HEADER_BYTES);
  }

  LogEntry entry() {
    return new LogEntry(firstSequenceNr, count, timestamp, payload());
  }

  private boolean fail(String reason) {
    failure = reason;
    return false;
  }

  /** Makes the chunk hold {@code bytes} bytes from {@code next}; false if the file ends first. */
  private boolean ensure(int bytes) throws IOException {
    if (next >= chunkPosition && next + bytes <= chunkPosition + chunk.limit()) {
      return true;
    }
    int size = (int) Math.min(Math.max(CHUNK_BYTES, bytes), limit - next);
    if (keepPayloads || chunk.capacity() < size) {
      chunk = ByteBuffer.allocate(size);
    }
    chunk.clear().limit(size);
    chunkPosition = next;
    while (chunk.hasRemaining()) {
      if (channel.read(chunk, chunkPosition + chunk.position()) < 0) {
        break;
      }
    }
    chunk.flip();
    return chunk.limit() >= bytes;
  }
}
