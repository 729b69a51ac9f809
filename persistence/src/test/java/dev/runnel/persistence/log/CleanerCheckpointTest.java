package dev.runnel.persistence.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanerCheckpointTest {

  @TempDir Path directory;

  @Test
  void shouldReadBackWhatItWrote() throws IOException {
    CleanerCheckpoint checkpoint = CleanerCheckpoint.NONE.advance(10, 1_000).advance(25, 2_000);
    checkpoint.write(directory);
    CleanerCheckpoint read = CleanerCheckpoint.read(directory);
    assertEquals(25, read.firstDirty());
    assertArrayEquals(new long[] {10, 25}, read.below());
    assertArrayEquals(new long[] {1_000, 2_000}, read.at());
  }

  @Test
  void shouldTellWhenAnEntryBecameClean() {
    CleanerCheckpoint checkpoint = CleanerCheckpoint.NONE.advance(10, 1_000).advance(25, 2_000);
    assertEquals(1_000, checkpoint.cleanedAt(9));
    assertEquals(2_000, checkpoint.cleanedAt(10));
    assertEquals(2_000, checkpoint.cleanedAt(24));
    assertEquals(Long.MAX_VALUE, checkpoint.cleanedAt(25));
  }

  @Test
  void shouldMergeTheOldestPairsIntoLaterTimesWhenThereAreTooMany() {
    CleanerCheckpoint checkpoint = CleanerCheckpoint.NONE;
    for (int i = 1; i <= 100; i++) {
      checkpoint = checkpoint.advance(i * 10L, i * 1_000L);
    }
    assertEquals(1000, checkpoint.firstDirty());
    // Entry 5 became clean at 1_000; merged, it now counts as later, never as earlier.
    assertEquals(37_000, checkpoint.cleanedAt(5));
    assertEquals(100_000, checkpoint.cleanedAt(995));
  }

  @Test
  void shouldRefuseADamagedFile() throws IOException {
    CleanerCheckpoint.NONE.advance(10, 1_000).write(directory);
    Path file = directory.resolve(CleanerCheckpoint.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    bytes[8] ^= 1;
    Files.write(file, bytes);
    assertThrows(LogCorruptionException.class, () -> CleanerCheckpoint.read(directory));
  }
}
