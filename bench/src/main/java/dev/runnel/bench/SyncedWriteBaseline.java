package dev.runnel.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device's baseline for synced writes: {@code dd oflag=dsync} with a given write size, run in
 * the same directory as the benchmark so both see the same file system.
 */
final class SyncedWriteBaseline {

  /** dd reports "N bytes (...) copied, 0.403953 s, 49.5 MB/s" on its last line. */
  private static final Pattern DD_SECONDS = Pattern.compile("copied, ([0-9.]+) s");

  private SyncedWriteBaseline() {}

  /** Synced writes per second that dd achieves with writes of {@code writeSize} bytes. */
  static double writesPerSecond(Path dir, int writeSize, int count)
      throws IOException, InterruptedException {
    Path target = dir.resolve("dd-baseline.bin");
    Process dd =
        new ProcessBuilder(
                "dd",
                "if=/dev/zero",
                "of=" + target,
                "bs=" + writeSize,
                "count=" + count,
                "oflag=dsync")
            .redirectErrorStream(true)
            .start();
    String output = new String(dd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = dd.waitFor();
    Files.deleteIfExists(target);
    Matcher seconds = DD_SECONDS.matcher(output);
    if (exit != 0 || !seconds.find()) {
      throw new IOException("dd failed: exit=" + exit + ", output=" + output.strip());
    }
    return count / Double.parseDouble(seconds.group(1));
  }
}
