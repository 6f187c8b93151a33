package io.sextant.vector.quant;

import io.sextant.vector.Distance;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Binary quantization (Qdrant's {@code binary} type) with 1, 1.5 or 2 bits per dimension, scored
 * with popcounts.
 *
 * <p>Each dimension is standardized with the training mean and deviation ({@code z = (x - mu) /
 * sigma}; centring keeps all-positive data such as image pixels from collapsing to one code) and
 * stored as bit planes of 64-bit words. Plane A holds one bit per dimension; plane B, when present,
 * a second bit for the first {@code nB} dimensions, which then form a thermometer code ({@code A = z
 * > -t}, {@code B = z > t}, {@code t = 0.43}, three levels) instead of a sign bit ({@code A = z >
 * 0}). {@code one_bit}: {@code nB = 0}; {@code two_bits}: {@code nB = d}; {@code one_and_half_bits}:
 * {@code nB} about {@code d/2} (a multiple of 64), the dimensions sorted by decreasing variance so
 * the widest ones get the second bit.
 *
 * <p>A vector is read back as {@code sum over planes of (2 bit - 1)}. With a binary query ({@code
 * default}, {@code binary}) the score is the dot product of the two read-back vectors, {@code
 * sum over plane pairs of (overlap - 2 popcount(xor))}. With a scalar query ({@code scalar4bits},
 * {@code scalar8bits}) the per-dimension weights {@code q_i sigma_i scale_i} are quantized to 4 or 8
 * bits and split into bit planes, so {@code sum of weights where the stored bit is set} is a few
 * popcounts; this asymmetric form estimates {@code q.v} (and {@code |v|^2 - 2 q.v} for L2, with the
 * stored norm) much better.
 *
 * <p>Code layout: float32 little-endian {@code |v|^2}, 4 zero bytes, {@code wordsA} then {@code
 * wordsB} 64-bit little-endian words. Params: encoding ordinal, {@code nB}, then per dimension
 * (float32 mu, float32 sigma, int32 permutation). Immutable, thread-safe.
 */
public final class BinaryQuantizer implements Quantizer {
    private static final float T = 0.4307f;
    /** E|z| of a standard normal given its level: sign code, and thermometer code per unit of level. */
    private static final float SCALE_SIGN = 0.798f;

    private static final float SCALE_THERMO = 0.545f;
    private static final int HEADER = 8;

    /** Stored bits per dimension. */
    public enum Encoding {
        ONE_BIT,
        ONE_AND_HALF_BITS,
        TWO_BITS
    }

    /** How a query is encoded for scoring. */
    public enum QueryEncoding {
        DEFAULT,
        BINARY,
        SCALAR4BITS,
        SCALAR8BITS
    }

    private final Distance distance;
    private final Encoding encoding;
    private final int dim;
    private final int nB;
    private final int wordsA;
    private final int wordsB;
    private final float[] mu;
    private final float[] sigma;
    /** perm[j] = the original dimension stored at position j. */
    private final int[] perm;

    private BinaryQuantizer(
            Distance distance, Encoding encoding, int dim, int nB, float[] mu, float[] sigma, int[] perm) {
        this.distance = distance;
        this.encoding = encoding;
        this.dim = dim;
        this.nB = nB;
        this.wordsA = (dim + 63) / 64;
        this.wordsB = (nB + 63) / 64;
        this.mu = mu;
        this.sigma = sigma;
        this.perm = perm;
    }

    /** Trains means and deviations on {@code sample}. */
    public static BinaryQuantizer train(Distance distance, int dim, float[][] sample, Encoding encoding) {
        double[] sum = new double[dim];
        double[] sq = new double[dim];
        for (float[] v : sample) {
            for (int i = 0; i < dim; i++) {
                sum[i] += v[i];
                sq[i] += (double) v[i] * v[i];
            }
        }
        int n = Math.max(1, sample.length);
        float[] mu = new float[dim];
        float[] sigma = new float[dim];
        for (int i = 0; i < dim; i++) {
            double m = sum[i] / n;
            double var = Math.max(0, sq[i] / n - m * m);
            mu[i] = (float) m;
            sigma[i] = (float) Math.max(Math.sqrt(var), 1e-6);
        }
        int nB =
                switch (encoding) {
                    case ONE_BIT -> 0;
                    case TWO_BITS -> dim;
                    case ONE_AND_HALF_BITS -> Math.min(dim, 64 * ((dim + 127) / 128));
                };
        int[] perm = IntStream.range(0, dim).toArray();
        if (encoding == Encoding.ONE_AND_HALF_BITS) {
            perm = IntStream.range(0, dim)
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -sigma[i]).thenComparingInt(i -> i))
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
        return new BinaryQuantizer(distance, encoding, dim, nB, mu, sigma, perm);
    }

    static BinaryQuantizer read(Distance distance, int dim, byte[] params) {
        ByteBuffer b = ByteBuffer.wrap(params).order(ByteOrder.LITTLE_ENDIAN);
        Encoding enc = Encoding.values()[b.getInt()];
        int nB = b.getInt();
        if (nB < 0 || nB > dim) {
            throw new IllegalArgumentException("Binary quantizer params: " + nB + " two-bit dimensions of " + dim);
        }
        float[] mu = new float[dim];
        float[] sigma = new float[dim];
        int[] perm = new int[dim];
        for (int i = 0; i < dim; i++) {
            mu[i] = b.getFloat();
            sigma[i] = b.getFloat();
            perm[i] = b.getInt();
        }
        boolean[] seen = new boolean[dim];
        for (int p : perm) {
            if (p < 0 || p >= dim || seen[p]) {
                throw new IllegalArgumentException(
                        "Binary quantizer params: dimension order repeats or leaves [0, " + dim + "): " + p);
            }
            seen[p] = true;
        }
        return new BinaryQuantizer(distance, enc, dim, nB, mu, sigma, perm);
    }

    @Override
    public byte[] params() {
        ByteBuffer b = ByteBuffer.allocate(8 + 12 * dim).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(encoding.ordinal()).putInt(nB);
        for (int i = 0; i < dim; i++) {
            b.putFloat(mu[i]).putFloat(sigma[i]).putInt(perm[i]);
        }
        return b.array();
    }

    @Override
    public Kind kind() {
        return Kind.BINARY;
    }

    @Override
    public Distance distance() {
        return distance;
    }

    @Override
    public int dimension() {
        return dim;
    }

    public Encoding encoding() {
        return encoding;
    }

    @Override
    public int codeBytes() {
        return HEADER + 8 * (wordsA + wordsB);
    }

    /** Fills plane A ({@code wordsA} words at {@code out[0..]}) and plane B (after it) for {@code v}. */
    private void bits(float[] v, long[] out) {
        Arrays.fill(out, 0L);
        for (int j = 0; j < dim; j++) {
            int i = perm[j];
            float z = (v[i] - mu[i]) / sigma[i];
            if (j < nB) {
                if (z > -T) {
                    out[j >>> 6] |= 1L << j;
                }
                if (z > T) {
                    out[wordsA + (j >>> 6)] |= 1L << j;
                }
            } else if (z > 0) {
                out[j >>> 6] |= 1L << j;
            }
        }
    }

    @Override
    public void encode(float[] v, MemorySegment dst, long offset) {
        long[] words = new long[wordsA + wordsB];
        bits(v, words);
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        dst.set(ScalarQuantizer.FLOAT_LE, offset, (float) norm);
        dst.set(ScalarQuantizer.FLOAT_LE, offset + 4, 0f);
        for (int w = 0; w < words.length; w++) {
            QuantKernels.writeLong(dst, offset + HEADER + 8L * w, words[w]);
        }
    }

    @Override
    public OrdinalScorer scorer(float[] query, MemorySegment codes) {
        return scorer(query, codes, QueryEncoding.DEFAULT);
    }

    /** A scorer with the given query encoding. */
    public OrdinalScorer scorer(float[] query, MemorySegment codes, QueryEncoding queryEncoding) {
        return switch (queryEncoding) {
            case DEFAULT, BINARY -> binaryScorer(query, codes);
            case SCALAR4BITS -> scalarScorer(query, codes, 4);
            case SCALAR8BITS -> scalarScorer(query, codes, 8);
        };
    }

    private OrdinalScorer binaryScorer(float[] query, MemorySegment codes) {
        long[] q = new long[wordsA + wordsB];
        bits(query, q);
        long stride = codeBytes();
        int wa = wordsA;
        int wb = wordsB;
        int d = dim;
        int b = nB;
        if (wb == 0) {
            return ord -> d - 2 * QuantKernels.xorPopcount(q, 0, codes, ord * stride + HEADER, wa);
        }
        return ord -> {
            long base = ord * stride + HEADER;
            long baseB = base + 8L * wa;
            int aa = d - 2 * QuantKernels.xorPopcount(q, 0, codes, base, wa);
            int ab = b - 2 * QuantKernels.xorPopcount(q, 0, codes, baseB, wb);
            int ba = b - 2 * QuantKernels.xorPopcount(q, wa, codes, base, wb);
            int bb = b - 2 * QuantKernels.xorPopcount(q, wa, codes, baseB, wb);
            return aa + ab + ba + bb;
        };
    }

    private OrdinalScorer scalarScorer(float[] query, MemorySegment codes, int bitsPerWeight) {
        float[] w = new float[dim];
        double qmu = 0;
        double qnorm = 0;
        for (int j = 0; j < dim; j++) {
            int i = perm[j];
            w[j] = query[i] * sigma[i] * (j < nB ? SCALE_THERMO : SCALE_SIGN);
            qmu += (double) query[i] * mu[i];
            qnorm += (double) query[i] * query[i];
        }
        float wmin = Float.MAX_VALUE;
        float wmax = -Float.MAX_VALUE;
        for (float x : w) {
            wmin = Math.min(wmin, x);
            wmax = Math.max(wmax, x);
        }
        int levels = (1 << bitsPerWeight) - 1;
        float step = wmax > wmin ? (wmax - wmin) / levels : 1f;
        long[][] planes = new long[bitsPerWeight][wordsA];
        double sumA = 0;
        double sumB = 0;
        for (int j = 0; j < dim; j++) {
            int u = Math.round((w[j] - wmin) / step);
            u = Math.max(0, Math.min(levels, u));
            float approx = wmin + step * u;
            sumA += approx;
            if (j < nB) {
                sumB += approx;
            }
            for (int k = 0; k < bitsPerWeight; k++) {
                if ((u >>> k & 1) != 0) {
                    planes[k][j >>> 6] |= 1L << j;
                }
            }
        }
        long stride = codeBytes();
        int wa = wordsA;
        int wb = wordsB;
        float fmin = wmin;
        float fstep = step;
        float constant = (float) (qmu - sumA - sumB);
        boolean l2 = distance == Distance.EUCLID || distance == Distance.MANHATTAN;
        float qn = (float) qnorm;
        return ord -> {
            long base = ord * stride + HEADER;
            float s = 2 * selectedSum(planes, fmin, fstep, codes, base, wa);
            if (wb > 0) {
                s += 2 * selectedSum(planes, fmin, fstep, codes, base + 8L * wa, wb);
            }
            float dot = s + constant;
            if (!l2) {
                return dot;
            }
            float vnorm = codes.get(ScalarQuantizer.FLOAT_LE, base - HEADER);
            return 2 * dot - vnorm - qn;
        };
    }

    /** Sum of the quantized weights over the positions whose stored bit is set. */
    private static float selectedSum(
            long[][] planes, float wmin, float step, MemorySegment codes, long off, int words) {
        long weighted = 0;
        for (int k = 0; k < planes.length; k++) {
            weighted += (long) QuantKernels.andPopcount(planes[k], 0, codes, off, words) << k;
        }
        return wmin * QuantKernels.popcount(codes, off, words) + step * weighted;
    }
}
