package io.sextant.index;

import io.sextant.vector.Distance;
import io.sextant.vector.VectorKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A {@link ScorerSupplier} over vectors stored off-heap (for example a memory-mapped vector file):
 * {@code count} rows of {@code dimension} little-endian float32 values, row {@code i} starting at
 * byte {@code i * dimension * 4} of the segment. Scores with {@link ScoreFunction#of(Distance)}.
 *
 * <p>Node-versus-node scorers copy the fixed row to the heap once, then read the other rows in
 * place. Thread-safe as long as the segment stays alive (its arena is the caller's business).
 */
public final class MemorySegmentScorerSupplier implements ScorerSupplier {
    private static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment rows;
    private final int dimension;
    private final int count;
    private final long rowBytes;
    private final ScoreFunction function;
    private final VectorKernels kernels;

    /**
     * @param rows the segment holding at least {@code count * dimension * 4} bytes
     * @param dimension floats per row, at least 1
     * @param count the number of rows
     * @param distance the collection's distance
     */
    public MemorySegmentScorerSupplier(MemorySegment rows, int dimension, int count, Distance distance) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        long needed = (long) count * dimension * Float.BYTES;
        if (rows.byteSize() < needed) {
            throw new IllegalArgumentException("segment has " + rows.byteSize() + " bytes, " + count + " rows of "
                    + dimension + " floats need " + needed);
        }
        this.rows = rows;
        this.dimension = dimension;
        this.count = count;
        this.rowBytes = (long) dimension * Float.BYTES;
        this.function = ScoreFunction.of(distance);
        this.kernels = VectorKernels.get();
    }

    /** A scorer for an external query vector of this supplier's dimension. */
    public VectorScorer queryScorer(float[] query) {
        if (query.length != dimension) {
            throw new IllegalArgumentException("query has dimension " + query.length + ", expected " + dimension);
        }
        return switch (function) {
            case DOT_PRODUCT -> new RowScorer(query, rows, rowBytes, kernels, false);
            case NEGATIVE_SQUARE_L2 -> new RowScorer(query, rows, rowBytes, kernels, true);
            case NEGATIVE_L1 -> {
                MemorySegment s = rows;
                long stride = rowBytes;
                VectorKernels k = kernels;
                yield ord -> -k.manhattan(query, s, ord * stride);
            }
        };
    }

    /**
     * Dot-product or negative squared-L2 scorer over the rows. Bulk scoring runs eight rows per
     * kernel pass, then four, and a tail of two or three rows as one four-row pass over the last four
     * rows (one or two scored again): a graph search reads rows that are not in cache, and more rows
     * in flight hide more of that latency. Allocates nothing per call.
     */
    private record RowScorer(float[] query, MemorySegment rows, long stride, VectorKernels kernels, boolean squareL2)
            implements VectorScorer {
        @Override
        public float score(int ordinal) {
            long at = ordinal * stride;
            return squareL2 ? -kernels.squareDistance(query, rows, at) : kernels.dot(query, rows, at);
        }

        @Override
        public void bulkScore(int[] ordinals, int count, float[] out) {
            int i = 0;
            for (; i + 8 <= count; i += 8) {
                if (squareL2) {
                    kernels.squareDistance8(query, rows, ordinals, i, stride, out, i);
                    negate(out, i, 8);
                } else {
                    kernels.dot8(query, rows, ordinals, i, stride, out, i);
                }
            }
            for (; i + 4 <= count; i += 4) {
                four(ordinals, i, out);
            }
            int left = count - i;
            if (left >= 2 && count >= 4) {
                // two or three rows left: one four-row pass over the LAST four rows (one or two of
                // them scored again, from cache) streams them side by side instead of one after
                // another, without a scratch array
                four(ordinals, count - 4, out);
            } else {
                for (; i < count; i++) {
                    out[i] = score(ordinals[i]);
                }
            }
        }

        /** Scores rows {@code ordinals[i .. i + 3]} into {@code out[i .. i + 3]}. */
        private void four(int[] ordinals, int i, float[] out) {
            long a = ordinals[i] * stride;
            long b = ordinals[i + 1] * stride;
            long c = ordinals[i + 2] * stride;
            long d = ordinals[i + 3] * stride;
            if (squareL2) {
                kernels.squareDistance4(query, rows, a, b, c, d, out, i);
                negate(out, i, 4);
            } else {
                kernels.dot4(query, rows, a, b, c, d, out, i);
            }
        }

        private static void negate(float[] out, int from, int n) {
            for (int j = from; j < from + n; j++) {
                out[j] = -out[j];
            }
        }
    }

    /** Copies row {@code ordinal} to a new heap array. */
    public float[] vector(int ordinal) {
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("ordinal " + ordinal + " out of range [0, " + count + ")");
        }
        float[] out = new float[dimension];
        MemorySegment.copy(rows, LE_FLOAT, ordinal * rowBytes, out, 0, dimension);
        return out;
    }

    @Override
    public VectorScorer scorerFor(int ordinal) {
        return queryScorer(vector(ordinal));
    }

    /** One heap buffer per handle: the fixed row is copied into it, no allocation per call. */
    @Override
    public Retargetable retargetable() {
        float[] buffer = new float[dimension];
        VectorScorer scorer = queryScorer(buffer);
        int[] current = {-1};
        return ordinal -> {
            if (ordinal != current[0]) {
                if (ordinal < 0 || ordinal >= count) {
                    throw new IllegalArgumentException("ordinal " + ordinal + " out of range [0, " + count + ")");
                }
                MemorySegment.copy(rows, LE_FLOAT, ordinal * rowBytes, buffer, 0, dimension);
                current[0] = ordinal;
            }
            return scorer;
        };
    }

    @Override
    public int size() {
        return count;
    }

    /** Floats per row. */
    public int dimension() {
        return dimension;
    }
}
