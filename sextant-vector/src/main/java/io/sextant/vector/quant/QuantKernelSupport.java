package io.sextant.vector.quant;

import java.lang.foreign.MemorySegment;

/**
 * The inner loops of the quantized scorers, implemented twice: {@link ScalarQuantKernels} (plain
 * counted loops) and {@link PanamaQuantKernels} (the Vector API); {@link QuantKernels} picks one at
 * start-up. Codes are read from a {@link MemorySegment} at a byte offset; unsigned bytes are the
 * scalar-quantized components, little-endian 64-bit words the binary planes. Implementations are
 * stateless and thread-safe, and must agree with the scalar twin up to float rounding (exactly for
 * the integer kernels).
 */
interface QuantKernelSupport {

    /** {@code sum q[i] * u8(codes[off + i])} over {@code q.length} components. */
    float dotF32U8(float[] q, MemorySegment codes, long off);

    /**
     * {@link #dotF32U8} against four code rows at {@code o0 .. o3}, written to {@code out[at .. at +
     * 4)}: the rows stream side by side, so a graph search waits on four cache misses at once.
     */
    void dotF32U8x4(float[] q, MemorySegment codes, long o0, long o1, long o2, long o3, float[] out, int at);

    /** {@code sum |q[i] - scale[i] * u8(codes[off + i])|} over {@code q.length} components. */
    float l1F32U8(float[] q, float[] scale, MemorySegment codes, long off);

    /** Popcount of {@code q[qFrom + i] xor word(codes, off + 8 i)} over {@code words} words. */
    int xorPopcount(long[] q, int qFrom, MemorySegment codes, long off, int words);

    /** Popcount of {@code q[qFrom + i] and word(codes, off + 8 i)} over {@code words} words. */
    int andPopcount(long[] q, int qFrom, MemorySegment codes, long off, int words);

    /** Popcount of {@code words} words of codes at {@code off}. */
    int popcount(MemorySegment codes, long off, int words);

    /**
     * {@code sum q[i] * centroid(code_i)} over the {@code q.length} codes of {@code bits} bits
     * (1, 2 or 4) packed at {@code off} in {@link TurboQuantizer}'s strided layout: with {@code m =
     * q.length * bits / 8} bytes, code {@code k * m + j} sits in bits {@code [k * bits, (k+1) *
     * bits)} of byte {@code j}. A code's top bit is the sign, its other bits index {@code
     * magnitudes} (at most 8 entries).
     */
    float dotCodes(float[] q, float[] magnitudes, int bits, MemorySegment codes, long off);
}
