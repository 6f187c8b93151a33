package io.sextant.collection.config;

import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.MultiVectorComparator;
import io.sextant.segment.config.VectorSpec;
import io.sextant.vector.Distance;

/**
 * Parameters of one named dense vector ({@code VectorParams} in Qdrant). Immutable; validated on
 * construction.
 *
 * @param size dimension, in [1, 65536]
 * @param distance similarity function
 * @param onDisk keep full vectors on disk (paged); null = unset (false)
 * @param hnswConfig per-vector overrides of the collection's HNSW config; null = none
 * @param quantizationConfig per-vector quantization, overriding the collection's; null = inherit
 * @param datatype stored element type; null = float32
 * @param multivectorConfig the comparator of a multivector; null = one vector per point
 * @param memory Qdrant's {@code memory} placement of the full vectors; null = unset
 */
public record VectorParams(
        int size,
        Distance distance,
        Boolean onDisk,
        HnswConfig.Diff hnswConfig,
        QuantizationConfig quantizationConfig,
        VectorDatatype datatype,
        MultiVectorComparator multivectorConfig,
        MemoryPlacement memory) {

    public VectorParams {
        if (size < 1 || size > 65536) {
            throw io.sextant.segment.error.RangeViolation.between("size", size, 1, 65536);
        }
        if (distance == null) {
            throw new IllegalArgumentException("Vector distance is required");
        }
        if (hnswConfig != null) {
            hnswConfig.applyTo(HnswConfig.DEFAULT); // validates the overridden values
        }
    }

    /** Parameters of a single vector per point, no memory placement. */
    public VectorParams(
            int size,
            Distance distance,
            Boolean onDisk,
            HnswConfig.Diff hnswConfig,
            QuantizationConfig quantizationConfig,
            VectorDatatype datatype) {
        this(size, distance, onDisk, hnswConfig, quantizationConfig, datatype, null, null);
    }

    public static VectorParams of(int size, Distance distance) {
        return new VectorParams(size, distance, null, null, null, null);
    }

    /** Whether full vectors are kept on disk. */
    public boolean isOnDisk() {
        return onDisk != null && onDisk;
    }

    /** The element type, float32 when unset. */
    public VectorDatatype effectiveDatatype() {
        return datatype == null ? VectorDatatype.FLOAT32 : datatype;
    }

    /** The element type as the storage layer names it. */
    public io.sextant.segment.config.VectorElementType elementType() {
        return io.sextant.segment.config.VectorElementType.valueOf(
                effectiveDatatype().name());
    }

    /**
     * Qdrant's rule: the full vectors of a dense vector have no in-memory copy to pin.
     *
     * @throws IllegalArgumentException naming {@code pinned} when {@code memory} is pinned
     */
    public static void checkDenseMemory(MemoryPlacement memory) {
        if (memory == MemoryPlacement.PINNED) {
            throw new IllegalArgumentException("`pinned` memory placement is not supported for dense vector storage");
        }
    }

    /** The storage spec a shard needs. */
    public VectorSpec toSpec() {
        return new VectorSpec(size, distance, isOnDisk(), null, null, elementType(), multivectorConfig, memory);
    }

    /**
     * A per-vector PATCH: null fields keep the current value; {@code disableQuantization} removes
     * the per-vector quantization override.
     */
    public record Diff(
            Boolean onDisk,
            HnswConfig.Diff hnswConfig,
            QuantizationConfig quantizationConfig,
            boolean disableQuantization,
            MemoryPlacement memory) {

        /** A diff without a {@code memory} placement. */
        public Diff(
                Boolean onDisk,
                HnswConfig.Diff hnswConfig,
                QuantizationConfig quantizationConfig,
                boolean disableQuantization) {
            this(onDisk, hnswConfig, quantizationConfig, disableQuantization, null);
        }

        public VectorParams applyTo(VectorParams base) {
            HnswConfig.Diff hnsw =
                    base.hnswConfig() == null ? hnswConfig : base.hnswConfig().merge(hnswConfig);
            QuantizationConfig q = disableQuantization
                    ? null
                    : quantizationConfig != null ? quantizationConfig : base.quantizationConfig();
            return new VectorParams(
                    base.size(),
                    base.distance(),
                    onDisk != null ? onDisk : base.onDisk(),
                    hnsw,
                    q,
                    base.datatype(),
                    base.multivectorConfig(),
                    memory != null ? memory : base.memory());
        }
    }
}
