package dev.runnel.persistence.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogFilesTest {

  @Test
  void shouldNameSegmentsSortablyAndParseThemBack() {
    assertEquals("00000000000000000001.log", LogFiles.segmentFileName(1, LogFiles.LOG_SUFFIX));
    assertEquals(
        "09223372036854775807.index",
        LogFiles.segmentFileName(Long.MAX_VALUE, LogFiles.INDEX_SUFFIX));
    assertTrue(
        LogFiles.segmentFileName(9, ".log").compareTo(LogFiles.segmentFileName(10, ".log")) < 0);
    assertEquals(4711, LogFiles.parseSegmentFileName("00000000000000004711.log", ".log"));
    assertEquals(-1, LogFiles.parseSegmentFileName("00000000000000004711.index", ".log"));
    assertEquals(-1, LogFiles.parseSegmentFileName("0000000000000000471x.log", ".log"));
    assertEquals(-1, LogFiles.parseSegmentFileName("99999999999999999999.log", ".log"));
  }

  @Test
  void shouldEncodePersistenceIdsIntoSafeDirectoryNames() {
    assertEquals("partition%7Corders%7C3", LogFiles.directoryName("partition|orders|3"));
    assertEquals("a.b_c-D9", LogFiles.directoryName("a.b_c-D9"));
    assertEquals("%2E.", LogFiles.directoryName(".."));
    assertEquals("%2F%C3%A9", LogFiles.directoryName("/é"));
    String longId = "x".repeat(300);
    String hashed = LogFiles.directoryName(longId);
    assertEquals(LogFiles.MAX_DIRECTORY_NAME - 17, hashed.length());
    assertTrue(hashed.startsWith("x".repeat(100) + "~"), hashed);
    assertNotEquals(hashed, LogFiles.directoryName(longId + "y"));
  }
}
