package io.sextant.collection.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.strict.StrictModeConfig;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.vector.quant.BinaryQuantizer;
import io.sextant.vector.quant.QuantizerSpec;
import io.sextant.vector.quant.TurboQuantizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The full configuration of a collection, as shown in collection info and persisted in the
 * collection's {@code config.json} (see {@link CollectionConfigFile}). Immutable; {@code metadata}
 * is a defensive copy, never mutated after construction.
 *
 * @param params vectors and sharding
 * @param hnswConfig collection-wide HNSW parameters
 * @param optimizerConfig optimizer settings
 * @param walConfig WAL settings
 * @param quantizationConfig collection-wide quantization; null = none
 * @param metadata free-form user metadata (never null; empty object when none)
 * @param strictMode strict mode settings (never null; {@link StrictModeConfig#DISABLED} when none)
 * @param ttl point expiry ({@code ttl_config}, Sextant's own); null when points never expire
 */
public record CollectionConfig(
        CollectionParams params,
        HnswConfig hnswConfig,
        OptimizersConfig optimizerConfig,
        WalConfig walConfig,
        QuantizationConfig quantizationConfig,
        ObjectNode metadata,
        StrictModeConfig strictMode,
        io.sextant.segment.config.TtlSpec ttl) {

    public CollectionConfig {
        if (params == null) {
            throw new IllegalArgumentException("Collection params are required");
        }
        hnswConfig = hnswConfig == null ? HnswConfig.DEFAULT : hnswConfig;
        optimizerConfig = optimizerConfig == null ? OptimizersConfig.DEFAULT : optimizerConfig;
        walConfig = walConfig == null ? WalConfig.DEFAULT : walConfig;
        metadata = metadata == null ? JsonNodeFactory.instance.objectNode() : metadata.deepCopy();
        strictMode = strictMode == null ? StrictModeConfig.DISABLED : strictMode;
    }

    /** A config whose points never expire. */
    public CollectionConfig(
            CollectionParams params,
            HnswConfig hnswConfig,
            OptimizersConfig optimizerConfig,
            WalConfig walConfig,
            QuantizationConfig quantizationConfig,
            ObjectNode metadata,
            StrictModeConfig strictMode) {
        this(params, hnswConfig, optimizerConfig, walConfig, quantizationConfig, metadata, strictMode, null);
    }

    /** A config without strict mode settings. */
    public CollectionConfig(
            CollectionParams params,
            HnswConfig hnswConfig,
            OptimizersConfig optimizerConfig,
            WalConfig walConfig,
            QuantizationConfig quantizationConfig,
            ObjectNode metadata) {
        this(params, hnswConfig, optimizerConfig, walConfig, quantizationConfig, metadata, null);
    }

    /** This config with other strict mode settings. */
    public CollectionConfig withStrictMode(StrictModeConfig next) {
        return new CollectionConfig(
                params, hnswConfig, optimizerConfig, walConfig, quantizationConfig, metadata, next, ttl);
    }

    /** This config with other params (vectors, sharding). */
    public CollectionConfig withParams(CollectionParams next) {
        return new CollectionConfig(
                next, hnswConfig, optimizerConfig, walConfig, quantizationConfig, metadata, strictMode, ttl);
    }

    /** This config with other point expiry settings (null: points never expire). */
    public CollectionConfig withTtl(io.sextant.segment.config.TtlSpec next) {
        return new CollectionConfig(
                params, hnswConfig, optimizerConfig, walConfig, quantizationConfig, metadata, strictMode, next);
    }

    /** A config with defaults for everything but the params. */
    public static CollectionConfig of(CollectionParams params) {
        return new CollectionConfig(params, null, null, null, null, null);
    }

    /** Returns a copy of the metadata (the record's own copy must never be mutated). */
    @Override
    public ObjectNode metadata() {
        return metadata.deepCopy();
    }

    /** The vector's params, or null when the collection has no vector of that name. */
    public VectorParams vector(String name) {
        return params.vectors().get(name);
    }

    /** The sparse vector's params, or null when the collection has no sparse vector of that name. */
    public SparseVectorParams sparseVector(String name) {
        return params.sparseVectors().get(name);
    }

    /** The effective HNSW config of a vector: the collection's with the vector's overrides. */
    public HnswConfig effectiveHnsw(String vectorName) {
        VectorParams v = vector(vectorName);
        return v == null || v.hnswConfig() == null ? hnswConfig : v.hnswConfig().applyTo(hnswConfig);
    }

    /**
     * Qdrant's configuration warnings (collection info {@code warnings}): {@code
     * hnsw_config.inline_storage} is ignored for multivectors and without quantization.
     */
    public java.util.List<String> warnings() {
        java.util.List<String> out = new java.util.ArrayList<>();
        params.vectors().forEach((name, v) -> {
            if (!Boolean.TRUE.equals(effectiveHnsw(name).inlineStorage())) {
                return;
            }
            if (v.multivectorConfig() != null) {
                out.add("The `hnsw_config.inline_storage` option for vector '" + name
                        + "' is not compatible with multivectors. This option will be ignored.");
            } else if (v.quantizationConfig() == null && quantizationConfig == null) {
                out.add("The `hnsw_config.inline_storage` option for vector '" + name
                        + "' requires quantization to be enabled. This option will be ignored.");
            }
        });
        return out;
    }

    /** What the shards need to know. */
    public ShardConfig toShardConfig() {
        Map<String, VectorSpec> specs = new LinkedHashMap<>();
        params.vectors().forEach((name, v) -> {
            HnswConfig h = effectiveHnsw(name);
            QuantizationConfig q = v.quantizationConfig() != null ? v.quantizationConfig() : quantizationConfig;
            specs.put(
                    name,
                    new VectorSpec(
                            v.size(),
                            v.distance(),
                            v.isOnDisk(),
                            new HnswSpec(
                                    h.m(),
                                    h.efConstruct(),
                                    h.fullScanThreshold(),
                                    h.maxIndexingThreads(),
                                    h.onDisk(),
                                    h.payloadM(),
                                    h.memory()),
                            toQuantizerSpec(q),
                            v.elementType(),
                            v.multivectorConfig(),
                            v.memory(),
                            q == null ? null : q.memory()));
        });
        Map<String, SparseVectorSpec> sparse = new LinkedHashMap<>();
        params.sparseVectors().forEach((name, v) -> sparse.put(name, v.toSpec()));
        return new ShardConfig(
                specs,
                sparse,
                optimizerConfig.toShardSettings(),
                walConfig.toShardSettings(),
                params.effectivePayloadMemory(),
                ttl);
    }

    /** The codec spec of a quantization config, with Qdrant's defaults; null for none. */
    static QuantizerSpec toQuantizerSpec(QuantizationConfig q) {
        return switch (q) {
            case null -> null;
            case QuantizationConfig.Scalar s ->
                new QuantizerSpec.Scalar(s.quantile() == null ? 1f : s.quantile(), Boolean.TRUE.equals(s.alwaysRam()));
            case QuantizationConfig.Binary b ->
                new QuantizerSpec.Binary(
                        b.encoding() == null
                                ? BinaryQuantizer.Encoding.ONE_BIT
                                : BinaryQuantizer.Encoding.valueOf(b.encoding().toUpperCase(java.util.Locale.ROOT)),
                        b.queryEncoding() == null
                                ? BinaryQuantizer.QueryEncoding.DEFAULT
                                : BinaryQuantizer.QueryEncoding.valueOf(
                                        b.queryEncoding().toUpperCase(java.util.Locale.ROOT)),
                        Boolean.TRUE.equals(b.alwaysRam()));
            case QuantizationConfig.Product p ->
                new QuantizerSpec.Product(p.compression(), Boolean.TRUE.equals(p.alwaysRam()));
            case QuantizationConfig.Turbo t ->
                new QuantizerSpec.Turbo(
                        TurboQuantizer.Bits.fromWireName(
                                t.bits() == null ? QuantizationConfig.Turbo.DEFAULT_BITS : t.bits()),
                        Boolean.TRUE.equals(t.alwaysRam()));
        };
    }

    /** Applies a PATCH, returning the new config; validates the result. */
    public CollectionConfig apply(CollectionConfigPatch patch) {
        return patch.applyTo(this);
    }
}
