package io.sextant.collection.config;

import io.sextant.segment.config.MemoryPlacement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code params} section of a collection's config. Immutable; validated on construction.
 *
 * @param vectors named vectors in declaration order; the single unnamed vector is stored under ""
 * @param unnamedVector whether the collection was created with one unnamed vector (then {@code
 *     vectors} has exactly the key "")
 * @param shardNumber number of shards, >= 1
 * @param replicationFactor replicas per shard, >= 1 (only 1 is served by a single node)
 * @param writeConsistencyFactor replicas that must acknowledge a write, >= 1
 * @param onDiskPayload keep payloads on disk instead of in RAM
 * @param sparseVectors named sparse vectors in declaration order (names never shared with a dense
 *     vector)
 * @param payloadMemory Qdrant's {@code payload.memory}; null = unset (from {@code onDiskPayload})
 * @param readFanOut {@code read_fan_out_factor} and {@code read_fan_out_delay_ms} (never null)
 * @param customSharding Qdrant's {@code sharding_method: custom}: the collection has no shards of
 *     its own, only those of its shard keys ({@code shardNumber} shards per key by default)
 */
public record CollectionParams(
        Map<String, VectorParams> vectors,
        boolean unnamedVector,
        int shardNumber,
        int replicationFactor,
        int writeConsistencyFactor,
        boolean onDiskPayload,
        Map<String, SparseVectorParams> sparseVectors,
        MemoryPlacement payloadMemory,
        ReadFanOut readFanOut,
        boolean customSharding) {

    public CollectionParams {
        if (readFanOut == null) {
            readFanOut = ReadFanOut.UNSET;
        }
        if (vectors == null) {
            vectors = Map.of();
        }
        vectors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vectors));
        sparseVectors = sparseVectors == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sparseVectors));
        for (String name : sparseVectors.keySet()) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("Sparse vector name cannot be empty");
            }
            if (vectors.containsKey(name)) {
                throw new IllegalArgumentException(
                        "Dense and sparse vector names must be unique - duplicate found with '" + name + "'");
            }
        }
        if (unnamedVector && !(vectors.size() == 1 && vectors.containsKey(""))) {
            throw new IllegalArgumentException(
                    "An unnamed-vector collection must have exactly the vector \"\", got " + vectors.keySet());
        }
        for (String name : vectors.keySet()) {
            if (name == null || (!unnamedVector && name.isEmpty())) {
                throw new IllegalArgumentException("Vector name must not be empty");
            }
        }
        if (shardNumber < 1) {
            throw io.sextant.segment.error.RangeViolation.atLeast("shard_number", shardNumber, 1);
        }
        if (replicationFactor < 1) {
            throw io.sextant.segment.error.RangeViolation.atLeast("replication_factor", replicationFactor, 1);
        }
        if (writeConsistencyFactor < 1) {
            throw io.sextant.segment.error.RangeViolation.atLeast(
                    "write_consistency_factor", writeConsistencyFactor, 1);
        }
    }

    /** Params with the read fan-out unset. */
    public CollectionParams(
            Map<String, VectorParams> vectors,
            boolean unnamedVector,
            int shardNumber,
            int replicationFactor,
            int writeConsistencyFactor,
            boolean onDiskPayload,
            Map<String, SparseVectorParams> sparseVectors,
            MemoryPlacement payloadMemory) {
        this(
                vectors,
                unnamedVector,
                shardNumber,
                replicationFactor,
                writeConsistencyFactor,
                onDiskPayload,
                sparseVectors,
                payloadMemory,
                ReadFanOut.UNSET,
                false);
    }

    /** Auto-sharded params with a read fan-out. */
    public CollectionParams(
            Map<String, VectorParams> vectors,
            boolean unnamedVector,
            int shardNumber,
            int replicationFactor,
            int writeConsistencyFactor,
            boolean onDiskPayload,
            Map<String, SparseVectorParams> sparseVectors,
            MemoryPlacement payloadMemory,
            ReadFanOut readFanOut) {
        this(
                vectors,
                unnamedVector,
                shardNumber,
                replicationFactor,
                writeConsistencyFactor,
                onDiskPayload,
                sparseVectors,
                payloadMemory,
                readFanOut,
                false);
    }

    /** These params with {@code sharding_method: custom} when {@code custom}. */
    public CollectionParams withCustomSharding(boolean custom) {
        return new CollectionParams(
                vectors,
                unnamedVector,
                shardNumber,
                replicationFactor,
                writeConsistencyFactor,
                onDiskPayload,
                sparseVectors,
                payloadMemory,
                readFanOut,
                custom);
    }

    /** Params without a {@code payload.memory} placement. */
    public CollectionParams(
            Map<String, VectorParams> vectors,
            boolean unnamedVector,
            int shardNumber,
            int replicationFactor,
            int writeConsistencyFactor,
            boolean onDiskPayload,
            Map<String, SparseVectorParams> sparseVectors) {
        this(
                vectors,
                unnamedVector,
                shardNumber,
                replicationFactor,
                writeConsistencyFactor,
                onDiskPayload,
                sparseVectors,
                null);
    }

    /**
     * Where immutable segments keep payloads: {@code payload.memory} when set ({@code cached} or
     * {@code cold}: the mapped points file), else {@code on_disk_payload: true} = {@link
     * MemoryPlacement#COLD} and false = {@link MemoryPlacement#PINNED}, meaning decoded trees on the
     * Java heap (Qdrant serves that case from a prefaulted mapping; Sextant keeps its older heap form,
     * the fastest for filters on fields without an index).
     */
    public MemoryPlacement effectivePayloadMemory() {
        if (payloadMemory != null) {
            return payloadMemory;
        }
        return onDiskPayload ? MemoryPlacement.COLD : MemoryPlacement.PINNED;
    }

    /**
     * Qdrant's rule: payload storage has no pinned form.
     *
     * @throws IllegalArgumentException naming {@code pinned} when {@code memory} is pinned
     */
    public static void checkPayloadMemory(MemoryPlacement memory) {
        if (memory == MemoryPlacement.PINNED) {
            throw new IllegalArgumentException("`pinned` memory placement is not supported for payload storage");
        }
    }

    /** Params without sparse vectors. */
    public CollectionParams(
            Map<String, VectorParams> vectors,
            boolean unnamedVector,
            int shardNumber,
            int replicationFactor,
            int writeConsistencyFactor,
            boolean onDiskPayload) {
        this(vectors, unnamedVector, shardNumber, replicationFactor, writeConsistencyFactor, onDiskPayload, null);
    }

    /** Params of a collection with one unnamed vector and otherwise defaults. */
    public static CollectionParams single(VectorParams vector) {
        return new CollectionParams(Map.of("", vector), true, 1, 1, 1, true);
    }

    /** Params of a collection with named vectors and otherwise defaults. */
    public static CollectionParams named(Map<String, VectorParams> vectors) {
        return new CollectionParams(vectors, false, 1, 1, 1, true);
    }

    public CollectionParams withShardNumber(int n) {
        return new CollectionParams(
                vectors,
                unnamedVector,
                n,
                replicationFactor,
                writeConsistencyFactor,
                onDiskPayload,
                sparseVectors,
                payloadMemory,
                readFanOut,
                customSharding);
    }

    /**
     * These params with {@code vectors} and {@code sparse} in place of ours (everything else kept; the
     * unnamed-vector flag only while {@code vectors} still holds the unnamed vector).
     */
    public CollectionParams withVectors(Map<String, VectorParams> vectors, Map<String, SparseVectorParams> sparse) {
        return new CollectionParams(
                vectors,
                unnamedVector && vectors.containsKey(""), // the unnamed vector dropped: none is left
                shardNumber,
                replicationFactor,
                writeConsistencyFactor,
                onDiskPayload,
                sparse,
                payloadMemory,
                readFanOut,
                customSharding);
    }

    /** A PATCH of params: null fields keep the current value. */
    public record Diff(
            Integer replicationFactor,
            Integer writeConsistencyFactor,
            Boolean onDiskPayload,
            MemoryPlacement payloadMemory,
            ReadFanOut readFanOut) {
        /** A diff without {@code payload.memory}. */
        public Diff(Integer replicationFactor, Integer writeConsistencyFactor, Boolean onDiskPayload) {
            this(replicationFactor, writeConsistencyFactor, onDiskPayload, null, null);
        }

        /** A diff that leaves the read fan-out as it is. */
        public Diff(
                Integer replicationFactor,
                Integer writeConsistencyFactor,
                Boolean onDiskPayload,
                MemoryPlacement payloadMemory) {
            this(replicationFactor, writeConsistencyFactor, onDiskPayload, payloadMemory, null);
        }

        public CollectionParams applyTo(
                CollectionParams base,
                Map<String, VectorParams> newVectors,
                Map<String, SparseVectorParams> newSparse) {
            return new CollectionParams(
                    newVectors,
                    base.unnamedVector(),
                    base.shardNumber(),
                    replicationFactor != null ? replicationFactor : base.replicationFactor(),
                    writeConsistencyFactor != null ? writeConsistencyFactor : base.writeConsistencyFactor(),
                    onDiskPayload != null ? onDiskPayload : base.onDiskPayload(),
                    newSparse,
                    payloadMemory != null ? payloadMemory : base.payloadMemory(),
                    base.readFanOut().merge(readFanOut),
                    base.customSharding());
        }
    }
}
