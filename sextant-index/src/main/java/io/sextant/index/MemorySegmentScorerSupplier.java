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
        MemorySegment s = rows;
        long stride = rowBytes;
        VectorKernels k = kernels;
        return switch (function) {
            case DOT_PRODUCT -> ord -> k.dot(query, s, ord * stride);
            case NEGATIVE_SQUARE_L2 -> ord -> -k.squareDistance(query, s, ord * stride);
            case NEGATIVE_L1 -> ord -> -k.manhattan(query, s, ord * stride);
        };
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

    @Override
    public int size() {
        return count;
    }

    /** Floats per row. */
    public int dimension() {
        return dimension;
    }
}
