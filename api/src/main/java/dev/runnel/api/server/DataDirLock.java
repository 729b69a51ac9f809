package dev.runnel.api.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a node's data directory, so that a second server started on the same
 * directory refuses to start instead of writing into logs another process owns. The lock is the
 * operating system's lock on the file {@value #FILE_NAME} in the directory ({@link
 * FileChannel#tryLock}): it is released when the holder releases it or its process ends, however it
 * ends, so a crashed server never leaves a stale lock behind. The file itself stays.
 *
 * <p>Thread-safe.
 */
public final class DataDirLock implements AutoCloseable {

  /** The lock file's name inside the data directory. */
  public static final String FILE_NAME = "runnel.lock";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates the directory if needed and locks it.
   *
   * @throws IllegalStateException if another process (or this one) holds the lock, or the directory
   *     cannot be created or locked; the message names the directory
   */
  public static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    FileChannel channel = null;
    try {
      Files.createDirectories(dataDir);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw inUse(dataDir, file);
      }
      return new DataDirLock(file, channel, lock);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw inUse(dataDir, file);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new IllegalStateException(
          "Cannot lock data directory: runnel.data-dir=" + dataDir + ", reason=" + e, e);
    } catch (IllegalStateException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static IllegalStateException inUse(Path dataDir, Path file) {
    return new IllegalStateException(
        "Data directory in use by another process: runnel.data-dir="
            + dataDir
            + ", lock="
            + file
            + ". Stop that server or choose another directory.");
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the lock attempt already failed; that failure is the one to report
      }
    }
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot release data directory lock: lock=" + file, e);
    }
  }
}
