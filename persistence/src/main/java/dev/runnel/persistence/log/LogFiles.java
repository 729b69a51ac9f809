package dev.runnel.persistence.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * File names and the few file-system operations the log needs to be crash safe: atomic replace and
 * directory fsync. Segment file names come only from {@link #segmentFileName}: the first sequence
 * number zero-padded to 20 digits (the width of {@link Long#MAX_VALUE}) plus a suffix, so that
 * names sort like the numbers.
 *
 * <p>The persistence-id directory names and the crash-safe file operations are public because the
 * snapshot store lays out its files the same way.
 *
 * <p>Stateless; thread-safe.
 */
public final class LogFiles {

  static final String LOG_SUFFIX = ".log";
  static final String INDEX_SUFFIX = ".index";
  static final String TIME_INDEX_SUFFIX = ".timeindex";
  static final String TEMP_SUFFIX = ".tmp";
  static final String CLEANED_SUFFIX = ".log.cleaned";
  static final String SWAP_SUFFIX = ".log.swap";

  /** Directory names longer than this become a truncated prefix plus a hash. */
  static final int MAX_DIRECTORY_NAME = 150;

  private static final int DIGITS = 20;
  private static final int HASHED_PREFIX = 100;

  private LogFiles() {}

  static String segmentFileName(long firstSequenceNr, String suffix) {
    String digits = Long.toString(firstSequenceNr);
    return "0".repeat(DIGITS - digits.length()) + digits + suffix;
  }

  /** The first sequence number a segment file name carries, or -1 if it is not such a name. */
  static long parseSegmentFileName(String fileName, String suffix) {
    if (fileName.length() != DIGITS + suffix.length() || !fileName.endsWith(suffix)) {
      return -1;
    }
    for (int i = 0; i < DIGITS; i++) {
      char c = fileName.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(fileName, 0, DIGITS, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The directory name of a persistence id: its UTF-8 bytes with everything outside {@code
   * [A-Za-z0-9._-]} (and a leading dot, so no name is hidden or "." or "..") percent-encoded. A
   * name longer than {@link #MAX_DIRECTORY_NAME} becomes its first 100 characters, {@code '~'}
   * (which encoding never produces) and 32 hex digits of its SHA-256, so only the meta file knows
   * the id.
   */
  public static String directoryName(String persistenceId) {
    if (persistenceId == null || persistenceId.isEmpty()) {
      throw new IllegalArgumentException("persistenceId=" + persistenceId + " must not be empty");
    }
    byte[] utf8 = persistenceId.getBytes(StandardCharsets.UTF_8);
    StringBuilder name = new StringBuilder(utf8.length + 16);
    for (int i = 0; i < utf8.length; i++) {
      int b = utf8[i] & 0xff;
      boolean plain =
          (b >= 'A' && b <= 'Z')
              || (b >= 'a' && b <= 'z')
              || (b >= '0' && b <= '9')
              || b == '_'
              || b == '-'
              || (b == '.' && i > 0);
      if (plain) {
        name.append((char) b);
      } else {
        name.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)));
        name.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    if (name.length() <= MAX_DIRECTORY_NAME) {
      return name.toString();
    }
    return name.substring(0, HASHED_PREFIX) + "~" + sha256Hex(utf8).substring(0, 32);
  }

  /** Makes creations, renames and deletions in {@code directory} durable. */
  public static void fsyncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Replaces {@code file} with {@code content}: temp file, fsync, rename, fsync directory. */
  public static void writeAtomically(Path file, ByteBuffer content) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      while (content.hasRemaining()) {
        channel.write(content);
      }
      channel.force(true);
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(file.getParent());
  }

  /** Writes {@code content} at {@code position} of {@code file}, cutting the file there first. */
  static void writeAt(Path file, long position, ByteBuffer content, boolean force)
      throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      if (channel.size() > position) {
        channel.truncate(position);
      }
      long at = position;
      while (content.hasRemaining()) {
        at += channel.write(content, at);
      }
      if (force) {
        channel.force(false);
      }
    }
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
