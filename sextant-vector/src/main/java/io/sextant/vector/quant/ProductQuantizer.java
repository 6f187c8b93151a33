package io.sextant.vector.quant;

import io.sextant.vector.Distance;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Product quantization (Qdrant's {@code product} type, {@code x4} .. {@code x64}): the dimensions
 * are cut into {@code M} consecutive sub-vectors of {@code compression / 4} dimensions (the last may
 * be shorter), each replaced by the index of its nearest of up to 256 k-means centroids, so a code
 * is {@code M} bytes, {@code compression} times smaller than float32.
 *
 * <p>Scoring is asymmetric: per query a table of {@code M x 256} partial similarities (dot, negative
 * squared L2 or negative L1 of the query's sub-vector and each centroid) is computed once, and a
 * code's score is the sum of {@code M} table lookups.
 *
 * <p>Params: int32 sub-dimension, int32 centroids per sub-space {@code K}, then for each sub-space
 * {@code K} centroids of its width as float32, all little-endian. Code layout: {@code M} unsigned
 * bytes. Training is seeded, so the same sample gives the same codebook. Immutable, thread-safe.
 */
public final class ProductQuantizer implements Quantizer {
    private static final int ITERATIONS = 8;

    private final Distance distance;
    private final int dim;
    private final int sub;
    private final int m;
    private final int k;
    /** centroids[s][c * width(s) + i]. */
    private final float[][] centroids;

    private ProductQuantizer(Distance distance, int dim, int sub, int k, float[][] centroids) {
        this.distance = distance;
        this.dim = dim;
        this.sub = sub;
        this.m = (dim + sub - 1) / sub;
        this.k = k;
        this.centroids = centroids;
    }

    private int width(int s) {
        return Math.min(sub, dim - s * sub);
    }

    /** Trains the codebooks with seeded k-means on {@code sample}. */
    public static ProductQuantizer train(Distance distance, int dim, float[][] sample, int compression, long seed) {
        int sub = Math.max(1, compression / 4);
        int m = (dim + sub - 1) / sub;
        int k = Math.max(1, Math.min(256, sample.length));
        float[][] centroids = new float[m][];
        IntStream.range(0, m).parallel().forEach(s -> {
            int from = s * sub;
            int width = Math.min(sub, dim - from);
            centroids[s] = kmeans(sample, from, width, k, new SplittableRandom(seed * 31 + s));
        });
        return new ProductQuantizer(distance, dim, sub, k, centroids);
    }

    private static float[] kmeans(float[][] sample, int from, int width, int k, SplittableRandom rnd) {
        int n = sample.length;
        float[] c = new float[k * width];
        if (n == 0) {
            return c;
        }
        int[] order = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int j = 0; j < k; j++) {
            System.arraycopy(sample[order[j % n]], from, c, j * width, width);
        }
        int[] assign = new int[n];
        for (int it = 0; it < ITERATIONS; it++) {
            for (int p = 0; p < n; p++) {
                assign[p] = nearest(c, k, width, sample[p], from);
            }
            double[] sum = new double[k * width];
            int[] count = new int[k];
            for (int p = 0; p < n; p++) {
                int a = assign[p];
                count[a]++;
                for (int i = 0; i < width; i++) {
                    sum[a * width + i] += sample[p][from + i];
                }
            }
            for (int j = 0; j < k; j++) {
                if (count[j] == 0) { // re-seed an empty cluster from a random point
                    System.arraycopy(sample[rnd.nextInt(n)], from, c, j * width, width);
                    continue;
                }
                for (int i = 0; i < width; i++) {
                    c[j * width + i] = (float) (sum[j * width + i] / count[j]);
                }
            }
        }
        return c;
    }

    private static int nearest(float[] c, int k, int width, float[] v, int from) {
        int best = 0;
        float bestD = Float.MAX_VALUE;
        for (int j = 0; j < k; j++) {
            float d = 0;
            int base = j * width;
            for (int i = 0; i < width; i++) {
                float x = v[from + i] - c[base + i];
                d += x * x;
            }
            if (d < bestD) {
                bestD = d;
                best = j;
            }
        }
        return best;
    }

    static ProductQuantizer read(Distance distance, int dim, byte[] params) {
        ByteBuffer b = ByteBuffer.wrap(params).order(ByteOrder.LITTLE_ENDIAN);
        int sub = b.getInt();
        int k = b.getInt();
        if (sub < 1 || k < 1 || k > 256) {
            throw new IllegalArgumentException("Bad product quantizer params: sub=" + sub + ", k=" + k);
        }
        int m = (dim + sub - 1) / sub;
        float[][] c = new float[m][];
        for (int s = 0; s < m; s++) {
            int width = Math.min(sub, dim - s * sub);
            c[s] = new float[k * width];
            for (int i = 0; i < c[s].length; i++) {
                c[s][i] = b.getFloat();
            }
        }
        return new ProductQuantizer(distance, dim, sub, k, c);
    }

    @Override
    public byte[] params() {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * k * dim).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(sub).putInt(k);
        for (float[] cs : centroids) {
            for (float x : cs) {
                b.putFloat(x);
            }
        }
        return b.array();
    }

    @Override
    public Kind kind() {
        return Kind.PRODUCT;
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
        return m;
    }

    @Override
    public void encode(float[] v, MemorySegment dst, long offset) {
        for (int s = 0; s < m; s++) {
            int c = nearest(centroids[s], k, width(s), v, s * sub);
            dst.set(ValueLayout.JAVA_BYTE, offset + s, (byte) c);
        }
    }

    @Override
    public OrdinalScorer scorer(float[] query, MemorySegment codes) {
        float[] table = new float[m * 256];
        for (int s = 0; s < m; s++) {
            int width = width(s);
            int from = s * sub;
            float[] cs = centroids[s];
            for (int j = 0; j < k; j++) {
                float acc = 0;
                for (int i = 0; i < width; i++) {
                    float q = query[from + i];
                    float c = cs[j * width + i];
                    acc += switch (distance) {
                        case DOT, COSINE -> q * c;
                        case EUCLID -> -(q - c) * (q - c);
                        case MANHATTAN -> -Math.abs(q - c);
                    };
                }
                table[s * 256 + j] = acc;
            }
        }
        int mm = m;
        long stride = m;
        return ord -> {
            long base = ord * stride;
            float sum = 0;
            for (int s = 0; s < mm; s++) {
                sum += table[(s << 8) + (codes.get(ValueLayout.JAVA_BYTE, base + s) & 0xFF)];
            }
            return sum;
        };
    }
}
