package dev.runnel.persistence.record;

import java.nio.ByteBuffer;

/**
 * Zig-zag variable-length integers as in protobuf and Kafka: the sign is moved to the lowest bit so
 * that small negative numbers stay short, then 7 bits are stored per byte, low bits first, with the
 * high bit set on every byte but the last. An int takes 1 to 5 bytes, a long 1 to 10.
 *
 * <p>Reading is strict: a value longer than 5 (10) bytes, or whose last byte carries bits beyond 32
 * (64), or that runs past the buffer's limit, is a {@link CorruptRecordBatchException} whose
 * message holds the facts but not the batch position (the caller adds it). Stateless.
 */
final class Varint {

  private Varint() {}

  static int sizeOfVarint(int value) {
    return sizeOfUnsigned(32 - Integer.numberOfLeadingZeros((value << 1) ^ (value >> 31)));
  }

  static int sizeOfVarlong(long value) {
    return sizeOfUnsigned(64 - Long.numberOfLeadingZeros((value << 1) ^ (value >> 63)));
  }

  private static int sizeOfUnsigned(int significantBits) {
    return significantBits == 0 ? 1 : (significantBits + 6) / 7;
  }

  static void writeVarint(int value, ByteBuffer out) {
    int bits = (value << 1) ^ (value >> 31);
    while ((bits & ~0x7F) != 0) {
      out.put((byte) ((bits & 0x7F) | 0x80));
      bits >>>= 7;
    }
    out.put((byte) bits);
  }

  static void writeVarlong(long value, ByteBuffer out) {
    long bits = (value << 1) ^ (value >> 63);
    while ((bits & ~0x7FL) != 0) {
      out.put((byte) ((bits & 0x7F) | 0x80));
      bits >>>= 7;
    }
    out.put((byte) bits);
  }

  static int readVarint(ByteBuffer in) {
    int bits = 0;
    for (int shift = 0; shift < 28; shift += 7) {
      byte b = next(in);
      bits |= (b & 0x7F) << shift;
      if (b >= 0) {
        return (bits >>> 1) ^ -(bits & 1);
      }
    }
    byte last = next(in);
    // The fifth byte holds bits 28..31 only; anything above, or a continuation, is malformed.
    if ((last & 0xF0) != 0) {
      throw new CorruptRecordBatchException(
          "reason=varint longer than 5 bytes, position=" + (in.position() - 5));
    }
    bits |= last << 28;
    return (bits >>> 1) ^ -(bits & 1);
  }

  static long readVarlong(ByteBuffer in) {
    long bits = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      byte b = next(in);
      bits |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return (bits >>> 1) ^ -(bits & 1);
      }
    }
    byte last = next(in);
    // The tenth byte holds bit 63 only.
    if ((last & 0xFE) != 0) {
      throw new CorruptRecordBatchException(
          "reason=varlong longer than 10 bytes, position=" + (in.position() - 10));
    }
    bits |= (long) last << 63;
    return (bits >>> 1) ^ -(bits & 1);
  }

  private static byte next(ByteBuffer in) {
    if (!in.hasRemaining()) {
      throw new CorruptRecordBatchException(
          "reason=truncated varint, position=" + in.position() + ", limit=" + in.limit());
    }
    return in.get();
  }
}
