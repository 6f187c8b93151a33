package io.sextant.vector.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Plain-loop {@link QuantKernelSupport}: straight counted loops with no branches in the body, left
 * to C2's unrolling; {@link Long#bitCount} is an intrinsic ({@code popcnt}). The reference the
 * Vector-API twin is tested against, and the fallback when the Vector API is unavailable.
 * Stateless, thread-safe.
 */
final class ScalarQuantKernels implements QuantKernelSupport {
    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public void dotF32U8x4(float[] q, MemorySegment codes, long o0, long o1, long o2, long o3, float[] out, int at) {
        out[at] = dotF32U8(q, codes, o0);
        out[at + 1] = dotF32U8(q, codes, o1);
        out[at + 2] = dotF32U8(q, codes, o2);
        out[at + 3] = dotF32U8(q, codes, o3);
    }

    @Override
    public float dotF32U8(float[] q, MemorySegment codes, long off) {
        float s0 = 0;
        float s1 = 0;
        int n = q.length;
        int i = 0;
        for (; i + 1 < n; i += 2) {
            s0 += q[i] * (codes.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF);
            s1 += q[i + 1] * (codes.get(ValueLayout.JAVA_BYTE, off + i + 1) & 0xFF);
        }
        for (; i < n; i++) {
            s0 += q[i] * (codes.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF);
        }
        return s0 + s1;
    }

    @Override
    public float l1F32U8(float[] q, float[] scale, MemorySegment codes, long off) {
        float s = 0;
        for (int i = 0; i < q.length; i++) {
            s += Math.abs(q[i] - scale[i] * (codes.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF));
        }
        return s;
    }

    @Override
    public int xorPopcount(long[] q, int qFrom, MemorySegment codes, long off, int words) {
        int n = 0;
        for (int i = 0; i < words; i++) {
            n += Long.bitCount(q[qFrom + i] ^ codes.get(LONG_LE, off + 8L * i));
        }
        return n;
    }

    @Override
    public int andPopcount(long[] q, int qFrom, MemorySegment codes, long off, int words) {
        int n = 0;
        for (int i = 0; i < words; i++) {
            n += Long.bitCount(q[qFrom + i] & codes.get(LONG_LE, off + 8L * i));
        }
        return n;
    }

    @Override
    public int popcount(MemorySegment codes, long off, int words) {
        int n = 0;
        for (int i = 0; i < words; i++) {
            n += Long.bitCount(codes.get(LONG_LE, off + 8L * i));
        }
        return n;
    }

    @Override
    public float dotCodes(float[] q, float[] magnitudes, int bits, MemorySegment codes, long off) {
        int m = q.length * bits / 8;
        return dotCodes(q, magnitudes, bits, codes, off, m, 0);
    }

    /** The scalar loop over bytes {@code from .. m-1}; the Vector-API twin runs its tail here. */
    static float dotCodes(float[] q, float[] magnitudes, int bits, MemorySegment codes, long off, int m, int from) {
        int perByte = 8 / bits;
        int mask = (1 << bits) - 1;
        int magMask = (1 << (bits - 1)) - 1;
        float sum = 0;
        for (int j = from; j < m; j++) {
            int b = codes.get(ValueLayout.JAVA_BYTE, off + j) & 0xFF;
            for (int k = 0; k < perByte; k++) {
                int c = (b >>> (k * bits)) & mask;
                float v = magnitudes[c & magMask];
                sum += (c >>> (bits - 1)) == 0 ? q[k * m + j] * v : -q[k * m + j] * v;
            }
        }
        return sum;
    }
}
