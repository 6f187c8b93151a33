package io.sextant.segment.config;

import io.sextant.vector.Distance;
import io.sextant.vector.Similarity;
import io.sextant.vector.quant.QuantizerSpec;

/**
 * Storage and index parameters of one named vector.
 *
 * @param size dimension, at least 1
 * @param distance similarity function
 * @param onDisk keep full vectors in paged memory-mapped files instead of resident memory
 * @param hnsw the vector's effective HNSW parameters; null = {@link HnswSpec#DEFAULT}
 * @param quantization the vector's quantization; null = none
 * @param datatype how components are stored; null = {@link VectorElementType#FLOAT32}
 * @param multivector how a point's several vectors are compared; null = one vector per point
 * @param memory where the full vectors live; null = derived from {@code onDisk}
 * @param quantizedMemory where the quantized codes live; null = {@code always_ram} (pinned) or the
 *     full vectors' placement (see {@link #quantizedPlacement()})
 */
public record VectorSpec(
        int size,
        Distance distance,
        boolean onDisk,
        HnswSpec hnsw,
        QuantizerSpec quantization,
        VectorElementType datatype,
        MultiVectorComparator multivector,
        MemoryPlacement memory,
        MemoryPlacement quantizedMemory) {
    public VectorSpec {
        if (size < 1 || size > 65536) {
            throw new IllegalArgumentException("Vector size must be in [1, 65536], got " + size);
        }
        if (distance == null) {
            throw new IllegalArgumentException("Vector distance is required");
        }
        if (hnsw == null) {
            hnsw = HnswSpec.DEFAULT;
        }
        if (datatype == null) {
            datatype = VectorElementType.FLOAT32;
        }
    }

    /** A spec whose quantized codes follow {@code always_ram} or the vectors. */
    public VectorSpec(
            int size,
            Distance distance,
            boolean onDisk,
            HnswSpec hnsw,
            QuantizerSpec quantization,
            VectorElementType datatype,
            MultiVectorComparator multivector,
            MemoryPlacement memory) {
        this(size, distance, onDisk, hnsw, quantization, datatype, multivector, memory, null);
    }

    /** Qdrant's effective placement of the full vectors: {@code memory}, else {@code on_disk} (cold) or cached. */
    public MemoryPlacement placement() {
        return memory != null ? memory : MemoryPlacement.fromOnDisk(onDisk);
    }

    /**
     * Qdrant's effective placement of the quantized codes: {@code quantizedMemory}, else pinned with
     * {@code always_ram}, else the placement of the full vectors.
     */
    public MemoryPlacement quantizedPlacement() {
        if (quantizedMemory != null) {
            return quantizedMemory;
        }
        return quantization != null && quantization.alwaysRam() ? MemoryPlacement.PINNED : placement();
    }

    /**
     * Whether {@code other} stores exactly the same files and differs at most in where they live
     * (placement) or in search-time parameters: a segment written for one can be reopened for the
     * other without rewriting anything.
     */
    public boolean sameStoredForm(VectorSpec other) {
        return size == other.size
                && distance == other.distance
                && datatype == other.datatype
                && java.util.Objects.equals(multivector, other.multivector)
                && hnsw.enabled() == other.hnsw.enabled()
                && hnsw.fingerprint().equals(other.hnsw.fingerprint())
                && java.util.Objects.equals(
                        quantization == null ? null : quantization.fingerprint(),
                        other.quantization == null ? null : other.quantization.fingerprint());
    }

    /** A single vector per point, placement from {@code onDisk}. */
    public VectorSpec(
            int size,
            Distance distance,
            boolean onDisk,
            HnswSpec hnsw,
            QuantizerSpec quantization,
            VectorElementType datatype) {
        this(size, distance, onDisk, hnsw, quantization, datatype, null, null, null);
    }

    /** Whether each point holds several vectors of {@link #size} components. */
    public boolean isMulti() {
        return multivector != null;
    }

    /**
     * Whether {@code length} floats form a value of this vector: {@link #size}, or for multivectors
     * a positive multiple of it (the point's vectors concatenated).
     */
    public boolean validLength(int length) {
        return isMulti() ? length > 0 && length % size == 0 : length == size;
    }

    /**
     * {@code v} as it is stored and queried: Cosine values scaled to unit length (each vector of a
     * multivector), unless the datatype keeps them as given ({@link #normalizesOnScore}).
     */
    public float[] normalized(float[] v) {
        return normalizesOnScore() ? v : normalizedQuery(v);
    }

    /**
     * Query {@code v} as it is scored: for Cosine each vector scaled to unit length ({@code v}
     * itself when it already is: the layers of a query each call this; see {@link
     * Similarity#unitLength}). The result must not be modified.
     */
    public float[] normalizedQuery(float[] v) {
        if (distance != Distance.COSINE) {
            return v;
        }
        if (!isMulti() || v.length == size) {
            return Similarity.unitLength(v);
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i += size) {
            System.arraycopy(Similarity.normalize(java.util.Arrays.copyOfRange(v, i, i + size)), 0, out, i, size);
        }
        return out;
    }

    /** A float32 vector. */
    public VectorSpec(int size, Distance distance, boolean onDisk, HnswSpec hnsw, QuantizerSpec quantization) {
        this(size, distance, onDisk, hnsw, quantization, null);
    }

    /** A vector with default HNSW parameters and no quantization. */
    public VectorSpec(int size, Distance distance, boolean onDisk) {
        this(size, distance, onDisk, null, null);
    }

    /**
     * Bytes of one vector counted as float32, whatever the datatype: the unit of Qdrant's
     * thresholds ({@code indexing_threshold}, {@code full_scan_threshold}: 1 KB = 256 floats).
     */
    public long vectorBytes() {
        return (long) size * Float.BYTES;
    }

    /** Bytes of one vector as stored ({@link VectorElementType#vectorBytes}). */
    public long storedVectorBytes() {
        return datatype.vectorBytes(size);
    }

    /**
     * Whether stored vectors are kept as given and normalized when scored: Cosine over uint8,
     * whose bytes cannot hold a unit vector. Other Cosine vectors are normalized on insert.
     */
    public boolean normalizesOnScore() {
        return distance == Distance.COSINE && datatype == VectorElementType.UINT8;
    }
}
