package dev.runnel.persistence.log;

/**
 * Counters of a {@link LogStore} since it opened, for tests and benchmarks.
 *
 * @param cycles group-commit write cycles run
 * @param appends append calls written
 * @param entries entries written
 * @param bytes bytes written to segments, headers included
 * @param forces forces of segment files
 */
public record LogStats(long cycles, long appends, long entries, long bytes, long forces) {

  /** Mean append calls per write cycle: above 1 when group commit batched concurrent appends. */
  public double appendsPerCycle() {
    return cycles == 0 ? 0 : (double) appends / cycles;
  }
}
