package dev.runnel.persistence.snapshot;

import java.nio.file.Path;

/** A snapshot file that cannot be trusted: wrong magic, checksum, names or lengths. */
public final class CorruptSnapshotException extends RuntimeException {

  CorruptSnapshotException(Path file, String reason) {
    super("Corrupt snapshot: file=" + file + ", reason=" + reason);
  }
}
