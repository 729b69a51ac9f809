package dev.runnel.persistence.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one persistence id: a directory of {@link Segment}s, a {@link LogMeta} file and, while
 * closed cleanly, a clean-shutdown marker.
 *
 * <pre>
 * &lt;root&gt;/&lt;directory name of the id&gt;/
 *   log.meta                        persistence id, deletedTo, highest at deletion
 *   clean-shutdown                  present only between a clean close and the next open
 *   00000000000000000001.log        segment, first sequence nr 1
 *   00000000000000000001.index
 *   00000000000000000001.timeindex
 *   00000000000000004711.log        the last segment is the active one, appends go there
 *   ...
 * </pre>
 *
 * <p>Invariants: segments are contiguous and their sequence numbers increase across them; only the
 * last (active) segment is written, and a log without segments (new, or emptied by {@link
 * #deleteAll}) starts one at its next entry; the highest sequence number never goes back, since
 * {@link LogMeta} keeps it when the entries holding it are deleted; a write cycle's entries for
 * this log are written by one gathering write per segment and become visible to readers only when
 * {@link #publish} moves the committed end, after the whole cycle finished.
 *
 * <p>A compacted log also has {@code cleaner.checkpoint} ({@link CleanerCheckpoint}) and, while a
 * cleaning runs, {@code <base>.log.cleaned} or {@code <base>.log.swap} (see {@link #swap}).
 *
 * <p>Thread-safety: writes, deletions and retention hold the log's lock; the writer is only ever
 * one io task at a time (the store runs one write cycle at a time). Deletion, retention and the
 * cleaner's swap also hold a maintenance lock, taken first, so they never interleave while the
 * writer is not held up by them beyond switching the segment array. Readers take no lock: they read
 * the volatile committed {@link View} (segments, committed end of the last, highest sequence nr); a
 * segment whose channel was closed under them was deleted by retention (skipped) or replaced by its
 * cleaned copy (read on there by sequence number).
 */
final class SegmentedLog {

  static final String CLEAN_MARKER = "clean-shutdown";

  private static final Logger LOG = LoggerFactory.getLogger(SegmentedLog.class);
  private static final Segment[] NO_SEGMENTS = new Segment[0];

  /** What readers may see: every segment but the last in full, the last up to activeEnd. */
  record View(Segment[] segments, long activeEnd, long highestSequenceNr) {}

  /**
   * When the active segment rolls: before it would grow past {@code segmentBytes}, or when an
   * entry's timestamp is more than {@code segmentAgeMillis} after its first entry's.
   */
  record SegmentLimits(long segmentBytes, long segmentAgeMillis) {}

  /** One append call waiting in a write cycle; {@code failure} is set by the writer. */
  static final class PendingAppend {
    final String persistenceId;
    final List<LogEntry> entries;
    final CompletableFuture<Void> future;
    RuntimeException failure;

    PendingAppend(String persistenceId, List<LogEntry> entries, CompletableFuture<Void> future) {
      this.persistenceId = persistenceId;
      this.entries = entries;
      this.future = future;
    }
  }

  private final String persistenceId;
  private final Path directory;
  private final LogSettings settings;
  private final boolean created;
  private final Object lock = new Object();
  // Taken before lock by everything that removes or replaces segments (deletion, retention, the
  // cleaner's swap), so that they never interleave; the writer takes only lock.
  private final Object maintenance = new Object();
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final CRC32C crc = new CRC32C();

  private Segment[] segments;
  private long lastSequenceNr;
  private LogMeta meta;
  private ByteBuffer[] headers = new ByteBuffer[0];
  private volatile View view;
  private volatile long deletedTo;
  private volatile RuntimeException failure;
  private volatile CleanerCheckpoint checkpoint;

  private SegmentedLog(
      String persistenceId,
      Path directory,
      LogSettings settings,
      boolean created,
      LogMeta meta,
      CleanerCheckpoint checkpoint,
      Segment[] segments) {
    this.persistenceId = persistenceId;
    this.checkpoint = checkpoint;
    this.directory = directory;
    this.settings = settings;
    this.created = created;
    this.meta = meta;
    this.segments = segments;
    this.deletedTo = meta.deletedTo();
    Segment last = segments.length == 0 ? null : segments[segments.length - 1];
    this.lastSequenceNr =
        Math.max(last == null ? 0 : last.lastSequenceNr(), meta.highestAtDeletion());
    this.view = new View(segments, last == null ? 0 : last.size(), lastSequenceNr);
  }

  /**
   * Opens (and recovers) or creates the log of {@code persistenceId} in {@code directory}. Damaged
   * data is cut and logged, never thrown; operating-system failures throw {@link
   * LogStorageException}.
   */
  static SegmentedLog open(String persistenceId, Path directory, LogSettings settings) {
    try {
      boolean created = false;
      if (!Files.isDirectory(directory)) {
        Files.createDirectories(directory);
        LogFiles.fsyncDirectory(directory.getParent());
        created = true;
      }
      LogMeta meta = readMeta(persistenceId, directory);
      if (!meta.persistenceId().equals(persistenceId)) {
        throw new LogStorageException(
            "Log directory holds another persistence id: persistenceId="
                + persistenceId
                + ", directory="
                + directory
                + ", found="
                + meta.persistenceId());
      }
      boolean clean = Files.deleteIfExists(directory.resolve(CLEAN_MARKER));
      if (clean) {
        LogFiles.fsyncDirectory(directory);
      }
      completeSwaps(directory, settings);
      Segment[] segments = recoverSegments(directory, settings, clean);
      return new SegmentedLog(
          persistenceId,
          directory,
          settings,
          created,
          meta,
          readCheckpoint(persistenceId, directory),
          segments);
    } catch (IOException e) {
      throw new LogStorageException(
          "Cannot open log: persistenceId=" + persistenceId + ", directory=" + directory, e);
    }
  }

  private static LogMeta readMeta(String persistenceId, Path directory) throws IOException {
    LogMeta meta;
    try {
      meta = LogMeta.read(directory);
    } catch (LogCorruptionException e) {
      LOG.error(
          "{}; rewriting it without the deletion mark: persistenceId={}",
          e.getMessage(),
          persistenceId);
      meta = null;
    }
    if (meta == null) {
      meta = new LogMeta(persistenceId, 0, 0);
      meta.write(directory);
    }
    return meta;
  }

  private static CleanerCheckpoint readCheckpoint(String persistenceId, Path directory)
      throws IOException {
    try {
      return CleanerCheckpoint.read(directory);
    } catch (LogCorruptionException e) {
      // Losing it only makes the cleaner clean the whole log again and keep tombstones longer.
      LOG.error("{}; cleaning starts over: persistenceId={}", e.getMessage(), persistenceId);
      return CleanerCheckpoint.NONE;
    }
  }

  /**
   * Ends cleanings a crash interrupted: a {@code .log.cleaned} file was never committed and is
   * deleted (the segments it was to replace are intact); a {@code .log.swap} file was committed
   * (written and forced whole before its rename), so the segments it replaces, every one whose base
   * lies within its sequence range, are deleted with their indexes, if any are left, and it becomes
   * {@code .log}. Its indexes are missing, so recovery rebuilds them.
   */
  private static void completeSwaps(Path directory, LogSettings settings) throws IOException {
    List<Long> swaps = new ArrayList<>();
    TreeSet<Long> bases = new TreeSet<>();
    boolean changed = false;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (LogFiles.parseSegmentFileName(name, LogFiles.CLEANED_SUFFIX) > 0) {
          Files.delete(file);
          changed = true;
        } else if (LogFiles.parseSegmentFileName(name, LogFiles.SWAP_SUFFIX) > 0) {
          swaps.add(LogFiles.parseSegmentFileName(name, LogFiles.SWAP_SUFFIX));
        } else if (LogFiles.parseSegmentFileName(name, LogFiles.LOG_SUFFIX) > 0) {
          bases.add(LogFiles.parseSegmentFileName(name, LogFiles.LOG_SUFFIX));
        }
      }
    }
    for (long base : swaps) {
      Segment swap = Segment.open(directory, base, LogFiles.SWAP_SUFFIX, settings);
      long last = base;
      try {
        EntryReader reader =
            new EntryReader(swap.channel(), 0, swap.size(), settings.maxEntryBytes(), 0, false);
        while (reader.next()) {
          last = reader.lastSequenceNr();
        }
      } finally {
        swap.close();
      }
      List<Long> replaced = new ArrayList<>(bases.subSet(base, true, last, true));
      for (long old : replaced) {
        Files.deleteIfExists(directory.resolve(LogFiles.segmentFileName(old, LogFiles.LOG_SUFFIX)));
        Files.deleteIfExists(
            directory.resolve(LogFiles.segmentFileName(old, LogFiles.INDEX_SUFFIX)));
        Files.deleteIfExists(
            directory.resolve(LogFiles.segmentFileName(old, LogFiles.TIME_INDEX_SUFFIX)));
      }
      Files.deleteIfExists(
          directory.resolve(LogFiles.segmentFileName(base, LogFiles.INDEX_SUFFIX)));
      Files.deleteIfExists(
          directory.resolve(LogFiles.segmentFileName(base, LogFiles.TIME_INDEX_SUFFIX)));
      Files.move(
          directory.resolve(LogFiles.segmentFileName(base, LogFiles.SWAP_SUFFIX)),
          directory.resolve(LogFiles.segmentFileName(base, LogFiles.LOG_SUFFIX)),
          StandardCopyOption.ATOMIC_MOVE);
      LOG.warn(
          "Completed a cleaned segment swap a crash interrupted: directory={}, base={},"
              + " replacedSegments={}",
          directory,
          base,
          replaced);
      changed = true;
    }
    if (changed) {
      LogFiles.fsyncDirectory(directory);
    }
  }

  private static Segment[] recoverSegments(Path directory, LogSettings settings, boolean clean)
      throws IOException {
    TreeSet<Long> bases = new TreeSet<>();
    List<Path> indexFiles = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        long base = LogFiles.parseSegmentFileName(name, LogFiles.LOG_SUFFIX);
        if (base > 0) {
          bases.add(base);
        } else if (name.endsWith(LogFiles.TEMP_SUFFIX)) {
          Files.delete(file);
        } else if (LogFiles.parseSegmentFileName(name, LogFiles.INDEX_SUFFIX) > 0
            || LogFiles.parseSegmentFileName(name, LogFiles.TIME_INDEX_SUFFIX) > 0) {
          indexFiles.add(file);
        }
      }
    }
    for (Path file : indexFiles) {
      String name = file.getFileName().toString();
      String base = name.substring(0, name.indexOf('.'));
      if (!bases.contains(Long.parseLong(base))) {
        Files.delete(file);
      }
    }
    List<Segment> recovered = new ArrayList<>();
    long previousLast = 0;
    Long[] all = bases.toArray(new Long[0]);
    for (int i = 0; i < all.length; i++) {
      boolean last = i == all.length - 1;
      Segment segment = Segment.open(directory, all[i], settings);
      long fileSize = segment.size();
      Segment.Damage damage = segment.recover(clean || !last, previousLast);
      if (damage != null) {
        segment.truncate(damage.position());
        if (last) {
          LOG.warn(
              "Cut damaged log tail: file={}, position={}, bytesCut={}, reason={}",
              segment.file(),
              damage.position(),
              fileSize - damage.position(),
              damage.reason());
        } else {
          List<Path> dropped = new ArrayList<>();
          for (int j = i + 1; j < all.length; j++) {
            Segment later = Segment.open(directory, all[j], settings);
            dropped.add(later.file());
            later.delete();
          }
          LOG.error(
              "Corrupt segment before the end of the log, cut it and deleted every later segment"
                  + " to keep the log contiguous: file={}, position={}, bytesCut={}, reason={},"
                  + " deleted={}",
              segment.file(),
              damage.position(),
              fileSize - damage.position(),
              damage.reason(),
              dropped);
          LogFiles.fsyncDirectory(directory);
        }
      }
      if (segment.size() == 0) {
        segment.delete();
      } else {
        recovered.add(segment);
        previousLast = segment.lastSequenceNr();
      }
      if (damage != null && !last) {
        break;
      }
    }
    return recovered.toArray(NO_SEGMENTS);
  }

  // ---- writing (io executor, one write cycle at a time)

  /**
   * Writes the appends of one cycle with one gathering write per segment and, under {@link
   * FsyncPolicy#ALWAYS}, forces them. An append that does not continue the sequence gets an {@link
   * IllegalArgumentException} and nothing of it is written. If writing fails, every other append of
   * the cycle fails with a {@link LogWriteException} and the log is cut back to where it was; if
   * even that fails the log is marked failed. Nothing becomes visible before {@link #publish}.
   *
   * @param limits when the active segment rolls, checked at every entry
   * @return forces done
   */
  int write(List<PendingAppend> appends, SegmentLimits limits) {
    synchronized (lock) {
      if (failure != null) {
        for (PendingAppend append : appends) {
          append.failure = failure;
        }
        return 0;
      }
      Segment[] segmentsBefore = segments;
      Segment active = active();
      Segment.State stateBefore = active == null ? null : active.state();
      long lastBefore = lastSequenceNr;
      int forces = 0;
      try {
        forces += writeEntries(appends, limits);
        if (active() == null) {
          return forces;
        }
        if (settings.fsyncPolicy() == FsyncPolicy.ALWAYS) {
          active().force();
          forces++;
        } else {
          dirty.set(true);
        }
      } catch (IOException | RuntimeException e) {
        LogWriteException error =
            new LogWriteException(
                "Append failed: persistenceId="
                    + persistenceId
                    + ", file="
                    + active()
                    + ", cause="
                    + e,
                e);
        for (PendingAppend append : appends) {
          if (append.failure == null) {
            append.failure = error;
          }
        }
        rollBack(segmentsBefore, active, stateBefore, lastBefore, error);
      }
      return forces;
    }
  }

  private int writeEntries(List<PendingAppend> appends, SegmentLimits limits) throws IOException {
    int entryCount = 0;
    for (PendingAppend append : appends) {
      entryCount += append.entries.size();
    }
    if (headers.length < entryCount) {
      headers = headerBuffers(Math.max(entryCount, headers.length * 2));
    }
    ByteBuffer[] buffers = new ByteBuffer[entryCount * 2];
    int pending = 0;
    int buffered = 0;
    int forces = 0;
    int headerIndex = 0;
    long segmentBytes = limits.segmentBytes();
    long segmentAgeMillis = limits.segmentAgeMillis();
    Segment active = active();
    for (PendingAppend append : appends) {
      if (append.failure != null) {
        continue;
      }
      long first = append.entries.get(0).firstSequenceNr();
      if (first <= lastSequenceNr) {
        append.failure =
            new IllegalArgumentException(
                "Sequence nr not increasing: persistenceId="
                    + persistenceId
                    + ", firstSequenceNr="
                    + first
                    + ", lastSequenceNr="
                    + lastSequenceNr);
        continue;
      }
      for (LogEntry entry : append.entries) {
        ByteBuffer payload = entry.payload().duplicate();
        int entryBytes = EntryFormat.entryBytes(payload.remaining());
        if (active == null
            || active.mustRoll(
                entry.firstSequenceNr(),
                entry.timestamp(),
                entryBytes,
                segmentBytes,
                segmentAgeMillis)) {
          if (active != null) {
            active.write(buffers, pending, buffered);
            pending = buffered;
            active.seal();
            forces++;
          }
          active = roll(entry.firstSequenceNr());
        }
        ByteBuffer header = headers[headerIndex++].clear();
        EntryFormat.writeHeader(header, entry, payload, crc);
        buffers[buffered++] = header;
        buffers[buffered++] = payload;
        active.track(
            entry.firstSequenceNr(), entry.lastSequenceNr(), entry.timestamp(), entryBytes);
      }
      lastSequenceNr = append.entries.get(append.entries.size() - 1).lastSequenceNr();
    }
    if (active != null) {
      active.write(buffers, pending, buffered);
    }
    return forces;
  }

  /**
   * Header buffers reused by every write cycle: slices of one direct buffer, so the gathering write
   * copies nothing for them and a cycle allocates no header objects.
   */
  private static ByteBuffer[] headerBuffers(int count) {
    ByteBuffer memory = ByteBuffer.allocateDirect(count * EntryFormat.HEADER_BYTES);
    ByteBuffer[] buffers = new ByteBuffer[count];
    for (int i = 0; i < count; i++) {
      buffers[i] = memory.slice(i * EntryFormat.HEADER_BYTES, EntryFormat.HEADER_BYTES);
    }
    return buffers;
  }

  private Segment roll(long base) throws IOException {
    Segment next = Segment.create(directory, base, settings);
    Segment[] grown = Arrays.copyOf(segments, segments.length + 1);
    grown[segments.length] = next;
    segments = grown;
    LogFiles.fsyncDirectory(directory);
    return next;
  }

  private void rollBack(
      Segment[] segmentsBefore,
      Segment activeBefore,
      Segment.State stateBefore,
      long lastBefore,
      LogWriteException error) {
    try {
      for (int i = segmentsBefore.length; i < segments.length; i++) {
        segments[i].delete();
      }
      segments = segmentsBefore;
      lastSequenceNr = lastBefore;
      if (activeBefore != null) {
        activeBefore.restore(stateBefore);
      }
      LOG.warn("{}; cut the log back to before the write", error.getMessage());
    } catch (IOException | RuntimeException e) {
      failure =
          new LogFailedException(
              "Log failed, appends refused until the store reopens: persistenceId="
                  + persistenceId
                  + ", directory="
                  + directory
                  + ", cause="
                  + e,
              e);
      failure.addSuppressed(error);
      LOG.error(failure.getMessage(), failure);
    }
  }

  /** Makes everything written so far visible to readers; called when the write cycle ends. */
  long publish() {
    synchronized (lock) {
      Segment active = active();
      View published =
          new View(
              segments,
              active == null ? 0 : active.size(),
              Math.max(lastSequenceNr, meta.highestAtDeletion()));
      view = published;
      return published.highestSequenceNr();
    }
  }

  /**
   * Forces the active segment if anything was written since the last force (fsync interval).
   *
   * @return whether it forced
   */
  boolean forceIfDirty() {
    if (!dirty.getAndSet(false)) {
      return false;
    }
    Segment active = active();
    try {
      if (active != null) {
        active.force();
        return true;
      }
    } catch (ClosedChannelException e) {
      // Rolled (sealing forced it) or deleted: nothing left to force.
    } catch (IOException e) {
      synchronized (lock) {
        failure =
            new LogFailedException(
                "Log failed, interval force failed: persistenceId="
                    + persistenceId
                    + ", file="
                    + active
                    + ", cause="
                    + e,
                e);
      }
      LOG.error(failure.getMessage(), e);
    }
    return false;
  }

  private Segment active() {
    Segment[] current = segments;
    return current.length == 0 ? null : current[current.length - 1];
  }

  // ---- reading (any thread)

  /**
   * Committed entries overlapping [from, to] and above {@code deletedTo}: at most {@code
   * maxEntries}, and no more payload bytes than {@code maxBytes} except that the first entry is
   * always returned.
   *
   * <p>A segment closed under the reader was deleted by retention or replaced by its cleaned copy:
   * the read goes on from the next sequence number in the current view, so it never misses an entry
   * that still exists and never shows one twice.
   */
  List<LogEntry> read(long from, long to, int maxEntries, long maxBytes) {
    View current = view;
    long start = Math.max(from, deletedTo + 1);
    long end = Math.min(to, current.highestSequenceNr());
    // Grown as entries come: a live tail reads one or two, and presizing for maxEntries made
    // every such read allocate kilobytes.
    List<LogEntry> result = new ArrayList<>();
    if (start > end || maxEntries <= 0) {
      return result;
    }
    long[] bytes = {0};
    while (readFrom(current, start, end, maxEntries, maxBytes, result, bytes)) {
      current = view;
      if (!result.isEmpty()) {
        start = result.get(result.size() - 1).lastSequenceNr() + 1;
      }
    }
    return result;
  }

  /**
   * Reads from {@code start} in {@code current} into {@code result}; true when a segment was
   * replaced under it and the read must go on in the newer view.
   */
  private boolean readFrom(
      View current,
      long start,
      long end,
      int maxEntries,
      long maxBytes,
      List<LogEntry> result,
      long[] bytes) {
    Segment[] all = current.segments();
    for (int i = segmentIndexFor(all, start); i < all.length; i++) {
      Segment segment = all[i];
      if (segment.base() > end) {
        break;
      }
      long limit = i == all.length - 1 ? current.activeEnd() : segment.size();
      long position = segment.floorPosition(start);
      EntryReader reader =
          new EntryReader(segment.channel(), position, limit, segment.maxEntryBytes(), 0, true);
      boolean atIndexPoint = position > 0;
      try {
        while (true) {
          boolean more = reader.next();
          if (atIndexPoint) {
            atIndexPoint = false;
            if (!more || reader.firstSequenceNr() > start) {
              // The index point does not lead to an entry at or before start: its file was
              // damaged in a way validation cannot see. Scanning from the segment start is right.
              reader =
                  new EntryReader(segment.channel(), 0, limit, segment.maxEntryBytes(), 0, true);
              continue;
            }
          }
          if (!more) {
            break;
          }
          if (reader.lastSequenceNr() < start) {
            continue;
          }
          if (reader.firstSequenceNr() > end) {
            return false;
          }
          int payloadBytes = reader.entryBytes() - EntryFormat.HEADER_BYTES;
          if (!result.isEmpty() && bytes[0] + payloadBytes > maxBytes) {
            return false;
          }
          result.add(reader.entry());
          bytes[0] += payloadBytes;
          start = reader.lastSequenceNr() + 1;
          if (result.size() >= maxEntries) {
            return false;
          }
        }
      } catch (ClosedChannelException e) {
        if (replaced(segment)) {
          return true;
        }
        continue;
      } catch (IOException e) {
        throw new LogStorageException(
            "Read failed: persistenceId=" + persistenceId + ", file=" + segment.file(), e);
      }
      if (reader.failure() != null) {
        throw LogCorruptionException.atEntry(persistenceId, segment, reader);
      }
    }
    return false;
  }

  /** First committed sequence nr above deletedTo whose entry timestamp is >= {@code timestamp}. */
  OptionalLong sequenceNrForTimestamp(long timestamp) {
    while (true) {
      View current = view;
      OptionalLong found = sequenceNrForTimestamp(current, timestamp);
      if (found != null) {
        return found;
      }
    }
  }

  /** The search in one view; null when a segment was replaced under it (search again). */
  private OptionalLong sequenceNrForTimestamp(View current, long timestamp) {
    Segment[] all = current.segments();
    long floor = deletedTo;
    for (int i = 0; i < all.length; i++) {
      Segment segment = all[i];
      boolean last = i == all.length - 1;
      if (!last && (segment.maxTimestamp() < timestamp || segment.lastSequenceNr() <= floor)) {
        continue;
      }
      long limit = last ? current.activeEnd() : segment.size();
      EntryReader reader =
          new EntryReader(
              segment.channel(),
              segment.timestampScanStart(timestamp),
              limit,
              segment.maxEntryBytes(),
              0,
              false);
      try {
        while (reader.next()) {
          if (reader.timestamp() >= timestamp && reader.lastSequenceNr() > floor) {
            return OptionalLong.of(Math.max(reader.firstSequenceNr(), floor + 1));
          }
        }
      } catch (ClosedChannelException e) {
        if (replaced(segment)) {
          return null;
        }
        continue;
      } catch (IOException e) {
        throw new LogStorageException(
            "Read failed: persistenceId=" + persistenceId + ", file=" + segment.file(), e);
      }
    }
    return OptionalLong.empty();
  }

  /**
   * Whether a segment whose channel was found closed is gone from the current view (deleted or
   * replaced by a cleaned copy), rather than closed by an interrupted reader.
   */
  private boolean replaced(Segment segment) {
    for (Segment current : view.segments()) {
      if (current == segment) {
        return false;
      }
    }
    return true;
  }

  private static int segmentIndexFor(Segment[] all, long sequenceNr) {
    int low = 0;
    int high = all.length - 1;
    int found = 0;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (all[mid].base() <= sequenceNr) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  long highestSequenceNr() {
    return view.highestSequenceNr();
  }

  long deletedTo() {
    return deletedTo;
  }

  /** The first sequence number still readable (highest + 1 when nothing is). */
  long logStartSequenceNr() {
    View current = view;
    Segment[] all = current.segments();
    long start = all.length == 0 ? current.highestSequenceNr() + 1 : all[0].base();
    return Math.max(start, Math.min(deletedTo, current.highestSequenceNr()) + 1);
  }

  /** Bytes of all segment files. */
  long sizeInBytes() {
    View current = view;
    Segment[] all = current.segments();
    long total = all.length == 0 ? 0 : current.activeEnd();
    for (int i = 0; i < all.length - 1; i++) {
      total += all[i].size();
    }
    return total;
  }

  String persistenceId() {
    return persistenceId;
  }

  boolean created() {
    return created;
  }

  // ---- deletion and retention (blocking, any thread)

  /**
   * Permanently deletes sequence numbers up to {@code toSequenceNr} (capped at the highest): first
   * in the meta file, then whole segments holding nothing above it.
   */
  void deleteTo(long toSequenceNr) {
    synchronized (maintenance) {
      synchronized (lock) {
        long highest = view.highestSequenceNr();
        long capped = Math.min(toSequenceNr, highest);
        if (capped <= meta.deletedTo()) {
          return;
        }
        LogMeta updated = new LogMeta(persistenceId, capped, highest);
        try {
          updated.write(directory);
        } catch (IOException e) {
          throw new LogStorageException(
              "Cannot write log meta: persistenceId="
                  + persistenceId
                  + ", directory="
                  + directory
                  + ", deletedTo="
                  + capped,
              e);
        }
        meta = updated;
        deletedTo = capped;
        deleteOldest(segment -> segment.lastSequenceNr() <= capped, 1);
      }
    }
  }

  /**
   * Deletes every committed sequence number like {@link #deleteTo}, and then, unless a write cycle
   * has written entries not yet published, every segment file, the active one included: the next
   * append starts a new segment. The meta file keeps the highest sequence number.
   */
  void deleteAll() {
    synchronized (maintenance) {
      synchronized (lock) {
        deleteTo(Long.MAX_VALUE);
        if (lastSequenceNr <= deletedTo) {
          deleteOldest(segment -> true, 0);
        }
      }
    }
  }

  /** Deletes whole segments whose every entry is below {@code sequenceNr}. */
  RetentionResult deleteSegmentsBelow(long sequenceNr) {
    synchronized (maintenance) {
      synchronized (lock) {
        return deleteOldest(segment -> segment.lastSequenceNr() < sequenceNr, 1);
      }
    }
  }

  /** Deletes whole segments whose newest entry is older than {@code cutoffMillis}. */
  RetentionResult deleteSegmentsOlderThan(long cutoffMillis) {
    synchronized (maintenance) {
      synchronized (lock) {
        return deleteOldest(segment -> segment.maxTimestamp() < cutoffMillis, 1);
      }
    }
  }

  /** Deletes the oldest whole segments until the log is at most {@code maxBytes}, if it can. */
  RetentionResult deleteSegmentsBeyondSize(long maxBytes) {
    synchronized (maintenance) {
      synchronized (lock) {
        long[] excess = {sizeInBytes() - maxBytes};
        return deleteOldest(
            segment -> {
              if (excess[0] <= 0) {
                return false;
              }
              excess[0] -= segment.size();
              return true;
            },
            1);
      }
    }
  }

  /** Deletes the oldest segments while {@code deletable}, keeping at least {@code keep}. */
  private RetentionResult deleteOldest(Predicate<Segment> deletable, int keep) {
    Segment[] committed = view.segments();
    int count = 0;
    while (count < committed.length - keep && deletable.test(committed[count])) {
      count++;
    }
    if (count == 0) {
      return new RetentionResult(0, 0, logStartSequenceNr());
    }
    Segment[] doomed = Arrays.copyOf(committed, count);
    segments = Arrays.copyOfRange(segments, count, segments.length);
    View current = view;
    view =
        new View(
            Arrays.copyOfRange(committed, count, committed.length),
            count == committed.length ? 0 : current.activeEnd(),
            current.highestSequenceNr());
    long bytes = 0;
    try {
      for (Segment segment : doomed) {
        bytes += segment.size();
        segment.delete();
      }
    } catch (IOException e) {
      throw new LogStorageException(
          "Cannot delete segment: persistenceId=" + persistenceId + ", directory=" + directory, e);
    }
    return new RetentionResult(count, bytes, logStartSequenceNr());
  }

  // ---- cleaning (one cleaner at a time per log, see LogCleaner)

  /** The committed view: what a cleaner may clean is every segment of it but the last. */
  View view() {
    return view;
  }

  Path directory() {
    return directory;
  }

  LogSettings settings() {
    return settings;
  }

  CleanerCheckpoint checkpoint() {
    return checkpoint;
  }

  /** Records how far the cleaner got; written atomically before it counts. */
  void checkpoint(CleanerCheckpoint next) {
    synchronized (maintenance) {
      try {
        next.write(directory);
      } catch (IOException e) {
        throw new LogStorageException(
            "Cannot write cleaner checkpoint: persistenceId="
                + persistenceId
                + ", directory="
                + directory,
            e);
      }
      checkpoint = next;
    }
  }

  /**
   * Swaps a cleaned segment in for the consecutive segments {@code replaced} it is the cleaned copy
   * of. The protocol, crash-safe at every step:
   *
   * <ol>
   *   <li>(done by the cleaner) {@code <base>.log.cleaned} written and forced;
   *   <li>renamed to {@code <base>.log.swap}, directory forced: the swap is committed, recovery
   *       will finish it;
   *   <li>the segments array and the readers' view switch to the cleaned segment;
   *   <li>the replaced segments' files are deleted (their channels closed: a reader still in them
   *       goes on in the new view by sequence number);
   *   <li>{@code .swap} renamed to {@code .log}, its index files written, directory forced.
   * </ol>
   *
   * A crash before step 2 leaves the old segments and a {@code .cleaned} file that the next open
   * deletes; from step 2 on the next open deletes what is left of the old segments and renames the
   * swap file (see {@link #completeSwaps}). Deletion and retention cannot run meanwhile (they take
   * the same maintenance lock).
   *
   * @return false, having discarded {@code cleaned}, if the segments are no longer all in the log
   *     (retention deleted some while the cleaner worked)
   */
  boolean swap(Segment[] replaced, Segment cleaned) throws IOException {
    synchronized (maintenance) {
      if (indexOf(segments, replaced) < 0 || indexOf(view.segments(), replaced) < 0) {
        cleaned.discard();
        return false;
      }
      cleaned.commitSwap();
      LogFiles.fsyncDirectory(directory);
      synchronized (lock) {
        segments = replace(segments, replaced, cleaned);
        View current = view;
        view =
            new View(
                replace(current.segments(), replaced, cleaned),
                current.activeEnd(),
                current.highestSequenceNr());
      }
      for (Segment old : replaced) {
        old.delete();
      }
      cleaned.completeSwap();
      LogFiles.fsyncDirectory(directory);
      return true;
    }
  }

  /** Where {@code run} starts in {@code all} as a run of the same objects, or -1. */
  private static int indexOf(Segment[] all, Segment[] run) {
    for (int i = 0; i + run.length <= all.length; i++) {
      if (all[i] == run[0]) {
        for (int j = 1; j < run.length; j++) {
          if (all[i + j] != run[j]) {
            return -1;
          }
        }
        return i;
      }
    }
    return -1;
  }

  private static Segment[] replace(Segment[] all, Segment[] run, Segment by) {
    int at = indexOf(all, run);
    Segment[] result = new Segment[all.length - run.length + 1];
    System.arraycopy(all, 0, result, 0, at);
    result[at] = by;
    System.arraycopy(all, at + run.length, result, at + 1, all.length - at - run.length);
    return result;
  }

  /**
   * Forces everything, writes the index files and the clean-shutdown marker, closes the files. A
   * failed log gets no marker, so the next open recovers it.
   */
  void close() {
    synchronized (maintenance) {
      synchronized (lock) {
        try {
          Segment active = active();
          if (failure == null && active != null) {
            active.seal();
          }
          for (Segment segment : segments) {
            segment.close();
          }
          if (failure == null) {
            Files.createFile(directory.resolve(CLEAN_MARKER));
          }
        } catch (IOException e) {
          throw new LogStorageException(
              "Cannot close log: persistenceId=" + persistenceId + ", directory=" + directory, e);
        }
      }
    }
  }

  /** The active segment, for tests that break its file underneath. */
  Segment activeSegment() {
    synchronized (lock) {
      return active();
    }
  }

  /** All segments, for tests and retention callers. */
  Segment[] segments() {
    return view.segments();
  }
}
