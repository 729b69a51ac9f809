package dev.runnel.persistence.snapshot;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The directory name that holds a persistence id's snapshots: a reversible percent-encoding for
 * readable names, a hashed form for long ones.
 *
 * <p>Every UTF-8 byte outside {@code [A-Za-z0-9._-]} (and a leading {@code .}, so that ids like
 * {@code ".."} cannot name a parent) becomes {@code %XX}. An encoding longer than {@value
 * #MAX_LENGTH} characters is cut to {@value #PREFIX_LENGTH} characters and followed by {@code ~}
 * and the hex SHA-256 of the id; {@code ~} never occurs in plain encodings, so the two forms cannot
 * collide. Since the hashed form is not reversible, snapshot files also store the id itself.
 */
final class PersistenceIdDirectoryName {

  static final int MAX_LENGTH = 150;
  static final int PREFIX_LENGTH = 80;

  private PersistenceIdDirectoryName() {}

  static String of(String persistenceId) {
    byte[] utf8 = persistenceId.getBytes(StandardCharsets.UTF_8);
    StringBuilder name = new StringBuilder(utf8.length + 8);
    for (int i = 0; i < utf8.length; i++) {
      int b = utf8[i] & 0xFF;
      if (isPlain(b) && !(i == 0 && b == '.')) {
        name.append((char) b);
      } else {
        name.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)));
        name.append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      }
    }
    if (name.length() <= MAX_LENGTH) {
      return name.toString();
    }
    return name.substring(0, PREFIX_LENGTH) + '~' + HexFormat.of().formatHex(sha256(utf8));
  }

  private static boolean isPlain(int b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || b == '.'
        || b == '_'
        || b == '-';
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }
}
