package dev.runnel.bench;

/** What a timed run moved: events and their payload bytes. */
record Throughput(long events, long bytes, double seconds) {

  double eventsPerSecond() {
    return events / seconds;
  }

  double megabytesPerSecond() {
    return bytes / seconds / 1e6;
  }
}
