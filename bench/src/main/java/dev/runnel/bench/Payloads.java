package dev.runnel.bench;

import java.util.SplittableRandom;

/** Incompressible payloads, so no layer can flatter itself by compressing zeros. */
final class Payloads {

  private Payloads() {}

  static byte[] random(int size) {
    byte[] bytes = new byte[size];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    return bytes;
  }
}
