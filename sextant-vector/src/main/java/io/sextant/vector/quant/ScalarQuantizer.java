package io.sextant.vector.quant;

import io.sextant.vector.Distance;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Scalar int8 quantization (Qdrant's {@code scalar} type), per dimension and asymmetric.
 *
 * <p>Training gives every dimension {@code i} its own range {@code [lo_i, lo_i + 255 alpha_i]}
 * covering the central {@code quantile} of that dimension's training values (values outside are
 * clamped). One range for all dimensions, as in Qdrant, wastes most of the 256 levels on embedding
 * models whose few outlier dimensions are far wider than the rest, and clipping at a quantile then
 * cuts exactly those dimensions (measured on wordnet-bge384 with a brute-force scan: recall@10 0.69
 * at quantile 0.99 with one shared range, 0.96 per dimension). A component {@code x} is stored as
 * {@code c = round((x - lo_i) / alpha_i)} in {@code [0, 255]}.
 *
 * <p>Scoring keeps the query in float32 (only the stored side is quantized, which halves the error
 * of quantizing both): with {@code v' = lo + alpha c},
 *
 * <ul>
 *   <li>Dot/Cosine: {@code q.v' = sum (q_i alpha_i) c_i + sum q_i lo_i}, one float-by-byte dot
 *       product ({@link QuantKernels#dotF32U8}) plus a per-query constant;
 *   <li>Euclid: {@code |q - v|^2 = |q|^2 - 2 q.v + |v|^2} with {@code q.v ~ q.v'} as above and
 *       {@code |v|^2} the exact squared norm of the original vector, stored with the code (the
 *       per-vector correction that removes the norm's share of the quantization error);
 *   <li>Manhattan: {@code sum |q_i - lo_i - alpha_i c_i|} ({@link QuantKernels#l1F32U8}).
 * </ul>
 *
 * <p>Code layout ({@code 4 + d} bytes): float32 little-endian correction ({@code |v|^2} for Euclid,
 * 0 otherwise), then {@code d} unsigned bytes. Params: u8 version = 2, u8[3] zero, u32 {@code d},
 * then float32[d] {@code lo}, float32[d] {@code alpha}, all little-endian. Version 1 (one shared
 * range, query quantized too, 8 bytes of params) is no longer read: its files have another
 * fingerprint ({@link QuantizerSpec.Scalar#fingerprint}), so segments rebuild them. Immutable,
 * thread-safe.
 */
public final class ScalarQuantizer implements Quantizer {
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int HEADER = Float.BYTES;
    static final int PARAMS_VERSION = 2;

    private final Distance distance;
    private final int dim;
    private final float[] lo;
    private final float[] alpha;
    private final float[] inverseAlpha;

    ScalarQuantizer(Distance distance, int dim, float[] lo, float[] alpha) {
        if (lo.length != dim || alpha.length != dim) {
            throw new IllegalArgumentException(
                    "Scalar quantizer ranges have " + lo.length + "/" + alpha.length + " entries, expected " + dim);
        }
        this.inverseAlpha = new float[dim];
        for (int i = 0; i < dim; i++) {
            if (!(alpha[i] > 0) || !Float.isFinite(alpha[i]) || !Float.isFinite(lo[i])) {
                throw new IllegalArgumentException(
                        "Bad scalar quantizer range of dimension " + i + ": lo=" + lo[i] + ", alpha=" + alpha[i]);
            }
            inverseAlpha[i] = 1f / alpha[i];
        }
        this.distance = distance;
        this.dim = dim;
        this.lo = lo.clone();
        this.alpha = alpha.clone();
    }

    /** Trains per-dimension ranges on {@code sample} (rows of dimension {@code dim}) keeping the central {@code quantile}. */
    public static ScalarQuantizer train(Distance distance, int dim, float[][] sample, float quantile) {
        float[] lo = new float[dim];
        float[] alpha = new float[dim];
        int n = sample.length;
        float[] column = new float[n];
        double cut = (1.0 - quantile) / 2.0;
        for (int d = 0; d < dim; d++) {
            if (n == 0) {
                lo[d] = -1f;
                alpha[d] = 2f / 255f;
                continue;
            }
            for (int r = 0; r < n; r++) {
                column[r] = sample[r][d];
            }
            Arrays.sort(column);
            float l = column[(int) Math.floor(cut * (n - 1))];
            float h = column[(int) Math.ceil((1.0 - cut) * (n - 1))];
            if (!(h > l)) {
                h = l + 1e-6f + Math.abs(l) * 1e-6f;
            }
            lo[d] = l;
            alpha[d] = (h - l) / 255f;
        }
        return new ScalarQuantizer(distance, dim, lo, alpha);
    }

    static ScalarQuantizer read(Distance distance, int dim, byte[] params) {
        ByteBuffer b = ByteBuffer.wrap(params).order(ByteOrder.LITTLE_ENDIAN);
        int version = params.length >= 8 ? b.get(0) & 0xFF : -1;
        if (version != PARAMS_VERSION || params.length != 8 + 8 * dim || b.getInt(4) != dim) {
            throw new IllegalArgumentException("Scalar quantizer params of " + params.length + " bytes, version "
                    + version + ", are not version " + PARAMS_VERSION + " for dimension " + dim);
        }
        b.position(8);
        float[] lo = new float[dim];
        float[] alpha = new float[dim];
        for (int i = 0; i < dim; i++) {
            lo[i] = b.getFloat();
        }
        for (int i = 0; i < dim; i++) {
            alpha[i] = b.getFloat();
        }
        return new ScalarQuantizer(distance, dim, lo, alpha);
    }

    @Override
    public byte[] params() {
        ByteBuffer b = ByteBuffer.allocate(8 + 8 * dim).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) PARAMS_VERSION).put((byte) 0).put((byte) 0).put((byte) 0).putInt(dim);
        for (float x : lo) {
            b.putFloat(x);
        }
        for (float x : alpha) {
            b.putFloat(x);
        }
        return b.array();
    }

    @Override
    public Kind kind() {
        return Kind.SCALAR_INT8;
    }

    @Override
    public Distance distance() {
        return distance;
    }

    @Override
    public int dimension() {
        return dim;
    }

    @Override
    public int codeBytes() {
        return HEADER + dim;
    }

    @Override
    public void encode(float[] v, MemorySegment dst, long offset) {
        double norm2 = 0;
        for (int i = 0; i < dim; i++) {
            int c = Math.round((v[i] - lo[i]) * inverseAlpha[i]);
            c = c < 0 ? 0 : Math.min(c, 255);
            dst.set(ValueLayout.JAVA_BYTE, offset + HEADER + i, (byte) c);
            norm2 += (double) v[i] * v[i];
        }
        dst.set(FLOAT_LE, offset, distance == Distance.EUCLID ? (float) norm2 : 0f);
    }

    @Override
    public OrdinalScorer scorer(float[] query, MemorySegment codes) {
        if (query.length != dim) {
            throw new IllegalArgumentException("query has dimension " + query.length + ", expected " + dim);
        }
        long stride = codeBytes();
        return switch (distance) {
            case DOT, COSINE, EUCLID -> {
                float[] qa = new float[dim];
                double constant = 0;
                double qNorm2 = 0;
                for (int i = 0; i < dim; i++) {
                    qa[i] = query[i] * alpha[i];
                    constant += (double) query[i] * lo[i];
                    qNorm2 += (double) query[i] * query[i];
                }
                float c = (float) constant;
                yield new DotScorer(qa, codes, stride, c, distance == Distance.EUCLID, (float) qNorm2);
            }
            case MANHATTAN -> {
                float[] shifted = new float[dim];
                for (int i = 0; i < dim; i++) {
                    shifted[i] = query[i] - lo[i];
                }
                float[] scale = alpha;
                yield ord -> -QuantKernels.l1F32U8(shifted, scale, codes, ord * stride + HEADER);
            }
        };
    }

    /**
     * Dot/Cosine ({@code qa . c + constant}) or Euclid ({@code -(|q|^2 - 2 q.v' + |v|^2)}) against
     * the codes; bulk scoring runs four rows per kernel pass. One thread's.
     */
    private static final class DotScorer implements OrdinalScorer {
        private final float[] qa;
        private final MemorySegment codes;
        private final long stride;
        private final float constant;
        private final boolean euclid;
        private final float qNorm2;
        private final float[] four = new float[4];

        DotScorer(float[] qa, MemorySegment codes, long stride, float constant, boolean euclid, float qNorm2) {
            this.qa = qa;
            this.codes = codes;
            this.stride = stride;
            this.constant = constant;
            this.euclid = euclid;
            this.qNorm2 = qNorm2;
        }

        @Override
        public float score(int ordinal) {
            long base = ordinal * stride;
            return finish(QuantKernels.dotF32U8(qa, codes, base + HEADER), base);
        }

        private float finish(float codeDot, long base) {
            float dot = codeDot + constant;
            return euclid ? -(qNorm2 - 2 * dot + codes.get(FLOAT_LE, base)) : dot;
        }

        @Override
        public void bulkScore(int[] ordinals, int count, float[] out) {
            int i = 0;
            for (; i + 4 <= count; i += 4) {
                long a = ordinals[i] * stride;
                long b = ordinals[i + 1] * stride;
                long c = ordinals[i + 2] * stride;
                long d = ordinals[i + 3] * stride;
                QuantKernels.dotF32U8x4(qa, codes, a + HEADER, b + HEADER, c + HEADER, d + HEADER, out, i);
                out[i] = finish(out[i], a);
                out[i + 1] = finish(out[i + 1], b);
                out[i + 2] = finish(out[i + 2], c);
                out[i + 3] = finish(out[i + 3], d);
            }
            int left = count - i;
            if (left >= 2) {
                // two or three rows left: one four-row pass, the last row repeated
                long a = ordinals[i] * stride;
                long b = ordinals[i + 1] * stride;
                long c = left == 3 ? ordinals[i + 2] * stride : b;
                QuantKernels.dotF32U8x4(qa, codes, a + HEADER, b + HEADER, c + HEADER, c + HEADER, four, 0);
                out[i] = finish(four[0], a);
                out[i + 1] = finish(four[1], b);
                if (left == 3) {
                    out[i + 2] = finish(four[2], c);
                }
            } else if (left == 1) {
                out[i] = score(ordinals[i]);
            }
        }
    }
}
