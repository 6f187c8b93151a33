package io.sextant.vector.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The inner loops of the quantized scorers: unsigned-byte integer kernels for {@link
 * ScalarQuantizer}, popcount kernels for {@link BinaryQuantizer}. Written as straight counted loops
 * over primitive values with no branches in the body, so C2 can unroll and (for the byte loops)
 * vectorize them; {@link Long#bitCount} is an intrinsic ({@code popcnt}). Stateless, thread-safe.
 */
final class QuantKernels {
    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private QuantKernels() {}

    /** Sum of {@code q[i] * codes[off + i]}, both unsigned bytes. */
    static int dotU8(byte[] q, MemorySegment codes, long off) {
        int sum = 0;
        for (int i = 0; i < q.length; i++) {
            sum += (q[i] & 0xFF) * (codes.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF);
        }
        return sum;
    }

    /** Sum of squared differences of unsigned bytes. */
    static int squareDistanceU8(byte[] q, MemorySegment codes, long off) {
        int sum = 0;
        for (int i = 0; i < q.length; i++) {
            int d = (q[i] & 0xFF) - (codes.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF);
            sum += d * d;
        }
        return sum;
    }

    /** Sum of absolute differences of unsigned bytes. */
    static int manhattanU8(byte[] q, MemorySegment codes, long off) {
        int sum = 0;
        for (int i = 0; i < q.length; i++) {
            sum += Math.abs((q[i] & 0xFF) - (codes.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF));
        }
        return sum;
    }

    /** Popcount of {@code q[i] xor codes-word[i]} over {@code words} 64-bit words starting at {@code qFrom}. */
    static int xorPopcount(long[] q, int qFrom, MemorySegment codes, long off, int words) {
        int n = 0;
        for (int i = 0; i < words; i++) {
            n += Long.bitCount(q[qFrom + i] ^ codes.get(LONG_LE, off + 8L * i));
        }
        return n;
    }

    /** Popcount of {@code q[i] and codes-word[i]}. */
    static int andPopcount(long[] q, int qFrom, MemorySegment codes, long off, int words) {
        int n = 0;
        for (int i = 0; i < words; i++) {
            n += Long.bitCount(q[qFrom + i] & codes.get(LONG_LE, off + 8L * i));
        }
        return n;
    }

    /** Popcount of {@code words} words of codes. */
    static int popcount(MemorySegment codes, long off, int words) {
        int n = 0;
        for (int i = 0; i < words; i++) {
            n += Long.bitCount(codes.get(LONG_LE, off + 8L * i));
        }
        return n;
    }

    static long readLong(MemorySegment codes, long off) {
        return codes.get(LONG_LE, off);
    }

    static void writeLong(MemorySegment codes, long off, long v) {
        codes.set(LONG_LE, off, v);
    }
}
