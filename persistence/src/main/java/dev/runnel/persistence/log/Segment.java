package dev.runnel.persistence.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One segment of a log: the file {@code <base>.log} holding entries back to back in the layout of
 * {@link EntryFormat}, where {@code <base>} (see {@link LogFiles#segmentFileName}) is the first
 * sequence number of its first entry, plus its {@link SequenceIndex} ({@code <base>.index}) and
 * {@link TimeIndex} ({@code <base>.timeindex}).
 *
 * <pre>
 * 00000000000000000001.log        [entry][entry][entry]...      (size <= segmentBytes)
 * 00000000000000000001.index      [rel seq|position]...         one per indexIntervalBytes
 * 00000000000000000001.timeindex  [timestamp|rel seq]...        at index points, when max grew
 * </pre>
 *
 * <p>A cleaner writes the cleaned copy of one or more segments as {@code <base>.log.cleaned}, where
 * {@code <base>} is the first replaced segment's; {@link #commitSwap} renames it {@code
 * <base>.log.swap}, and {@link #completeSwap} to {@code <base>.log} once the replaced segments are
 * deleted (see {@link SegmentedLog} for the protocol and its recovery).
 *
 * <p>Invariants: the first entry's first sequence number is the base; sequence numbers increase;
 * every entry's first sequence number is within {@code base + Integer.MAX_VALUE}; the indexes are
 * kept whole in memory and only appended to their files when the segment is sealed (rolled) or the
 * log closes, so after a crash the active segment's index files are rebuilt from the scan recovery
 * does anyway. Index files are opened only to write or read them, so a segment holds one file
 * descriptor.
 *
 * <p>Thread-safety: one writer at a time (its log's writer, under the log's lock) and concurrent
 * readers through {@link #channel()} positional reads and the indexes, which are safe for that.
 * Size, last sequence nr and largest timestamp are plain fields: a reader may trust them only for a
 * segment sealed before the log view it holds was published; a reader of the active segment bounds
 * itself by the view's committed end.
 */
final class Segment {

  /** Writer-side state captured before a write, to cut back to when the write fails. */
  record State(
      long size,
      long lastSequenceNr,
      long maxTimestamp,
      long firstTimestamp,
      int bytesSinceIndex,
      int indexCount,
      int timeIndexCount) {}

  /** Where and why a segment's data stops being valid. */
  record Damage(long position, String reason) {}

  private final long base;
  private final Path directory;
  // Changes only while a cleaned segment is swapped in (.cleaned, .swap, then .log).
  private volatile Path logFile;
  private final Path indexFile;
  private final Path timeIndexFile;
  private final FileChannel channel;
  private final int indexIntervalBytes;
  private final int maxEntryBytes;

  // Plain fields: the writer updates them per entry; readers reach them through the log's volatile
  // view, published after the writer is done, and bound the active segment by the view instead.
  private long size;
  private long lastSequenceNr;
  private long maxTimestamp = Long.MIN_VALUE;
  private volatile SequenceIndex index = new SequenceIndex();
  private volatile TimeIndex timeIndex = new TimeIndex();
  private long firstTimestamp;
  private int bytesSinceIndex;

  private Segment(Path directory, long base, Path file, FileChannel channel, LogSettings settings)
      throws IOException {
    this.base = base;
    this.directory = directory;
    this.logFile = file;
    this.indexFile = directory.resolve(LogFiles.segmentFileName(base, LogFiles.INDEX_SUFFIX));
    this.timeIndexFile =
        directory.resolve(LogFiles.segmentFileName(base, LogFiles.TIME_INDEX_SUFFIX));
    this.channel = channel;
    this.indexIntervalBytes = settings.indexIntervalBytes();
    this.maxEntryBytes = settings.maxEntryBytes();
    this.size = channel.size();
    channel.position(size);
  }

  /**
   * Creates the next segment; an existing file of that name is an error. The caller fsyncs the
   * directory.
   */
  static Segment create(Path directory, long base, LogSettings settings) throws IOException {
    Path file = directory.resolve(LogFiles.segmentFileName(base, LogFiles.LOG_SUFFIX));
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Segment(directory, base, file, channel, settings);
  }

  /** Opens an existing segment; call {@link #recover} before using it. */
  static Segment open(Path directory, long base, LogSettings settings) throws IOException {
    return open(directory, base, LogFiles.LOG_SUFFIX, settings);
  }

  /** Opens the segment file {@code <base><suffix>}. */
  static Segment open(Path directory, long base, String suffix, LogSettings settings)
      throws IOException {
    Path file = directory.resolve(LogFiles.segmentFileName(base, suffix));
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Segment(directory, base, file, channel, settings);
  }

  // ---- swapping in a cleaned segment

  /**
   * Creates the file a cleaner writes the cleaned copy of segments starting at {@code base} into:
   * {@code <base>.log.cleaned}, replacing a leftover of an abandoned cleaning.
   */
  static Segment createCleaned(Path directory, long base, LogSettings settings) throws IOException {
    Path file = directory.resolve(LogFiles.segmentFileName(base, LogFiles.CLEANED_SUFFIX));
    Files.deleteIfExists(file);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Segment(directory, base, file, channel, settings);
  }

  /**
   * Commits a cleaned segment: forces it and renames {@code .cleaned} to {@code .swap}. From here
   * on recovery finishes the swap instead of discarding it. The caller fsyncs the directory.
   */
  void commitSwap() throws IOException {
    channel.force(true);
    logFile = rename(LogFiles.SWAP_SUFFIX);
  }

  /**
   * Ends a swap once the segments it replaces are deleted: renames {@code .swap} to {@code .log}
   * and writes the index files. The caller fsyncs the directory.
   */
  void completeSwap() throws IOException {
    logFile = rename(LogFiles.LOG_SUFFIX);
    // Not forced: recovery checks index files against the segment and rebuilds them if need be.
    flushIndexes(false);
  }

  /**
   * Abandons a cleaned segment not yet committed: closes and deletes its data file only (its index
   * file names belong to the segment it was to replace).
   */
  void discard() throws IOException {
    channel.close();
    Files.deleteIfExists(logFile);
  }

  private Path rename(String suffix) throws IOException {
    Path target = directory.resolve(LogFiles.segmentFileName(base, suffix));
    Files.move(logFile, target, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  // ---- recovery

  /**
   * Brings the in-memory state in line with the file. With {@code trustIndexes} it loads the index
   * files and, if they are consistent, only scans from the last index point to the end; otherwise
   * (or if anything there looks wrong) it scans the whole segment and rebuilds the indexes. Returns
   * where valid data stops, or null if the whole file is valid; the caller decides what to cut.
   *
   * @param previousLastSequenceNr the last sequence number of the segment before, or 0
   */
  Damage recover(boolean trustIndexes, long previousLastSequenceNr) throws IOException {
    if (size == 0) {
      return null;
    }
    if (base <= previousLastSequenceNr) {
      return new Damage(0, "segment overlaps the previous one ending at " + previousLastSequenceNr);
    }
    if (trustIndexes && loadIndexes() && scanTail()) {
      return null;
    }
    return rebuild();
  }

  private boolean loadIndexes() throws IOException {
    ByteBuffer indexBytes = readFile(indexFile);
    ByteBuffer timeBytes = readFile(timeIndexFile);
    if (indexBytes == null || timeBytes == null) {
      return false;
    }
    SequenceIndex loaded = SequenceIndex.decode(indexBytes, size);
    if (loaded == null) {
      return false;
    }
    TimeIndex loadedTime = TimeIndex.decode(timeBytes, loaded);
    if (loadedTime == null || (loaded.count() > 0 && loadedTime.count() == 0)) {
      return false;
    }
    index = loaded;
    timeIndex = loadedTime;
    return true;
  }

  /** Reads the first entry and everything after the last index point; false if inconsistent. */
  private boolean scanTail() throws IOException {
    EntryReader first = new EntryReader(channel, 0, size, maxEntryBytes, base - 1, false);
    if (!first.next() || first.firstSequenceNr() != base) {
      return false;
    }
    int points = index.count();
    long start = points == 0 ? 0 : index.position(points - 1);
    long startSequenceNr = points == 0 ? base : base + index.relativeSequenceNr(points - 1);
    EntryReader reader =
        new EntryReader(channel, start, size, maxEntryBytes, startSequenceNr - 1, false);
    firstTimestamp = first.timestamp();
    maxTimestamp = timeIndex.lastTimestamp();
    lastSequenceNr = 0;
    long fileSize = size;
    size = start;
    bytesSinceIndex = 0;
    boolean atPoint = true;
    while (reader.next()) {
      if (atPoint && reader.firstSequenceNr() != startSequenceNr) {
        return false;
      }
      atPoint = false;
      if (!track(reader.firstSequenceNr(), reader.lastSequenceNr(), reader.timestamp(), reader)) {
        return false;
      }
    }
    return reader.failure() == null && size == fileSize && !atPoint;
  }

  /** Scans the whole file, rebuilds both indexes and rewrites their files. */
  private Damage rebuild() throws IOException {
    long fileSize = size;
    index = new SequenceIndex();
    timeIndex = new TimeIndex();
    size = 0;
    lastSequenceNr = 0;
    maxTimestamp = Long.MIN_VALUE;
    bytesSinceIndex = 0;
    EntryReader reader = new EntryReader(channel, 0, fileSize, maxEntryBytes, base - 1, false);
    Damage damage = null;
    while (reader.next()) {
      if (size == 0) {
        if (reader.firstSequenceNr() != base) {
          damage =
              new Damage(
                  0,
                  "segment name does not match its first entry: firstSequenceNr="
                      + reader.firstSequenceNr());
          break;
        }
        firstTimestamp = reader.timestamp();
      }
      if (!track(reader.firstSequenceNr(), reader.lastSequenceNr(), reader.timestamp(), reader)) {
        damage = new Damage(reader.position(), "sequence nr too far from the segment base");
        break;
      }
    }
    if (damage == null && reader.failure() != null) {
      damage = new Damage(reader.position(), reader.failure());
    }
    size = fileSize;
    if (damage == null) {
      flushIndexes(false);
    }
    return damage;
  }

  private boolean track(long first, long last, long timestamp, EntryReader reader) {
    if (first - base > Integer.MAX_VALUE - 1) {
      return false;
    }
    track(first, last, timestamp, reader.entryBytes());
    return true;
  }

  /**
   * Cuts the file at {@code position} after {@link #recover} reported damage there; the indexes
   * already stop before it.
   */
  void truncate(long position) throws IOException {
    if (position == 0) {
      index = new SequenceIndex();
      timeIndex = new TimeIndex();
      lastSequenceNr = 0;
      maxTimestamp = Long.MIN_VALUE;
    }
    channel.truncate(position);
    channel.position(position);
    channel.force(true);
    size = position;
    flushIndexes(true);
  }

  // ---- writing

  /**
   * Whether an entry must go to a new segment instead of this one: it would pass {@code
   * segmentBytes}, it is more than {@code segmentAgeMillis} younger than the segment's first entry,
   * or its sequence nr is too far from the base for the 32-bit relative index. Age is measured
   * between entry timestamps, not against the wall clock, so a log of old or zero timestamps does
   * not roll on every entry.
   */
  boolean mustRoll(
      long firstSequenceNr,
      long timestamp,
      int entryBytes,
      long segmentBytes,
      long segmentAgeMillis) {
    return size > 0
        && (size + entryBytes > segmentBytes
            || timestamp - firstTimestamp > segmentAgeMillis
            || firstSequenceNr - base > Integer.MAX_VALUE - 1);
  }

  /**
   * Accounts for an entry about to be written at {@link #size()}: indexes it if an index interval
   * passed and grows the size.
   */
  void track(long firstSequenceNr, long lastSequenceNr, long timestamp, int entryBytes) {
    if (size == 0) {
      firstTimestamp = timestamp;
    } else if (bytesSinceIndex >= indexIntervalBytes) {
      int relative = (int) (firstSequenceNr - base);
      index.append(relative, (int) size);
      if (maxTimestamp > timeIndex.lastTimestamp()) {
        timeIndex.append(maxTimestamp, relative);
      }
      bytesSinceIndex = 0;
    }
    bytesSinceIndex += entryBytes;
    size += entryBytes;
    this.lastSequenceNr = lastSequenceNr;
    if (timestamp > maxTimestamp) {
      maxTimestamp = timestamp;
    }
  }

  /** Writes the buffers from {@code from} to {@code to} at the end of the file. */
  void write(ByteBuffer[] buffers, int from, int to) throws IOException {
    int next = from;
    while (next < to) {
      channel.write(buffers, next, to - next);
      while (next < to && !buffers[next].hasRemaining()) {
        next++;
      }
    }
  }

  void force() throws IOException {
    channel.force(false);
  }

  /** Makes the segment durable before the log moves on to a new one: data and index files. */
  void seal() throws IOException {
    channel.force(false);
    flushIndexes(true);
  }

  /** Appends index entries not yet in the index files. */
  void flushIndexes(boolean force) throws IOException {
    long indexAt = index.flushedBytes();
    LogFiles.writeAt(indexFile, indexAt, index.unflushed(), force);
    long timeAt = timeIndex.flushedBytes();
    LogFiles.writeAt(timeIndexFile, timeAt, timeIndex.unflushed(), force);
  }

  State state() {
    return new State(
        size,
        lastSequenceNr,
        maxTimestamp,
        firstTimestamp,
        bytesSinceIndex,
        index.count(),
        timeIndex.count());
  }

  /** Cuts the segment and its indexes back to a state captured before a failed write. */
  void restore(State state) throws IOException {
    index.truncate(state.indexCount());
    timeIndex.truncate(state.timeIndexCount());
    size = state.size();
    lastSequenceNr = state.lastSequenceNr();
    maxTimestamp = state.maxTimestamp();
    firstTimestamp = state.firstTimestamp();
    bytesSinceIndex = state.bytesSinceIndex();
    if (channel.size() > state.size()) {
      channel.truncate(state.size());
    }
    channel.position(state.size());
    cutFile(indexFile, index.flushedBytes());
    cutFile(timeIndexFile, timeIndex.flushedBytes());
  }

  // ---- reading

  /** Position from which to scan for the entry holding {@code sequenceNr}. */
  long floorPosition(long sequenceNr) {
    return sequenceNr <= base ? 0 : index.floorPosition(sequenceNr - base);
  }

  /** Position from which to scan for the first entry with a timestamp >= {@code timestamp}. */
  long timestampScanStart(long timestamp) {
    int relative = timeIndex.scanStart(timestamp);
    return relative == 0 ? 0 : index.floorPosition(relative);
  }

  long base() {
    return base;
  }

  long size() {
    return size;
  }

  long lastSequenceNr() {
    return lastSequenceNr;
  }

  /** The first entry's timestamp; meaningless when empty. */
  long firstTimestamp() {
    return firstTimestamp;
  }

  /** The largest entry timestamp, {@link Long#MIN_VALUE} when empty. */
  long maxTimestamp() {
    return maxTimestamp;
  }

  FileChannel channel() {
    return channel;
  }

  Path file() {
    return logFile;
  }

  int maxEntryBytes() {
    return maxEntryBytes;
  }

  void close() throws IOException {
    channel.close();
  }

  /** Closes the segment and deletes its files; a concurrent reader skips it. */
  void delete() throws IOException {
    channel.close();
    Files.deleteIfExists(logFile);
    Files.deleteIfExists(indexFile);
    Files.deleteIfExists(timeIndexFile);
  }

  @Override
  public String toString() {
    return logFile.toString();
  }

  private static ByteBuffer readFile(Path file) throws IOException {
    try {
      return ByteBuffer.wrap(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static void cutFile(Path file, long bytes) throws IOException {
    if (Files.exists(file) && Files.size(file) > bytes) {
      try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
        c.truncate(bytes);
      }
    }
  }
}
