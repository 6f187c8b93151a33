package io.sextant.vector.quant;

import io.sextant.vector.Distance;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Scalar int8 quantization (Qdrant's {@code scalar} type): every component {@code x} is mapped to
 * {@code c = round((x - lo) / alpha)} in {@code [0, 255]}, where {@code [lo, lo + 255 alpha]} covers
 * the central {@code quantile} of the training values (outliers are clamped).
 *
 * <p>The query is encoded the same way, so scores come from integer kernels: with {@code x ~ alpha
 * c + lo}, {@code q.v ~ alpha^2 sum(cq cv) + alpha lo (sum cq + sum cv) + d lo^2}, {@code |q-v|^2 ~
 * alpha^2 sum (cq - cv)^2} and {@code |q-v|_1 ~ alpha sum |cq - cv|}. The per-vector term {@code
 * alpha lo sum cv} is precomputed into the code.
 *
 * <p>Code layout ({@code 4 + d} bytes): float32 little-endian correction (the dot-product term
 * above, 0 for other distances), then {@code d} unsigned bytes. Params: {@code lo}, {@code alpha}
 * as float32 little-endian. Immutable, thread-safe.
 */
public final class ScalarQuantizer implements Quantizer {
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int HEADER = Float.BYTES;

    private final Distance distance;
    private final int dim;
    private final float lo;
    private final float alpha;

    ScalarQuantizer(Distance distance, int dim, float lo, float alpha) {
        if (!(alpha > 0) || !Float.isFinite(lo)) {
            throw new IllegalArgumentException("Bad scalar quantizer range: lo=" + lo + ", alpha=" + alpha);
        }
        this.distance = distance;
        this.dim = dim;
        this.lo = lo;
        this.alpha = alpha;
    }

    /** Trains the range on {@code sample} (rows of dimension {@code dim}) keeping the central {@code quantile}. */
    public static ScalarQuantizer train(Distance distance, int dim, float[][] sample, float quantile) {
        int n = 0;
        for (float[] v : sample) {
            n += v.length;
        }
        if (n == 0) {
            return new ScalarQuantizer(distance, dim, -1f, 2f / 255f);
        }
        float[] all = new float[n];
        int p = 0;
        for (float[] v : sample) {
            System.arraycopy(v, 0, all, p, v.length);
            p += v.length;
        }
        Arrays.sort(all);
        double cut = (1.0 - quantile) / 2.0;
        int loIdx = (int) Math.floor(cut * (n - 1));
        int hiIdx = (int) Math.ceil((1.0 - cut) * (n - 1));
        float lo = all[loIdx];
        float hi = all[hiIdx];
        if (!(hi > lo)) {
            hi = lo + 1e-6f + Math.abs(lo) * 1e-6f;
        }
        return new ScalarQuantizer(distance, dim, lo, (hi - lo) / 255f);
    }

    static ScalarQuantizer read(Distance distance, int dim, byte[] params) {
        ByteBuffer b = ByteBuffer.wrap(params).order(ByteOrder.LITTLE_ENDIAN);
        return new ScalarQuantizer(distance, dim, b.getFloat(), b.getFloat());
    }

    @Override
    public byte[] params() {
        return ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(lo)
                .putFloat(alpha)
                .array();
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

    private int quantize(float x) {
        int c = Math.round((x - lo) / alpha);
        return c < 0 ? 0 : Math.min(c, 255);
    }

    @Override
    public void encode(float[] v, MemorySegment dst, long offset) {
        long sum = 0;
        for (int i = 0; i < dim; i++) {
            int c = quantize(v[i]);
            sum += c;
            dst.set(ValueLayout.JAVA_BYTE, offset + HEADER + i, (byte) c);
        }
        float correction = isDot() ? alpha * lo * sum : 0f;
        dst.set(FLOAT_LE, offset, correction);
    }

    private boolean isDot() {
        return distance == Distance.DOT || distance == Distance.COSINE;
    }

    @Override
    public OrdinalScorer scorer(float[] query, MemorySegment codes) {
        byte[] q = new byte[dim];
        long qsum = 0;
        for (int i = 0; i < dim; i++) {
            int c = quantize(query[i]);
            q[i] = (byte) c;
            qsum += c;
        }
        long stride = codeBytes();
        float a2 = alpha * alpha;
        return switch (distance) {
            case DOT, COSINE -> {
                float constant = alpha * lo * qsum + dim * lo * lo;
                yield ord -> {
                    long base = ord * stride;
                    return a2 * QuantKernels.dotU8(q, codes, base + HEADER) + codes.get(FLOAT_LE, base) + constant;
                };
            }
            case EUCLID -> ord -> -a2 * QuantKernels.squareDistanceU8(q, codes, ord * stride + HEADER);
            case MANHATTAN -> ord -> -alpha * QuantKernels.manhattanU8(q, codes, ord * stride + HEADER);
        };
    }
}
