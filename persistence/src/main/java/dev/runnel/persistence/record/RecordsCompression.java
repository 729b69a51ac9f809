package dev.runnel.persistence.record;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Compresses and decompresses the records section of a batch. LZ4 uses the raw block format and
 * ZSTD a single frame; in both cases the batch stores the uncompressed size in front, so that
 * decompression allocates exactly once, exactly enough, after the size has been checked against the
 * decoder's cap. Thread-safe: the LZ4 compressor and decompressor are stateless and zstd-jni
 * creates a context per call.
 */
final class RecordsCompression {

  private static final LZ4Compressor LZ4_COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();

  // The safe decompressor checks every read and write against the given bounds; the "fast" one
  // trusts the input and must never see bytes from disk or the network.
  private static final LZ4SafeDecompressor LZ4_DECOMPRESSOR =
      LZ4Factory.fastestInstance().safeDecompressor();

  private static final int ZSTD_LEVEL = Zstd.defaultCompressionLevel();

  private RecordsCompression() {}

  /** The largest output {@link #compress} can produce for {@code length} input bytes. */
  static int maxCompressedLength(CompressionCodec codec, int length) {
    return switch (codec) {
      case NONE -> throw new IllegalArgumentException("Nothing to compress: codec=none");
      case LZ4 -> LZ4_COMPRESSOR.maxCompressedLength(length);
      case ZSTD -> Math.toIntExact(Zstd.compressBound(length));
    };
  }

  /**
   * Compresses the first {@code length} bytes of {@code src} into {@code dst} from {@code
   * dstOffset}, which has room for {@link #maxCompressedLength}; returns the compressed length.
   */
  static int compress(CompressionCodec codec, byte[] src, int length, byte[] dst, int dstOffset) {
    int room = dst.length - dstOffset;
    return switch (codec) {
      case NONE -> throw new IllegalArgumentException("Nothing to compress: codec=none");
      case LZ4 -> LZ4_COMPRESSOR.compress(src, 0, length, dst, dstOffset, room);
      case ZSTD -> {
        long written = Zstd.compressByteArray(dst, dstOffset, room, src, 0, length, ZSTD_LEVEL);
        if (Zstd.isError(written)) {
          throw new IllegalStateException(
              "Zstd compression failed: error=" + Zstd.getErrorName(written));
        }
        yield (int) written;
      }
    };
  }

  /**
   * Decompresses all of {@code compressed} (position to limit), which must yield exactly {@code
   * uncompressedSize} bytes.
   *
   * @throws CorruptRecordBatchException (facts without the batch position) if the bytes do not
   *     decompress, or decompress to another size
   */
  static byte[] decompress(CompressionCodec codec, ByteBuffer compressed, int uncompressedSize) {
    byte[] out = new byte[uncompressedSize];
    int produced;
    try {
      produced =
          switch (codec) {
            case NONE -> throw new IllegalArgumentException("Nothing to decompress: codec=none");
            case LZ4 ->
                LZ4_DECOMPRESSOR.decompress(
                    compressed,
                    compressed.position(),
                    compressed.remaining(),
                    ByteBuffer.wrap(out),
                    0,
                    uncompressedSize);
            case ZSTD -> zstdDecompress(compressed, out);
          };
    } catch (LZ4Exception | ZstdException e) {
      throw new CorruptRecordBatchException(
          "reason=decompression failed, codec="
              + codec.configName()
              + ", compressedSize="
              + compressed.remaining()
              + ", uncompressedSize="
              + uncompressedSize
              + ", error="
              + e.getMessage(),
          e);
    }
    if (produced != uncompressedSize) {
      throw new CorruptRecordBatchException(
          "reason=decompressed size mismatch, codec="
              + codec.configName()
              + ", uncompressedSize="
              + uncompressedSize
              + ", decompressedSize="
              + produced);
    }
    return out;
  }

  private static int zstdDecompress(ByteBuffer compressed, byte[] out) {
    // zstd-jni reads heap arrays or direct buffers, so a read-only or direct input is copied
    // (bounded by the bytes actually present).
    byte[] src;
    int offset;
    if (compressed.hasArray()) {
      src = compressed.array();
      offset = compressed.arrayOffset() + compressed.position();
    } else {
      src = new byte[compressed.remaining()];
      compressed.duplicate().get(src);
      offset = 0;
    }
    return (int) Zstd.decompressByteArray(out, 0, out.length, src, offset, compressed.remaining());
  }
}
