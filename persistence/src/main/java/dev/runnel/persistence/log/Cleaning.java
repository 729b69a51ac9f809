package dev.runnel.persistence.log;

import dev.runnel.persistence.log.SegmentedLog.View;
import dev.runnel.persistence.record.BatchCompaction.RecordVisitor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

/**
 * One cleaning pass over one log, Kafka's algorithm on sequence-numbered entries:
 *
 * <pre>
 * segments:  [ clean ........ | dirty ............. | too young | active ]
 *            ^ log start      ^ firstDirty          ^ firstUncleanable
 * </pre>
 *
 * <ol>
 *   <li><b>Cleanable part.</b> Every segment before the active one, up to the first whose newest
 *       entry is younger than {@code min.compaction.lag.ms}. The pass runs when the dirty bytes are
 *       at least {@code min.cleanable.dirty.ratio} of the cleanable bytes, when the oldest dirty
 *       segment began more than {@code max.compaction.lag.ms} ago, or when forced.
 *   <li><b>Map.</b> The dirty entries, from the checkpoint's first dirty sequence number on, put
 *       every record's key into the {@link KeyMap} with its offset (the newest wins). The map takes
 *       whole entries; when the next would not fit, mapping stops there and the rest waits for the
 *       next pass.
 *   <li><b>Clean.</b> Every segment from the log start up to the last one mapped is copied, in
 *       groups that fit one segment, keeping a record unless its key is null, the map holds a newer
 *       offset for its key, or it is a tombstone that became clean (in an earlier pass) longer than
 *       {@code delete.retention.ms} ago. Entries are never dropped, only emptied, so sequence
 *       numbers and the offsets each entry covers never change. Each group is swapped in atomically
 *       ({@link SegmentedLog#swap}).
 *   <li><b>Checkpoint.</b> The first dirty sequence number moves to after the mapped entries.
 * </ol>
 *
 * <p>Reads and appends go on meanwhile: the cleaner reads sealed segments by positional reads and
 * only the swap takes the log's lock, briefly. The I/O it does is reported to the {@link Throttle}.
 *
 * <p>Not thread-safe: one pass, one thread, one log.
 */
final class Cleaning {

  private final SegmentedLog log;
  private final CompactionPolicy policy;
  private final KeyMap map;
  private final Throttle throttle;
  private final ByteBuffer out;
  private final long segmentBytes;
  private final BooleanSupplier stopped;
  private final CRC32C crc = new CRC32C();
  private final ByteBuffer header = ByteBuffer.allocate(EntryFormat.HEADER_BYTES);

  // Mapping scratch: the keys of one entry, put into the map only if all of them fit.
  private final EntryKeys entryKeys = new EntryKeys();

  private long recordsRead;
  private long recordsKept;

  Cleaning(
      SegmentedLog log,
      CompactionPolicy policy,
      KeyMap map,
      Throttle throttle,
      ByteBuffer ioBuffer,
      long segmentBytes,
      BooleanSupplier stopped) {
    this.log = log;
    this.segmentBytes = segmentBytes;
    this.policy = policy;
    this.map = map;
    this.throttle = throttle;
    this.out = ioBuffer;
    this.stopped = stopped;
  }

  /** Why a pass stopped early: the store is closing, or retention removed what it was reading. */
  static final class Abandoned extends Exception {
    Abandoned(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * How dirty the log is at {@code now}: the share of dirty bytes in the cleanable part, or -1 when
   * nothing is cleanable; {@code 2} when {@code max.compaction.lag.ms} is overdue.
   */
  static double dirtyRatio(SegmentedLog log, CompactionPolicy policy, long now) {
    Segment[] all = log.view().segments();
    int uncleanable = firstUncleanable(all, policy, now);
    int dirty = firstDirtySegment(all, log.checkpoint());
    if (dirty >= uncleanable) {
      return -1;
    }
    if (policy.maxCompactionLagMs() < Long.MAX_VALUE
        && all[dirty].firstTimestamp() < now - policy.maxCompactionLagMs()) {
      return 2;
    }
    long clean = 0;
    long total = 0;
    for (int i = 0; i < uncleanable; i++) {
      total += all[i].size();
      if (i < dirty) {
        clean += all[i].size();
      }
    }
    return total == 0 ? -1 : (double) (total - clean) / total;
  }

  /**
   * Runs the pass at {@code now}: with {@code force} whatever the dirty ratio says.
   *
   * @return what it did, or null when there was nothing to clean (or not enough)
   */
  CleaningResult run(long now, boolean force) throws IOException, Abandoned {
    long started = System.nanoTime();
    double ratio = dirtyRatio(log, policy, now);
    if (ratio < 0 || (!force && ratio < policy.minCleanableDirtyRatio())) {
      return null;
    }
    View view = log.view();
    Segment[] all = view.segments();
    CleanerCheckpoint checkpoint = log.checkpoint();
    int uncleanable = firstUncleanable(all, policy, now);
    int dirtySegment = firstDirtySegment(all, checkpoint);
    long firstDirty = Math.max(checkpoint.firstDirty(), all[0].base());
    map.clear();
    long mapEnd = firstDirty;
    long dirtyBytes = 0;
    boolean full = false;
    int lastMapped = -1;
    mapping:
    for (int i = dirtySegment; i < uncleanable; i++) {
      Segment segment = all[i];
      EntryReader reader = reader(segment, segment.floorPosition(firstDirty), false);
      while (next(reader, segment)) {
        if (reader.lastSequenceNr() < firstDirty) {
          continue;
        }
        entryKeys.clear();
        policy.compactor().scan(reader.entry(), entryKeys);
        if (map.size() + entryKeys.count > map.maxEntries()) {
          full = true;
          break mapping;
        }
        entryKeys.putInto(map);
        mapEnd = reader.lastSequenceNr() + 1;
        dirtyBytes += reader.entryBytes();
        lastMapped = i;
        throttle.acquire(reader.entryBytes(), stopped);
      }
    }
    if (lastMapped < 0) {
      if (full) {
        throw new LogStorageException(
            "Key map too small for one entry: persistenceId="
                + log.persistenceId()
                + ", sequenceNr="
                + firstDirty
                + ", maxKeys="
                + map.maxEntries());
      }
      return null;
    }
    int segmentsBefore = 0;
    int segmentsAfter = 0;
    long bytesBefore = 0;
    long bytesAfter = 0;
    long deleteHorizon = now - policy.deleteRetentionMs();
    for (Segment[] group : groups(Arrays.copyOf(all, lastMapped + 1))) {
      Segment cleaned = cleanGroup(group, checkpoint, firstDirty, deleteHorizon);
      long before = 0;
      for (Segment segment : group) {
        before += segment.size();
      }
      long after = cleaned.size();
      if (!log.swap(group, cleaned)) {
        throw new Abandoned("segments deleted while cleaning");
      }
      segmentsBefore += group.length;
      segmentsAfter++;
      bytesBefore += before;
      bytesAfter += after;
    }
    log.checkpoint(checkpoint.advance(mapEnd, now));
    return new CleaningResult(
        dirtyBytes,
        map.size(),
        segmentsBefore,
        segmentsAfter,
        bytesBefore,
        bytesAfter,
        recordsRead,
        recordsKept,
        firstDirty,
        mapEnd,
        full,
        System.nanoTime() - started);
  }

  /** The first segment the pass may not touch: the active one, or the first too young. */
  private static int firstUncleanable(Segment[] all, CompactionPolicy policy, long now) {
    int last = all.length - 1;
    for (int i = 0; i < last; i++) {
      if (all[i].maxTimestamp() > now - policy.minCompactionLagMs()) {
        return i;
      }
    }
    return Math.max(last, 0);
  }

  /** The segment holding the first dirty sequence number. */
  private static int firstDirtySegment(Segment[] all, CleanerCheckpoint checkpoint) {
    long firstDirty = checkpoint.firstDirty();
    int found = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i].base() <= firstDirty) {
        found = i;
      }
    }
    return all.length > 0 && all[found].lastSequenceNr() < firstDirty ? found + 1 : found;
  }

  /**
   * Consecutive segments whose cleaned copies together fit one segment: their sizes before cleaning
   * sum to at most the log's segment size, and their sequence numbers stay within the 32-bit
   * relative index.
   */
  private List<Segment[]> groups(Segment[] segments) {
    long limit = segmentBytes;
    List<Segment[]> groups = new ArrayList<>();
    int start = 0;
    long bytes = 0;
    for (int i = 0; i < segments.length; i++) {
      Segment segment = segments[i];
      boolean fits =
          bytes + segment.size() <= limit
              && segment.lastSequenceNr() - segments[start].base() < Integer.MAX_VALUE - 1;
      if (i > start && !fits) {
        groups.add(Arrays.copyOfRange(segments, start, i));
        start = i;
        bytes = 0;
      }
      bytes += segment.size();
    }
    if (segments.length > 0) {
      groups.add(Arrays.copyOfRange(segments, start, segments.length));
    }
    return groups;
  }

  /** Writes the cleaned copy of a group of segments into a forced {@code .cleaned} file. */
  private Segment cleanGroup(
      Segment[] group, CleanerCheckpoint checkpoint, long firstDirty, long deleteHorizon)
      throws IOException, Abandoned {
    Segment cleaned = Segment.createCleaned(log.directory(), group[0].base(), log.settings());
    try {
      out.clear();
      for (Segment segment : group) {
        EntryReader reader = reader(segment, 0, false);
        while (next(reader, segment)) {
          LogEntry entry = reader.entry();
          boolean tombstonesExpire =
              entry.lastSequenceNr() < firstDirty
                  && checkpoint.cleanedAt(entry.lastSequenceNr()) <= deleteHorizon;
          ByteBuffer payload = policy.compactor().retain(entry, keep(tombstonesExpire));
          if (payload == null) {
            payload = entry.payload();
          }
          write(cleaned, entry, payload);
          throttle.acquire(
              reader.entryBytes() + EntryFormat.entryBytes(payload.remaining()), stopped);
        }
      }
      flush(cleaned);
      return cleaned;
    } catch (IOException | RuntimeException | Abandoned e) {
      cleaned.discard();
      throw e;
    }
  }

  /** Keeps a record unless its key is null, it is superseded, or it is an expired tombstone. */
  private RecordVisitor keep(boolean tombstonesExpire) {
    return (records, keyOffset, keyLength, offset, timestamp, tombstone) -> {
      recordsRead++;
      if (keyLength < 0
          || offset < map.get(records, keyOffset, keyLength)
          || (tombstone && tombstonesExpire)) {
        return false;
      }
      recordsKept++;
      return true;
    };
  }

  private void write(Segment cleaned, LogEntry entry, ByteBuffer payload) throws IOException {
    int entryBytes = EntryFormat.entryBytes(payload.remaining());
    LogEntry written =
        new LogEntry(entry.firstSequenceNr(), entry.count(), entry.timestamp(), payload);
    if (out.remaining() < entryBytes) {
      flush(cleaned);
    }
    if (out.remaining() < entryBytes) {
      EntryFormat.writeHeader(header.clear(), written, payload, crc);
      cleaned.write(new ByteBuffer[] {header, payload.duplicate()}, 0, 2);
    } else {
      ByteBuffer slot = out.slice(out.position(), EntryFormat.HEADER_BYTES);
      EntryFormat.writeHeader(slot, written, payload, crc);
      out.position(out.position() + EntryFormat.HEADER_BYTES);
      out.put(payload.duplicate());
    }
    cleaned.track(entry.firstSequenceNr(), entry.lastSequenceNr(), entry.timestamp(), entryBytes);
  }

  private void flush(Segment cleaned) throws IOException {
    out.flip();
    if (out.hasRemaining()) {
      cleaned.write(new ByteBuffer[] {out}, 0, 1);
    }
    out.clear();
  }

  private static EntryReader reader(Segment segment, long position, boolean keep) {
    return new EntryReader(
        segment.channel(), position, segment.size(), segment.maxEntryBytes(), 0, keep);
  }

  /** The next entry of a sealed segment; abandons the pass if the segment went away. */
  private boolean next(EntryReader reader, Segment segment) throws IOException, Abandoned {
    if (stopped.getAsBoolean()) {
      throw new Abandoned("cleaner stopping");
    }
    try {
      if (reader.next()) {
        return true;
      }
    } catch (ClosedChannelException e) {
      throw new Abandoned("segment deleted while cleaning: " + segment.file());
    }
    if (reader.failure() != null) {
      throw LogCorruptionException.atEntry(log.persistenceId(), segment, reader);
    }
    return false;
  }

  /** The keyed records of one entry, collected before they go into the map. */
  private static final class EntryKeys implements RecordVisitor {
    private ByteBuffer[] buffers = new ByteBuffer[64];
    private int[] keys = new int[128];
    private long[] offsets = new long[64];
    int count;

    void clear() {
      Arrays.fill(buffers, 0, count, null);
      count = 0;
    }

    @Override
    public boolean visit(
        ByteBuffer records,
        int keyOffset,
        int keyLength,
        long offset,
        long timestamp,
        boolean tombstone) {
      if (keyLength < 0) {
        return true;
      }
      if (count == offsets.length) {
        buffers = Arrays.copyOf(buffers, count * 2);
        keys = Arrays.copyOf(keys, count * 4);
        offsets = Arrays.copyOf(offsets, count * 2);
      }
      buffers[count] = records;
      keys[2 * count] = keyOffset;
      keys[2 * count + 1] = keyLength;
      offsets[count] = offset;
      count++;
      return true;
    }

    void putInto(KeyMap map) {
      for (int i = 0; i < count; i++) {
        map.put(buffers[i], keys[2 * i], keys[2 * i + 1], offsets[i]);
      }
    }
  }
}
