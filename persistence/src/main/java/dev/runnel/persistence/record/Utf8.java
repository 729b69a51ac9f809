package dev.runnel.persistence.record;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 for header keys without an intermediate byte array: the encoder sizes a string and writes
 * it straight into the batch buffer. Strings with unpaired surrogates are refused rather than
 * silently replaced, so every key that is accepted decodes back to itself. Stateless.
 */
final class Utf8 {

  private Utf8() {}

  /**
   * The number of bytes {@link #write} produces.
   *
   * @throws IllegalArgumentException if the string holds an unpaired surrogate
   */
  static int encodedLength(String s) {
    final int chars = s.length();
    int length = 0;
    for (int i = 0; i < chars; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (!Character.isSurrogate(c)) {
        length += 3;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < chars
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        length += 4;
        i++;
      } else {
        throw new IllegalArgumentException("Unpaired surrogate in string: index=" + i);
      }
    }
    return length;
  }

  /** Writes a string whose {@link #encodedLength} has been checked. */
  static void write(String s, ByteBuffer out) {
    final int chars = s.length();
    for (int i = 0; i < chars; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out.put((byte) c);
      } else if (c < 0x800) {
        out.put((byte) (0xC0 | (c >> 6)));
        out.put((byte) (0x80 | (c & 0x3F)));
      } else if (!Character.isSurrogate(c)) {
        out.put((byte) (0xE0 | (c >> 12)));
        out.put((byte) (0x80 | ((c >> 6) & 0x3F)));
        out.put((byte) (0x80 | (c & 0x3F)));
      } else {
        int codePoint = Character.toCodePoint(c, s.charAt(++i));
        out.put((byte) (0xF0 | (codePoint >> 18)));
        out.put((byte) (0x80 | ((codePoint >> 12) & 0x3F)));
        out.put((byte) (0x80 | ((codePoint >> 6) & 0x3F)));
        out.put((byte) (0x80 | (codePoint & 0x3F)));
      }
    }
  }

  /**
   * Decodes the next {@code length} bytes strictly: malformed UTF-8 is a {@link
   * CorruptRecordBatchException} (facts without the batch position), never replacement characters.
   */
  static String read(ByteBuffer in, int length, CharsetDecoder decoder) {
    int start = in.position();
    ByteBuffer bytes = in.slice(start, length);
    in.position(start + length);
    try {
      return decoder.decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw new CorruptRecordBatchException(
          "reason=malformed UTF-8, position=" + start + ", length=" + length, e);
    }
  }

  /** A decoder for {@link #read}; one per decoding thread, as decoders hold state. */
  static CharsetDecoder newDecoder() {
    return StandardCharsets.UTF_8.newDecoder();
  }
}
