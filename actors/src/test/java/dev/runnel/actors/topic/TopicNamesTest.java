package dev.runnel.actors.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicNamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "orders", "Orders.v2_eu-west-1", "...", "-", "_", "a..b", "0"})
  void shouldAcceptLegalNames(String name) {
    TopicNames.validate(name);
  }

  @Test
  void shouldAcceptTheLongestLegalName() {
    TopicNames.validate("x".repeat(249));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "''      ; empty",
        ".       ; '.' and '..' are not topic names",
        "..      ; '.' and '..' are not topic names",
        "a b     ; character ' ' at index=1",
        "a/b     ; character '/' at index=1",
        "a|b     ; character '|' at index=1",
        "é       ; character 'é' at index=0",
        "orders: ; character ':' at index=6"
      })
  void shouldRefuseIllegalNames(String name, String reason) {
    RunnelException e = assertThrows(RunnelException.class, () -> TopicNames.validate(name));
    assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION, e.code());
    assertTrue(e.getMessage().contains("name=" + name + ", reason=" + reason), e.getMessage());
  }

  @Test
  void shouldRefuseNull() {
    assertEquals(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        assertThrows(RunnelException.class, () -> TopicNames.validate(null)).code());
  }

  @Test
  void shouldRefuseANameOf250Characters() {
    RunnelException e =
        assertThrows(RunnelException.class, () -> TopicNames.validate("x".repeat(250)));
    assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION, e.code());
    assertTrue(e.getMessage().contains("length=250"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"a.b, a_b", "a_b, a.b", "x.y_z, x_y.z", "a..b, a._b"})
  void shouldFindNamesThatDifferOnlyInDotVersusUnderscore(String a, String b) {
    assertTrue(TopicNames.collide(a, b));
  }

  @ParameterizedTest
  @CsvSource({"a.b, a.b", "a_b, a_b", "a.b, a-b", "ab, a_b", "a.b, A_b"})
  void shouldNotReportEqualOrOtherwiseDifferentNamesAsColliding(String a, String b) {
    assertFalse(TopicNames.collide(a, b));
  }
}
