package dev.runnel.persistence.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The metadata file of one log ({@value #FILE_NAME}): the persistence id itself, since directory
 * names may be hashed, and the permanent logical deletion point. Replaced atomically (temp file,
 * fsync, rename, fsync directory), so a reader sees the old or the new version whole. Big-endian:
 *
 * <pre>
 * offset size field
 *      0    4 magic              int32 0x524E4C4D ("RNLM")
 *      4    1 version            int8 1
 *      5    8 deletedTo          int64: sequence nrs at or below are deleted
 *     13    8 highestAtDeletion  int64: the highest sequence nr when deletedTo was set
 *     21    4 idLength           int32
 *     25    n persistenceId      UTF-8
 *   25+n    4 crc                uint32: CRC32C of every byte before it
 * </pre>
 *
 * @param persistenceId the log's persistence id
 * @param deletedTo sequence numbers at or below this are deleted (0: none)
 * @param highestAtDeletion the highest sequence number when {@code deletedTo} was last set, so the
 *     highest survives even if every entry holding it is deleted
 */
record LogMeta(String persistenceId, long deletedTo, long highestAtDeletion) {

  static final String FILE_NAME = "log.meta";

  private static final int MAGIC = 0x524E4C4D;
  private static final byte VERSION = 1;
  private static final int FIXED_BYTES = 29;

  /** Reads the meta file of a log directory; null if absent. */
  static LogMeta read(Path directory) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(directory.resolve(FILE_NAME));
    } catch (NoSuchFileException e) {
      return null;
    }
    return decode(ByteBuffer.wrap(bytes), directory.resolve(FILE_NAME));
  }

  void write(Path directory) throws IOException {
    LogFiles.writeAtomically(directory.resolve(FILE_NAME), encode());
  }

  ByteBuffer encode() {
    byte[] id = persistenceId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer bytes = ByteBuffer.allocate(FIXED_BYTES + id.length);
    bytes.putInt(MAGIC).put(VERSION).putLong(deletedTo).putLong(highestAtDeletion);
    bytes.putInt(id.length).put(id);
    CRC32C crc = new CRC32C();
    crc.update(bytes.array(), 0, bytes.position());
    bytes.putInt((int) crc.getValue());
    return bytes.flip();
  }

  private static LogMeta decode(ByteBuffer bytes, Path file) {
    int size = bytes.remaining();
    if (size < FIXED_BYTES) {
      throw corrupt(file, "size " + size + " below " + FIXED_BYTES);
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes.array(), 0, size - 4);
    if ((int) crc.getValue() != bytes.getInt(size - 4)) {
      throw corrupt(file, "crc mismatch");
    }
    int magic = bytes.getInt();
    byte version = bytes.get();
    if (magic != MAGIC || version != VERSION) {
      throw corrupt(file, "unknown magic " + magic + " or version " + version);
    }
    long deletedTo = bytes.getLong();
    long highest = bytes.getLong();
    int idLength = bytes.getInt();
    if (idLength != size - FIXED_BYTES) {
      throw corrupt(file, "idLength " + idLength + " does not fit size " + size);
    }
    String id = new String(bytes.array(), bytes.position(), idLength, StandardCharsets.UTF_8);
    return new LogMeta(id, deletedTo, highest);
  }

  private static LogCorruptionException corrupt(Path file, String reason) {
    return new LogCorruptionException("Corrupt log meta: file=" + file + ", reason=" + reason);
  }
}
