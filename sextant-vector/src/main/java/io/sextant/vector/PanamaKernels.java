package io.sextant.vector;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Distance kernels on the Vector API ({@code jdk.incubator.vector}), using the platform's preferred
 * float species (256 bits on AVX2, 512 on AVX-512, 128 on NEON).
 *
 * <p>Each kernel runs a main loop over blocks of four vectors into four independent accumulators
 * (hiding the latency of the fused multiply-add), then a one-vector loop, then a scalar tail for
 * the last {@code < lanes} elements. Results therefore differ from {@link ScalarKernels} only by
 * float rounding order. When HotSpot reports no hardware FMA ({@code -XX:-UseFMA}), a multiply and
 * an add are used instead, because an emulated FMA is orders of magnitude slower.
 *
 * <p>The {@link MemorySegment} variants read little-endian float32 values at any byte offset
 * (alignment is not required) and throw {@link IndexOutOfBoundsException} when the segment is too
 * short. This class needs {@code --add-modules jdk.incubator.vector}; use {@link
 * VectorKernels#get()}, which falls back to {@link ScalarKernels} when the module is missing.
 *
 * <p>Stateless and thread-safe.
 */
public final class PanamaKernels implements VectorKernels {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final boolean HAS_FMA = HotSpotFlags.booleanFlag("UseFMA", false);

    @Override
    public float dot(float[] a, float[] b) {
        ScalarKernels.checkLengths(a.length, b.length);
        int n = a.length;
        int i = 0;
        float sum = 0;
        if (n >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            FloatVector acc2 = FloatVector.zero(SPECIES);
            FloatVector acc3 = FloatVector.zero(SPECIES);
            int bound4 = n - n % (4 * LANES);
            for (; i < bound4; i += 4 * LANES) {
                acc0 = fma(FloatVector.fromArray(SPECIES, a, i), FloatVector.fromArray(SPECIES, b, i), acc0);
                acc1 = fma(
                        FloatVector.fromArray(SPECIES, a, i + LANES),
                        FloatVector.fromArray(SPECIES, b, i + LANES),
                        acc1);
                acc2 = fma(
                        FloatVector.fromArray(SPECIES, a, i + 2 * LANES),
                        FloatVector.fromArray(SPECIES, b, i + 2 * LANES),
                        acc2);
                acc3 = fma(
                        FloatVector.fromArray(SPECIES, a, i + 3 * LANES),
                        FloatVector.fromArray(SPECIES, b, i + 3 * LANES),
                        acc3);
            }
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                acc0 = fma(FloatVector.fromArray(SPECIES, a, i), FloatVector.fromArray(SPECIES, b, i), acc0);
            }
            sum = reduce(acc0, acc1, acc2, acc3);
        }
        for (; i < n; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Override
    public float squareDistance(float[] a, float[] b) {
        ScalarKernels.checkLengths(a.length, b.length);
        int n = a.length;
        int i = 0;
        float sum = 0;
        if (n >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            FloatVector acc2 = FloatVector.zero(SPECIES);
            FloatVector acc3 = FloatVector.zero(SPECIES);
            int bound4 = n - n % (4 * LANES);
            for (; i < bound4; i += 4 * LANES) {
                FloatVector d0 = FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
                FloatVector d1 =
                        FloatVector.fromArray(SPECIES, a, i + LANES).sub(FloatVector.fromArray(SPECIES, b, i + LANES));
                FloatVector d2 = FloatVector.fromArray(SPECIES, a, i + 2 * LANES)
                        .sub(FloatVector.fromArray(SPECIES, b, i + 2 * LANES));
                FloatVector d3 = FloatVector.fromArray(SPECIES, a, i + 3 * LANES)
                        .sub(FloatVector.fromArray(SPECIES, b, i + 3 * LANES));
                acc0 = fma(d0, d0, acc0);
                acc1 = fma(d1, d1, acc1);
                acc2 = fma(d2, d2, acc2);
                acc3 = fma(d3, d3, acc3);
            }
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                FloatVector d = FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
                acc0 = fma(d, d, acc0);
            }
            sum = reduce(acc0, acc1, acc2, acc3);
        }
        for (; i < n; i++) {
            float d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float manhattan(float[] a, float[] b) {
        ScalarKernels.checkLengths(a.length, b.length);
        int n = a.length;
        int i = 0;
        float sum = 0;
        if (n >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            int bound2 = n - n % (2 * LANES);
            for (; i < bound2; i += 2 * LANES) {
                acc0 = acc0.add(FloatVector.fromArray(SPECIES, a, i)
                        .sub(FloatVector.fromArray(SPECIES, b, i))
                        .abs());
                acc1 = acc1.add(FloatVector.fromArray(SPECIES, a, i + LANES)
                        .sub(FloatVector.fromArray(SPECIES, b, i + LANES))
                        .abs());
            }
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                acc0 = acc0.add(FloatVector.fromArray(SPECIES, a, i)
                        .sub(FloatVector.fromArray(SPECIES, b, i))
                        .abs());
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum;
    }

    @Override
    public float dot(float[] q, MemorySegment segment, long byteOffset) {
        int n = q.length;
        int i = 0;
        float sum = 0;
        if (n >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            FloatVector acc2 = FloatVector.zero(SPECIES);
            FloatVector acc3 = FloatVector.zero(SPECIES);
            int bound4 = n - n % (4 * LANES);
            for (; i < bound4; i += 4 * LANES) {
                long off = byteOffset + 4L * i;
                acc0 = fma(FloatVector.fromArray(SPECIES, q, i), load(segment, off), acc0);
                acc1 = fma(FloatVector.fromArray(SPECIES, q, i + LANES), load(segment, off + 4L * LANES), acc1);
                acc2 = fma(FloatVector.fromArray(SPECIES, q, i + 2 * LANES), load(segment, off + 8L * LANES), acc2);
                acc3 = fma(FloatVector.fromArray(SPECIES, q, i + 3 * LANES), load(segment, off + 12L * LANES), acc3);
            }
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                acc0 = fma(FloatVector.fromArray(SPECIES, q, i), load(segment, byteOffset + 4L * i), acc0);
            }
            sum = reduce(acc0, acc1, acc2, acc3);
        }
        for (; i < n; i++) {
            sum += q[i] * segment.get(ScalarKernels.LE_FLOAT, byteOffset + 4L * i);
        }
        return sum;
    }

    @Override
    public float squareDistance(float[] q, MemorySegment segment, long byteOffset) {
        int n = q.length;
        int i = 0;
        float sum = 0;
        if (n >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            FloatVector acc2 = FloatVector.zero(SPECIES);
            FloatVector acc3 = FloatVector.zero(SPECIES);
            int bound4 = n - n % (4 * LANES);
            for (; i < bound4; i += 4 * LANES) {
                long off = byteOffset + 4L * i;
                FloatVector d0 = FloatVector.fromArray(SPECIES, q, i).sub(load(segment, off));
                FloatVector d1 = FloatVector.fromArray(SPECIES, q, i + LANES).sub(load(segment, off + 4L * LANES));
                FloatVector d2 =
                        FloatVector.fromArray(SPECIES, q, i + 2 * LANES).sub(load(segment, off + 8L * LANES));
                FloatVector d3 =
                        FloatVector.fromArray(SPECIES, q, i + 3 * LANES).sub(load(segment, off + 12L * LANES));
                acc0 = fma(d0, d0, acc0);
                acc1 = fma(d1, d1, acc1);
                acc2 = fma(d2, d2, acc2);
                acc3 = fma(d3, d3, acc3);
            }
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                FloatVector d = FloatVector.fromArray(SPECIES, q, i).sub(load(segment, byteOffset + 4L * i));
                acc0 = fma(d, d, acc0);
            }
            sum = reduce(acc0, acc1, acc2, acc3);
        }
        for (; i < n; i++) {
            float d = q[i] - segment.get(ScalarKernels.LE_FLOAT, byteOffset + 4L * i);
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float manhattan(float[] q, MemorySegment segment, long byteOffset) {
        int n = q.length;
        int i = 0;
        float sum = 0;
        if (n >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            int bound2 = n - n % (2 * LANES);
            for (; i < bound2; i += 2 * LANES) {
                long off = byteOffset + 4L * i;
                acc0 = acc0.add(FloatVector.fromArray(SPECIES, q, i)
                        .sub(load(segment, off))
                        .abs());
                acc1 = acc1.add(FloatVector.fromArray(SPECIES, q, i + LANES)
                        .sub(load(segment, off + 4L * LANES))
                        .abs());
            }
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                acc0 = acc0.add(FloatVector.fromArray(SPECIES, q, i)
                        .sub(load(segment, byteOffset + 4L * i))
                        .abs());
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum += Math.abs(q[i] - segment.get(ScalarKernels.LE_FLOAT, byteOffset + 4L * i));
        }
        return sum;
    }

    @Override
    public String name() {
        return "panama-" + SPECIES.vectorBitSize() + (HAS_FMA ? "" : "-nofma");
    }

    /** Number of float lanes in one vector of the preferred species (8 on AVX2, 16 on AVX-512). */
    static int lanes() {
        return LANES;
    }

    @Override
    public void dot4(float[] q, MemorySegment segment, long o0, long o1, long o2, long o3, float[] out, int at) {
        int n = q.length;
        int i = 0;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        if (n >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            FloatVector acc2 = FloatVector.zero(SPECIES);
            FloatVector acc3 = FloatVector.zero(SPECIES);
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                FloatVector qv = FloatVector.fromArray(SPECIES, q, i);
                long d = 4L * i;
                acc0 = fma(qv, load(segment, o0 + d), acc0);
                acc1 = fma(qv, load(segment, o1 + d), acc1);
                acc2 = fma(qv, load(segment, o2 + d), acc2);
                acc3 = fma(qv, load(segment, o3 + d), acc3);
            }
            s0 = acc0.reduceLanes(VectorOperators.ADD);
            s1 = acc1.reduceLanes(VectorOperators.ADD);
            s2 = acc2.reduceLanes(VectorOperators.ADD);
            s3 = acc3.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float qi = q[i];
            long d = 4L * i;
            s0 += qi * segment.get(ScalarKernels.LE_FLOAT, o0 + d);
            s1 += qi * segment.get(ScalarKernels.LE_FLOAT, o1 + d);
            s2 += qi * segment.get(ScalarKernels.LE_FLOAT, o2 + d);
            s3 += qi * segment.get(ScalarKernels.LE_FLOAT, o3 + d);
        }
        out[at + 0] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
    }

    @Override
    public void squareDistance4(
            float[] q, MemorySegment segment, long o0, long o1, long o2, long o3, float[] out, int at) {
        int n = q.length;
        int i = 0;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        if (n >= LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            FloatVector acc2 = FloatVector.zero(SPECIES);
            FloatVector acc3 = FloatVector.zero(SPECIES);
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                FloatVector qv = FloatVector.fromArray(SPECIES, q, i);
                long d = 4L * i;
                FloatVector d0 = qv.sub(load(segment, o0 + d));
                FloatVector d1 = qv.sub(load(segment, o1 + d));
                FloatVector d2 = qv.sub(load(segment, o2 + d));
                FloatVector d3 = qv.sub(load(segment, o3 + d));
                acc0 = fma(d0, d0, acc0);
                acc1 = fma(d1, d1, acc1);
                acc2 = fma(d2, d2, acc2);
                acc3 = fma(d3, d3, acc3);
            }
            s0 = acc0.reduceLanes(VectorOperators.ADD);
            s1 = acc1.reduceLanes(VectorOperators.ADD);
            s2 = acc2.reduceLanes(VectorOperators.ADD);
            s3 = acc3.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float qi = q[i];
            long d = 4L * i;
            float d0 = qi - segment.get(ScalarKernels.LE_FLOAT, o0 + d);
            float d1 = qi - segment.get(ScalarKernels.LE_FLOAT, o1 + d);
            float d2 = qi - segment.get(ScalarKernels.LE_FLOAT, o2 + d);
            float d3 = qi - segment.get(ScalarKernels.LE_FLOAT, o3 + d);
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        out[at + 0] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
    }

    @Override
    public void dot8(float[] q, MemorySegment segment, int[] ordinals, int from, long stride, float[] out, int at) {
        rows8(q, segment, ordinals, from, stride, out, at, false);
    }

    @Override
    public void squareDistance8(
            float[] q, MemorySegment segment, int[] ordinals, int from, long stride, float[] out, int at) {
        rows8(q, segment, ordinals, from, stride, out, at, true);
    }

    // results go straight to out (no scratch array: this runs for every eight candidates of a search)
    private static void rows8(
            float[] q, MemorySegment segment, int[] ordinals, int from, long stride, float[] out, int at, boolean l2) {
        int n = q.length;
        long o0 = ordinals[from] * stride;
        long o1 = ordinals[from + 1] * stride;
        long o2 = ordinals[from + 2] * stride;
        long o3 = ordinals[from + 3] * stride;
        long o4 = ordinals[from + 4] * stride;
        long o5 = ordinals[from + 5] * stride;
        long o6 = ordinals[from + 6] * stride;
        long o7 = ordinals[from + 7] * stride;
        int i = 0;
        Arrays.fill(out, at, at + 8, 0f);
        if (n >= LANES) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = FloatVector.zero(SPECIES);
            FloatVector a2 = FloatVector.zero(SPECIES);
            FloatVector a3 = FloatVector.zero(SPECIES);
            FloatVector a4 = FloatVector.zero(SPECIES);
            FloatVector a5 = FloatVector.zero(SPECIES);
            FloatVector a6 = FloatVector.zero(SPECIES);
            FloatVector a7 = FloatVector.zero(SPECIES);
            int bound = SPECIES.loopBound(n);
            if (l2) {
                for (; i < bound; i += LANES) {
                    FloatVector qv = FloatVector.fromArray(SPECIES, q, i);
                    long d = 4L * i;
                    FloatVector v0 = qv.sub(load(segment, o0 + d));
                    a0 = fma(v0, v0, a0);
                    FloatVector v1 = qv.sub(load(segment, o1 + d));
                    a1 = fma(v1, v1, a1);
                    FloatVector v2 = qv.sub(load(segment, o2 + d));
                    a2 = fma(v2, v2, a2);
                    FloatVector v3 = qv.sub(load(segment, o3 + d));
                    a3 = fma(v3, v3, a3);
                    FloatVector v4 = qv.sub(load(segment, o4 + d));
                    a4 = fma(v4, v4, a4);
                    FloatVector v5 = qv.sub(load(segment, o5 + d));
                    a5 = fma(v5, v5, a5);
                    FloatVector v6 = qv.sub(load(segment, o6 + d));
                    a6 = fma(v6, v6, a6);
                    FloatVector v7 = qv.sub(load(segment, o7 + d));
                    a7 = fma(v7, v7, a7);
                }
            } else {
                for (; i < bound; i += LANES) {
                    FloatVector qv = FloatVector.fromArray(SPECIES, q, i);
                    long d = 4L * i;
                    a0 = fma(qv, load(segment, o0 + d), a0);
                    a1 = fma(qv, load(segment, o1 + d), a1);
                    a2 = fma(qv, load(segment, o2 + d), a2);
                    a3 = fma(qv, load(segment, o3 + d), a3);
                    a4 = fma(qv, load(segment, o4 + d), a4);
                    a5 = fma(qv, load(segment, o5 + d), a5);
                    a6 = fma(qv, load(segment, o6 + d), a6);
                    a7 = fma(qv, load(segment, o7 + d), a7);
                }
            }
            out[at + 0] = a0.reduceLanes(VectorOperators.ADD);
            out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
            out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
            out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
            out[at + 4] = a4.reduceLanes(VectorOperators.ADD);
            out[at + 5] = a5.reduceLanes(VectorOperators.ADD);
            out[at + 6] = a6.reduceLanes(VectorOperators.ADD);
            out[at + 7] = a7.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float qi = q[i];
            long d = 4L * i;
            for (int r = 0; r < 8; r++) {
                float x = segment.get(ScalarKernels.LE_FLOAT, ordinals[from + r] * stride + d);
                out[at + r] += l2 ? (qi - x) * (qi - x) : qi * x;
            }
        }
    }

    private static FloatVector load(MemorySegment segment, long byteOffset) {
        return FloatVector.fromMemorySegment(SPECIES, segment, byteOffset, LE);
    }

    private static FloatVector fma(FloatVector a, FloatVector b, FloatVector acc) {
        return HAS_FMA ? a.fma(b, acc) : a.mul(b).add(acc);
    }

    private static float reduce(FloatVector acc0, FloatVector acc1, FloatVector acc2, FloatVector acc3) {
        return acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    }
}
