package io.sextant.vector.sparse;

import java.util.Arrays;

/**
 * A sparse vector: dimension ids with their weights. Dimension ids are unsigned 32-bit integers
 * (Qdrant's {@code u32}) held in an {@code int}: compare them with {@link
 * Integer#compareUnsigned} and print them with {@link Integer#toUnsignedString(int)}.
 *
 * <p>A vector built with {@link #of} is validated (same length, unique ids, finite weights) and
 * sorted by unsigned id; every other part of the system may assume sorted, unique ids. The arrays
 * are owned by the record and must not be changed after construction.
 *
 * @param indices dimension ids, ascending as unsigned integers, unique
 * @param values weight of each dimension id
 */
public record SparseVector(int[] indices, float[] values) {
    public static final SparseVector EMPTY = new SparseVector(new int[0], new float[0]);

    public SparseVector {
        if (indices.length != values.length) {
            throw new IllegalArgumentException("Sparse vector indices and values must be the same length, got "
                    + indices.length + " indices and " + values.length + " values");
        }
    }

    /**
     * Validates and sorts a sparse vector given in any order; the arguments are not changed.
     *
     * @throws IllegalArgumentException when lengths differ, an id repeats or a weight is not finite
     */
    public static SparseVector of(int[] indices, float[] values) {
        if (indices.length != values.length) {
            throw new IllegalArgumentException("Sparse vector indices and values must be the same length, got "
                    + indices.length + " indices and " + values.length + " values");
        }
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("Sparse vector values must be finite, got " + v);
            }
        }
        int n = indices.length;
        int[] ids = indices.clone();
        float[] vals = values.clone();
        if (!sortedUnique(ids)) {
            // high half: the id with its sign bit flipped, so that a signed sort orders ids unsigned
            long[] keyed = new long[n];
            for (int i = 0; i < n; i++) {
                keyed[i] = ((long) (ids[i] ^ Integer.MIN_VALUE) << 32) | i;
            }
            Arrays.sort(keyed);
            for (int i = 0; i < n; i++) {
                ids[i] = (int) (keyed[i] >>> 32) ^ Integer.MIN_VALUE;
                vals[i] = values[(int) keyed[i]];
            }
            for (int i = 1; i < n; i++) {
                if (ids[i] == ids[i - 1]) {
                    throw new IllegalArgumentException(
                            "Sparse vector indices must be unique, got " + Integer.toUnsignedString(ids[i]) + " twice");
                }
            }
        }
        return new SparseVector(ids, vals);
    }

    private static boolean sortedUnique(int[] ids) {
        for (int i = 1; i < ids.length; i++) {
            if (Integer.compareUnsigned(ids[i - 1], ids[i]) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Number of stored dimensions. */
    public int size() {
        return indices.length;
    }

    public boolean isEmpty() {
        return indices.length == 0;
    }

    /**
     * Dot product with {@code other} (both sorted): the sum of products over the dimension ids they
     * share, 0 when they share none (see {@link #overlaps}).
     */
    public float dot(SparseVector other) {
        int[] a = indices;
        int[] b = other.indices;
        float[] av = values;
        float[] bv = other.values;
        float sum = 0;
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            int c = Integer.compareUnsigned(a[i], b[j]);
            if (c == 0) {
                sum += av[i++] * bv[j++];
            } else if (c < 0) {
                i++;
            } else {
                j++;
            }
        }
        return sum;
    }

    /** Whether the two (sorted) vectors share at least one dimension id. */
    public boolean overlaps(SparseVector other) {
        int[] a = indices;
        int[] b = other.indices;
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            int c = Integer.compareUnsigned(a[i], b[j]);
            if (c == 0) {
                return true;
            } else if (c < 0) {
                i++;
            } else {
                j++;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseVector s && Arrays.equals(indices, s.indices) && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < indices.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(Integer.toUnsignedString(indices[i])).append(':').append(values[i]);
        }
        return sb.append('}').toString();
    }
}
