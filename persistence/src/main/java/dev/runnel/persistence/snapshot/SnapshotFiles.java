package dev.runnel.persistence.snapshot;

import dev.runnel.persistence.log.LogFiles;
import dev.runnel.persistence.serialization.SerializedValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Snapshot files under one root directory: a directory per persistence id, named as the journal
 * names it ({@link LogFiles#directoryName}), a file per snapshot.
 *
 * <pre>
 * root/
 *   &lt;persistence id directory&gt;/
 *     snapshot-&lt;sequenceNr, 20 digits&gt;-&lt;timestamp, 20 digits&gt;.snap
 *     snapshot-...snap.tmp        a save in progress, or cut short by a crash; never read
 * </pre>
 *
 * <p>File layout (big-endian):
 *
 * <pre>
 * +-------+-------+------------+-----------+----------+-------+-------+-----------------+-----------------+
 * | magic | crc   | sequenceNr | timestamp | idLength | id    | flags | snapshot        | metadata        |
 * | int32 | int32 | int64      | int64     | uint16   | UTF-8 | int8  | SerializedValue | SerializedValue |
 * +-------+-------+------------+-----------+----------+-------+-------+-----------------+-----------------+
 *   crc: CRC32C of every byte after it; flags bit 0: metadata present (otherwise absent);
 *   SerializedValue: see that class; the file ends right after the last value.
 * </pre>
 *
 * <p>Invariants: a {@code .snap} file is complete, since it only appears by an atomic rename of a
 * forced temp file, followed by a force of its directory; its name, header and persistence id agree
 * (a file where they do not is reported corrupt).
 *
 * <p>Thread-safety: stateless apart from the root, safe to use from many threads; a save and a read
 * of the same snapshot race only on the atomic rename.
 */
public final class SnapshotFiles {

  /** "RSN1". */
  static final int MAGIC = 0x52534E31;

  private static final int HEADER_BYTES = 4 + 4 + 8 + 8 + 2;
  private static final int FLAG_METADATA = 1;
  private static final String SUFFIX = ".snap";
  private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})-(\\d{20})\\.snap");

  /** A snapshot as stored: its key and serialized content. */
  public record StoredSnapshot(
      String persistenceId,
      long sequenceNr,
      long timestamp,
      SerializedValue snapshot,
      SerializedValue metadata) {}

  /** A snapshot file found on disk, known by its name only. */
  public record SnapshotFile(Path path, long sequenceNr, long timestamp) {}

  /** Newest first: highest sequence number, then latest timestamp. */
  private static final Comparator<SnapshotFile> NEWEST_FIRST =
      Comparator.comparingLong(SnapshotFile::sequenceNr)
          .thenComparingLong(SnapshotFile::timestamp)
          .reversed();

  private final Path root;

  public SnapshotFiles(Path root) {
    this.root = root;
  }

  static String fileName(long sequenceNr, long timestamp) {
    return String.format("snapshot-%020d-%020d%s", sequenceNr, timestamp, SUFFIX);
  }

  /**
   * Writes the snapshot durably: temp file, force, atomic rename over any snapshot with the same
   * sequence number and timestamp, force of the directory.
   */
  public void save(StoredSnapshot snapshot) {
    Path directory = root.resolve(LogFiles.directoryName(snapshot.persistenceId()));
    Path target = directory.resolve(fileName(snapshot.sequenceNr(), snapshot.timestamp()));
    try {
      if (!Files.isDirectory(directory)) {
        Files.createDirectories(directory);
        LogFiles.fsyncDirectory(directory.getParent());
      }
      LogFiles.writeAtomically(target, encode(snapshot));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot save snapshot: persistenceId="
              + snapshot.persistenceId()
              + ", file="
              + target
              + ", reason="
              + e,
          e);
    }
  }

  /** The persistence id's snapshot files, newest first; empty when it has none. */
  public List<SnapshotFile> list(String persistenceId) {
    Path directory = root.resolve(LogFiles.directoryName(persistenceId));
    List<SnapshotFile> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path path : stream) {
        Matcher name = NAME.matcher(path.getFileName().toString());
        if (name.matches()) {
          files.add(
              new SnapshotFile(path, Long.parseLong(name.group(1)), Long.parseLong(name.group(2))));
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot list snapshots: persistenceId=" + persistenceId + ", directory=" + directory, e);
    }
    files.sort(NEWEST_FIRST);
    return files;
  }

  /**
   * Reads and verifies one snapshot file of the persistence id.
   *
   * @throws CorruptSnapshotException when the content fails a check
   * @throws UncheckedIOException when the file cannot be read
   */
  public StoredSnapshot read(String persistenceId, SnapshotFile file) {
    ByteBuffer content;
    try {
      content = ByteBuffer.wrap(Files.readAllBytes(file.path()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read snapshot: file=" + file.path(), e);
    }
    return decode(persistenceId, file, content);
  }

  /** Deletes the file; a file already gone is not an error. */
  public void delete(SnapshotFile file) {
    try {
      Files.deleteIfExists(file.path());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete snapshot: file=" + file.path(), e);
    }
  }

  private static ByteBuffer encode(StoredSnapshot snapshot) {
    byte[] id = snapshot.persistenceId().getBytes(StandardCharsets.UTF_8);
    if (id.length > 0xFFFF) {
      throw new IllegalArgumentException(
          "Persistence id too long: idBytes=" + id.length + ", max=" + 0xFFFF);
    }
    SerializedValue metadata = snapshot.metadata();
    int size =
        HEADER_BYTES
            + id.length
            + 1
            + snapshot.snapshot().encodedSize()
            + (metadata == null ? 0 : metadata.encodedSize());
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.putInt(MAGIC).putInt(0);
    buffer.putLong(snapshot.sequenceNr()).putLong(snapshot.timestamp());
    buffer.putShort((short) id.length).put(id);
    buffer.put((byte) (metadata == null ? 0 : FLAG_METADATA));
    snapshot.snapshot().writeTo(buffer);
    if (metadata != null) {
      metadata.writeTo(buffer);
    }
    buffer.putInt(4, crc(buffer.array(), 8, size - 8));
    return buffer.flip();
  }

  private static StoredSnapshot decode(String persistenceId, SnapshotFile file, ByteBuffer buffer) {
    Path path = file.path();
    if (buffer.remaining() < HEADER_BYTES) {
      throw new CorruptSnapshotException(path, "file shorter than header, bytes=" + buffer.limit());
    }
    int magic = buffer.getInt();
    if (magic != MAGIC) {
      throw new CorruptSnapshotException(path, "bad magic=0x" + Integer.toHexString(magic));
    }
    int storedCrc = buffer.getInt();
    int actualCrc = crc(buffer.array(), 8, buffer.limit() - 8);
    if (storedCrc != actualCrc) {
      throw new CorruptSnapshotException(
          path, "crc mismatch, stored=" + storedCrc + ", actual=" + actualCrc);
    }
    long sequenceNr = buffer.getLong();
    long timestamp = buffer.getLong();
    if (sequenceNr != file.sequenceNr() || timestamp != file.timestamp()) {
      throw new CorruptSnapshotException(
          path,
          "header sequenceNr=" + sequenceNr + ", timestamp=" + timestamp + " differ from name");
    }
    int idLength = Short.toUnsignedInt(buffer.getShort());
    if (idLength > buffer.remaining()) {
      throw new CorruptSnapshotException(path, "idLength=" + idLength + " past end");
    }
    String id = StandardCharsets.UTF_8.decode(buffer.slice(buffer.position(), idLength)).toString();
    if (!id.equals(persistenceId)) {
      // Only possible for hashed directory names, or files moved by hand.
      throw new CorruptSnapshotException(path, "stored persistenceId=" + id + " differs");
    }
    buffer.position(buffer.position() + idLength);
    try {
      boolean hasMetadata = (buffer.get() & FLAG_METADATA) != 0;
      SerializedValue snapshot = SerializedValue.readFrom(buffer);
      SerializedValue metadata = hasMetadata ? SerializedValue.readFrom(buffer) : null;
      if (buffer.hasRemaining()) {
        throw new CorruptSnapshotException(path, "trailing bytes=" + buffer.remaining());
      }
      return new StoredSnapshot(id, sequenceNr, timestamp, snapshot, metadata);
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      throw new CorruptSnapshotException(path, e.toString());
    }
  }

  private static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
