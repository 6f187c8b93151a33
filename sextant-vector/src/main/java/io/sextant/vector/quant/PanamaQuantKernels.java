package io.sextant.vector.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API {@link QuantKernelSupport}. The float-by-byte kernels load as many code bytes as the
 * preferred float species has lanes (8 on AVX2, 16 on AVX-512), zero-extend them to int and then
 * float lanes and accumulate with FMA into two accumulators; tails run scalar (5x the scalar loop on
 * a wordnet-bge384 int8 scan, AVX2, {@code QuantRecallHarness}). The popcount kernels stay scalar,
 * see below. Needs {@code --add-modules jdk.incubator.vector} and at least 8 float lanes; use {@link
 * QuantKernels}, which falls back to {@link ScalarQuantKernels}. Stateless, thread-safe.
 */
final class PanamaQuantKernels implements QuantKernelSupport {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** As many bytes as float lanes; needs at least 8 lanes (there is no 32-bit shape). */
    private static final VectorSpecies<Byte> B =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, LANES * 8)));

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private final ScalarQuantKernels scalar = new ScalarQuantKernels();

    /** Float lanes of the preferred species. */
    static int lanes() {
        return LANES;
    }

    private static FloatVector widen(MemorySegment codes, long off) {
        return (FloatVector) ByteVector.fromMemorySegment(B, codes, off, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0)
                .convert(VectorOperators.I2F, 0);
    }

    @Override
    public float dotF32U8(float[] q, MemorySegment codes, long off) {
        int n = q.length;
        int i = 0;
        float sum = 0;
        if (n >= 2 * LANES) {
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            int bound2 = n - n % (2 * LANES);
            for (; i < bound2; i += 2 * LANES) {
                acc0 = FloatVector.fromArray(F, q, i).fma(widen(codes, off + i), acc0);
                acc1 = FloatVector.fromArray(F, q, i + LANES).fma(widen(codes, off + i + LANES), acc1);
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum += q[i] * (codes.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF);
        }
        return sum;
    }

    @Override
    public void dotF32U8x4(float[] q, MemorySegment codes, long o0, long o1, long o2, long o3, float[] out, int at) {
        int n = q.length;
        int i = 0;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        if (n >= LANES) {
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            int bound = F.loopBound(n);
            for (; i < bound; i += LANES) {
                FloatVector qv = FloatVector.fromArray(F, q, i);
                acc0 = qv.fma(widen(codes, o0 + i), acc0);
                acc1 = qv.fma(widen(codes, o1 + i), acc1);
                acc2 = qv.fma(widen(codes, o2 + i), acc2);
                acc3 = qv.fma(widen(codes, o3 + i), acc3);
            }
            s0 = acc0.reduceLanes(VectorOperators.ADD);
            s1 = acc1.reduceLanes(VectorOperators.ADD);
            s2 = acc2.reduceLanes(VectorOperators.ADD);
            s3 = acc3.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float qi = q[i];
            s0 += qi * (codes.get(ValueLayout.JAVA_BYTE, o0 + i) & 0xFF);
            s1 += qi * (codes.get(ValueLayout.JAVA_BYTE, o1 + i) & 0xFF);
            s2 += qi * (codes.get(ValueLayout.JAVA_BYTE, o2 + i) & 0xFF);
            s3 += qi * (codes.get(ValueLayout.JAVA_BYTE, o3 + i) & 0xFF);
        }
        out[at] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
    }

    @Override
    public float l1F32U8(float[] q, float[] scale, MemorySegment codes, long off) {
        int n = q.length;
        int i = 0;
        float sum = 0;
        if (n >= LANES) {
            FloatVector acc = FloatVector.zero(F);
            int bound = F.loopBound(n);
            for (; i < bound; i += LANES) {
                FloatVector v = FloatVector.fromArray(F, scale, i).mul(widen(codes, off + i));
                acc = acc.add(FloatVector.fromArray(F, q, i).sub(v).abs());
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum += Math.abs(q[i] - scale[i] * (codes.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF));
        }
        return sum;
    }

    // Popcounts stay scalar: LongVector BIT_COUNT is emulated without AVX-512 VPOPCNTQ and measured
    // 4x slower than Long.bitCount (popcnt) on a 2-bit wordnet-bge384 scan (QuantRecallHarness, AVX2).

    @Override
    public int xorPopcount(long[] q, int qFrom, MemorySegment codes, long off, int words) {
        return scalar.xorPopcount(q, qFrom, codes, off, words);
    }

    @Override
    public int andPopcount(long[] q, int qFrom, MemorySegment codes, long off, int words) {
        return scalar.andPopcount(q, qFrom, codes, off, words);
    }

    @Override
    public int popcount(MemorySegment codes, long off, int words) {
        return scalar.popcount(codes, off, words);
    }

    @Override
    public float dotCodes(float[] q, float[] magnitudes, int bits, MemorySegment codes, long off) {
        int m = q.length * bits / 8;
        if (LANES > magnitudes.length || m < LANES) {
            return ScalarQuantKernels.dotCodes(q, magnitudes, bits, codes, off, m, 0);
        }
        int perByte = 8 / bits;
        int mask = (1 << bits) - 1;
        int magMask = (1 << (bits - 1)) - 1;
        FloatVector table = FloatVector.fromArray(F, magnitudes, 0);
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int bound = m - m % LANES;
        int j = 0;
        for (; j < bound; j += LANES) {
            IntVector bytes = (IntVector) ByteVector.fromMemorySegment(B, codes, off + j, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            for (int k = 0; k < perByte; k++) {
                IntVector c = bytes.lanewise(VectorOperators.LSHR, k * bits).and(mask);
                IntVector sign = c.lanewise(VectorOperators.LSHR, bits - 1).lanewise(VectorOperators.LSHL, 31);
                FloatVector magnitude =
                        table.rearrange(c.and(magMask).toShuffle().cast(F));
                FloatVector value = (FloatVector) magnitude
                        .reinterpretAsInts()
                        .lanewise(VectorOperators.XOR, sign)
                        .reinterpretAsFloats();
                FloatVector qv = FloatVector.fromArray(F, q, k * m + j);
                if ((k & 1) == 0) {
                    acc0 = value.fma(qv, acc0);
                } else {
                    acc1 = value.fma(qv, acc1);
                }
            }
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        return sum + ScalarQuantKernels.dotCodes(q, magnitudes, bits, codes, off, m, j);
    }
}
