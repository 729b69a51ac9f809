package dev.runnel.persistence.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runnel.persistence.serialization.SerializedValue;
import dev.runnel.persistence.snapshot.SnapshotFiles.SnapshotFile;
import dev.runnel.persistence.snapshot.SnapshotFiles.StoredSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFilesTest {

  @TempDir Path root;

  private static StoredSnapshot snapshot(String id, long seq, long timestamp, String content) {
    return new StoredSnapshot(
        id,
        seq,
        timestamp,
        SerializedValue.of(20, "m" + seq, content.getBytes(StandardCharsets.UTF_8)),
        null);
  }

  private static String text(SerializedValue value) {
    ByteBuffer bytes = value.bytes();
    byte[] array = new byte[bytes.remaining()];
    bytes.get(array);
    return new String(array, StandardCharsets.UTF_8);
  }

  @Test
  void shouldReadBackWhatWasSavedNewestFirst() {
    SnapshotFiles files = new SnapshotFiles(root);
    files.save(snapshot("a", 5, 100, "five"));
    files.save(snapshot("a", 10, 50, "ten"));
    files.save(snapshot("a", 10, 70, "ten-later"));
    files.save(snapshot("b", 1, 1, "other"));

    List<SnapshotFile> listed = files.list("a");

    assertEquals(List.of(10L, 10L, 5L), listed.stream().map(SnapshotFile::sequenceNr).toList());
    assertEquals(70, listed.get(0).timestamp());
    StoredSnapshot newest = files.read("a", listed.get(0));
    assertEquals("ten-later", text(newest.snapshot()));
    assertEquals("m10", newest.snapshot().manifest());
    assertEquals(20, newest.snapshot().serializerId());
    assertNull(newest.metadata());
    assertEquals(1, files.list("b").size());
    assertEquals(List.of(), files.list("unknown"));
  }

  @Test
  void shouldKeepMetadata() {
    SnapshotFiles files = new SnapshotFiles(root);
    SerializedValue metadata = SerializedValue.of(7, "", new byte[] {1, 2, 3});
    files.save(
        new StoredSnapshot("m", 3, 9, SerializedValue.of(20, "", new byte[] {42}), metadata));

    StoredSnapshot read = files.read("m", files.list("m").get(0));

    byte[] bytes = new byte[3];
    read.metadata().bytes().get(bytes);
    assertArrayEquals(new byte[] {1, 2, 3}, bytes);
    assertEquals(7, read.metadata().serializerId());
  }

  @Test
  void shouldReportAnyFlippedByteAsCorrupt() throws IOException {
    SnapshotFiles files = new SnapshotFiles(root);
    files.save(snapshot("c", 1, 1, "some snapshot content"));
    SnapshotFile file = files.list("c").get(0);
    byte[] good = Files.readAllBytes(file.path());
    Random random = new Random(42);
    for (int position = 0; position < good.length; position++) {
      byte[] bad = good.clone();
      bad[position] ^= (byte) (1 + random.nextInt(255));
      Files.write(file.path(), bad);
      assertThrows(CorruptSnapshotException.class, () -> files.read("c", file), "at " + position);
    }
    for (int length = 0; length < good.length; length++) {
      Files.write(file.path(), java.util.Arrays.copyOf(good, length));
      assertThrows(CorruptSnapshotException.class, () -> files.read("c", file), "cut " + length);
    }
  }

  @Test
  void shouldIgnoreTempFilesAndForeignNames() throws IOException {
    SnapshotFiles files = new SnapshotFiles(root);
    files.save(snapshot("t", 1, 1, "x"));
    Path directory = files.list("t").get(0).path().getParent();
    Files.write(directory.resolve(SnapshotFiles.fileName(2, 2) + ".tmp"), new byte[] {1});
    Files.write(directory.resolve("notes.snap"), new byte[] {1});

    assertEquals(List.of(1L), files.list("t").stream().map(SnapshotFile::sequenceNr).toList());
  }

  @Test
  void shouldDeleteOneFile() {
    SnapshotFiles files = new SnapshotFiles(root);
    files.save(snapshot("d", 1, 1, "x"));
    files.save(snapshot("d", 2, 1, "y"));

    files.delete(files.list("d").get(0));
    files.delete(new SnapshotFile(root.resolve("d").resolve("gone.snap"), 9, 9));

    assertEquals(List.of(1L), files.list("d").stream().map(SnapshotFile::sequenceNr).toList());
  }

  @Test
  void shouldGiveEveryIdItsOwnSafeDirectory() throws IOException {
    String longA = "x".repeat(200) + "a";
    String longB = "x".repeat(200) + "b";
    SnapshotFiles files = new SnapshotFiles(root);
    files.save(snapshot(longA, 1, 1, "a"));
    files.save(snapshot(longB, 1, 1, "b"));
    assertEquals("a", text(files.read(longA, files.list(longA).get(0)).snapshot()));
    assertEquals("b", text(files.read(longB, files.list(longB).get(0)).snapshot()));
    files.save(snapshot("a/../..", 1, 1, "c"));
    assertEquals("c", text(files.read("a/../..", files.list("a/../..").get(0)).snapshot()));
    try (var inRoot = Files.list(root)) {
      assertEquals(3, inRoot.count(), "every id has one directory inside the root");
    }
  }
}
