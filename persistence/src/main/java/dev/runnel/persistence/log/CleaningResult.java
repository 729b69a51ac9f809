package dev.runnel.persistence.log;

/**
 * What one cleaning pass over a log did.
 *
 * @param dirtyBytes bytes of dirty entries read into the key map
 * @param keys distinct keys mapped
 * @param segmentsBefore segments rewritten
 * @param segmentsAfter segments that replaced them
 * @param bytesBefore bytes of the rewritten segments before
 * @param bytesAfter bytes of the segments that replaced them
 * @param recordsRead records of the rewritten segments
 * @param recordsKept records kept of those
 * @param firstDirtyBefore the first dirty sequence number before the pass
 * @param firstDirtyAfter the first dirty sequence number after it
 * @param mapFull whether the key map filled up before the dirty part ended (another pass follows)
 * @param nanos how long the pass took
 */
public record CleaningResult(
    long dirtyBytes,
    int keys,
    int segmentsBefore,
    int segmentsAfter,
    long bytesBefore,
    long bytesAfter,
    long recordsRead,
    long recordsKept,
    long firstDirtyBefore,
    long firstDirtyAfter,
    boolean mapFull,
    long nanos) {

  /** Dirty bytes mapped per second, in MB/s (10^6 bytes). */
  public double dirtyMegabytesPerSecond() {
    return nanos == 0 ? 0 : dirtyBytes / 1e6 / (nanos / 1e9);
  }
}
