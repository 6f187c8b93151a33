package io.sextant.collection.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.strict.StrictModeConfig;
import io.sextant.segment.error.UserException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A change to an existing collection's config ({@code PATCH /collections/{name}}). Null fields
 * leave the current value. {@code vectors} changes named vectors' on_disk, HNSW and quantization;
 * {@code quantizationConfig} replaces the collection-wide quantization unless {@code
 * disableQuantization} removes it; {@code sparseVectors} changes existing sparse vectors' index
 * params and modifier (fields set in the diff replace the current ones); {@code metadata} is merged key by key into the current
 * metadata (a key with a JSON null value is removed); {@code ttl}, when present, replaces or removes
 * the point expiry. Immutable.
 */
public record CollectionConfigPatch(
        Map<String, VectorParams.Diff> vectors,
        CollectionParams.Diff params,
        HnswConfig.Diff hnswConfig,
        OptimizersConfig.Diff optimizersConfig,
        QuantizationConfig quantizationConfig,
        boolean disableQuantization,
        ObjectNode metadata,
        Map<String, SparseVectorParams> sparseVectors,
        StrictModeConfig strictMode,
        TtlChange ttl) {

    public static final CollectionConfigPatch EMPTY =
            new CollectionConfigPatch(null, null, null, null, null, false, null, null, null, null);

    /** A change of {@code ttl_config}: {@code next} replaces it, null removes it (points stop expiring). */
    public record TtlChange(io.sextant.segment.config.TtlSpec next) {}

    /** A patch that leaves point expiry alone. */
    public CollectionConfigPatch(
            Map<String, VectorParams.Diff> vectors,
            CollectionParams.Diff params,
            HnswConfig.Diff hnswConfig,
            OptimizersConfig.Diff optimizersConfig,
            QuantizationConfig quantizationConfig,
            boolean disableQuantization,
            ObjectNode metadata,
            Map<String, SparseVectorParams> sparseVectors,
            StrictModeConfig strictMode) {
        this(
                vectors,
                params,
                hnswConfig,
                optimizersConfig,
                quantizationConfig,
                disableQuantization,
                metadata,
                sparseVectors,
                strictMode,
                null);
    }

    public CollectionConfigPatch {
        vectors = vectors == null ? Map.of() : Map.copyOf(vectors);
        sparseVectors = sparseVectors == null ? Map.of() : Map.copyOf(sparseVectors);
        if (disableQuantization && quantizationConfig != null) {
            throw new IllegalArgumentException("quantization_config cannot be both set and disabled");
        }
    }

    /** A patch without sparse vector changes. */
    public CollectionConfigPatch(
            Map<String, VectorParams.Diff> vectors,
            CollectionParams.Diff params,
            HnswConfig.Diff hnswConfig,
            OptimizersConfig.Diff optimizersConfig,
            QuantizationConfig quantizationConfig,
            boolean disableQuantization,
            ObjectNode metadata) {
        this(
                vectors,
                params,
                hnswConfig,
                optimizersConfig,
                quantizationConfig,
                disableQuantization,
                metadata,
                null,
                null);
    }

    /** A patch without strict mode changes. */
    public CollectionConfigPatch(
            Map<String, VectorParams.Diff> vectors,
            CollectionParams.Diff params,
            HnswConfig.Diff hnswConfig,
            OptimizersConfig.Diff optimizersConfig,
            QuantizationConfig quantizationConfig,
            boolean disableQuantization,
            ObjectNode metadata,
            Map<String, SparseVectorParams> sparseVectors) {
        this(
                vectors,
                params,
                hnswConfig,
                optimizersConfig,
                quantizationConfig,
                disableQuantization,
                metadata,
                sparseVectors,
                null);
    }

    /**
     * Applies this patch to {@code base}.
     *
     * @throws UserException (bad request) when a vector does not exist or a value is invalid
     */
    public CollectionConfig applyTo(CollectionConfig base) {
        try {
            Map<String, VectorParams> newVectors =
                    new LinkedHashMap<>(base.params().vectors());
            for (Map.Entry<String, VectorParams.Diff> e : vectors.entrySet()) {
                VectorParams current = newVectors.get(e.getKey());
                if (current == null) {
                    throw UserException.badRequest("Wrong input: Not existing vector name error: " + e.getKey());
                }
                newVectors.put(e.getKey(), e.getValue().applyTo(current));
            }
            Map<String, SparseVectorParams> newSparse =
                    new LinkedHashMap<>(base.params().sparseVectors());
            for (Map.Entry<String, SparseVectorParams> e : sparseVectors.entrySet()) {
                SparseVectorParams current = newSparse.get(e.getKey());
                if (current == null) {
                    throw UserException.badRequest("Wrong input: Not existing vector name error: " + e.getKey());
                }
                newSparse.put(e.getKey(), current.merge(e.getValue()));
            }
            CollectionParams newParams = params == null
                    ? base.params().withVectors(newVectors, newSparse)
                    : params.applyTo(base.params(), newVectors, newSparse);
            HnswConfig hnsw = hnswConfig == null ? base.hnswConfig() : hnswConfig.applyTo(base.hnswConfig());
            OptimizersConfig opt = optimizersConfig == null
                    ? base.optimizerConfig()
                    : optimizersConfig.applyTo(base.optimizerConfig());
            QuantizationConfig q = disableQuantization
                    ? null
                    : quantizationConfig != null ? quantizationConfig : base.quantizationConfig();
            ObjectNode meta = base.metadata();
            if (metadata != null) {
                metadata.properties().forEach(e -> {
                    if (e.getValue().isNull()) {
                        meta.remove(e.getKey());
                    } else {
                        meta.set(e.getKey(), e.getValue().deepCopy());
                    }
                });
            }
            StrictModeConfig strict =
                    strictMode == null ? base.strictMode() : base.strictMode().merge(strictMode);
            return new CollectionConfig(
                    newParams, hnsw, opt, base.walConfig(), q, meta, strict, ttl == null ? base.ttl() : ttl.next());
        } catch (IllegalArgumentException e) {
            throw UserException.badRequest("Wrong input: " + e.getMessage());
        }
    }
}
