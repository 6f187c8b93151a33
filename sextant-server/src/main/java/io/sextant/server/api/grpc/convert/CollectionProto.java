package io.sextant.server.api.grpc.convert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qdrant.client.grpc.Collections;
import io.sextant.collection.AliasOperation;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionConfigPatch;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.HnswConfig;
import io.sextant.collection.config.OptimizersConfig;
import io.sextant.collection.config.QuantizationConfig;
import io.sextant.collection.config.ReadFanOut;
import io.sextant.collection.config.SparseVectorParams;
import io.sextant.collection.config.VectorDatatype;
import io.sextant.collection.config.VectorParams;
import io.sextant.collection.config.WalConfig;
import io.sextant.segment.config.MultiVectorComparator;
import io.sextant.vector.Distance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collection requests from the gRPC wire: {@code CreateCollection} to a full {@link
 * CollectionConfig} (defaults as over REST: one shard, payload on disk), {@code UpdateCollection}
 * to a {@link CollectionConfigPatch}, and alias actions. {@code sparse_vectors_config} gives the
 * named sparse vectors (a collection may have only those); in an update it patches existing ones.
 * Multi-vectors, custom sharding and TurboQuant are refused as unsupported; value ranges are checked by the config
 * records, whose {@link IllegalArgumentException}s become {@code INVALID_ARGUMENT}. The reverse
 * direction (collection info) is {@link CollectionInfoProto}. Stateless and thread-safe.
 */
public final class CollectionProto {

    private CollectionProto() {}

    public static CollectionConfig create(Collections.CreateCollection r) {
        return create(r, io.sextant.server.api.convert.CollectionDefaults.QDRANT);
    }

    /** {@code Collections/Create} over a node's {@code defaults} for what the request leaves out. */
    public static CollectionConfig create(
            Collections.CreateCollection r, io.sextant.server.api.convert.CollectionDefaults defaults) {
        Map<String, VectorParams> vectors = new LinkedHashMap<>();
        boolean unnamed = false;
        if (r.hasVectorsConfig()) {
            Collections.VectorsConfig vc = r.getVectorsConfig();
            switch (vc.getConfigCase()) {
                case PARAMS -> {
                    unnamed = true;
                    vectors.put("", vectorParams(vc.getParams(), "vectors_config.params"));
                }
                case PARAMS_MAP -> {
                    for (var e : vc.getParamsMap().getMapMap().entrySet()) {
                        if (e.getKey().isEmpty()) {
                            throw ProtoChecks.bad("vectors_config.params_map", "vector names must not be empty");
                        }
                        vectors.put(e.getKey(), vectorParams(e.getValue(), "vectors_config.params_map." + e.getKey()));
                    }
                }
                case CONFIG_NOT_SET -> {}
            }
        }
        Map<String, SparseVectorParams> sparse =
                r.hasSparseVectorsConfig() ? sparseVectors(r.getSparseVectorsConfig()) : Map.of();
        try {
            CollectionParams params = new CollectionParams(
                            vectors,
                            unnamed,
                            r.hasShardNumber() ? ProtoChecks.toInt(r.getShardNumber(), "shard_number") : 1,
                            r.hasReplicationFactor()
                                    ? ProtoChecks.toInt(r.getReplicationFactor(), "replication_factor")
                                    : defaults.replicationFactor(),
                            r.hasWriteConsistencyFactor()
                                    ? ProtoChecks.toInt(r.getWriteConsistencyFactor(), "write_consistency_factor")
                                    : defaults.writeConsistencyFactor(),
                            r.hasOnDiskPayload() ? r.getOnDiskPayload() : defaults.onDiskPayload(),
                            sparse)
                    .withCustomSharding(
                            r.hasShardingMethod() && r.getShardingMethod() == Collections.ShardingMethod.Custom);
            HnswConfig hnsw =
                    r.hasHnswConfig() ? hnswDiff(r.getHnswConfig()).applyTo(defaults.hnsw()) : defaults.hnsw();
            OptimizersConfig opt = r.hasOptimizersConfig()
                    ? optimizersDiff(r.getOptimizersConfig()).applyTo(defaults.optimizers())
                    : defaults.optimizers();
            WalConfig wal = r.hasWalConfig() ? walDiff(r.getWalConfig()).applyTo(defaults.wal()) : defaults.wal();
            QuantizationConfig q =
                    r.hasQuantizationConfig() ? quantization(r.getQuantizationConfig(), "quantization_config") : null;
            ObjectNode metadata = r.getMetadataCount() > 0 ? ValueProto.toObject(r.getMetadataMap()) : null;
            return new CollectionConfig(params, hnsw, opt, wal, q, metadata);
        } catch (IllegalArgumentException e) {
            throw ProtoChecks.bad("", e.getMessage());
        }
    }

    public static CollectionConfigPatch update(Collections.UpdateCollection r) {
        Map<String, SparseVectorParams> sparse =
                r.hasSparseVectorsConfig() ? sparseVectors(r.getSparseVectorsConfig()) : null;
        try {
            Map<String, VectorParams.Diff> vectors = new LinkedHashMap<>();
            if (r.hasVectorsConfig()) {
                Collections.VectorsConfigDiff vc = r.getVectorsConfig();
                switch (vc.getConfigCase()) {
                    case PARAMS -> vectors.put("", vectorDiff(vc.getParams(), "vectors_config.params"));
                    case PARAMS_MAP ->
                        vc.getParamsMap()
                                .getMapMap()
                                .forEach((name, d) ->
                                        vectors.put(name, vectorDiff(d, "vectors_config.params_map." + name)));
                    case CONFIG_NOT_SET -> {}
                }
            }
            CollectionParams.Diff params = null;
            if (r.hasParams()) {
                Collections.CollectionParamsDiff p = r.getParams();
                params = new CollectionParams.Diff(
                        p.hasReplicationFactor()
                                ? ProtoChecks.toInt(p.getReplicationFactor(), "replication_factor")
                                : null,
                        p.hasWriteConsistencyFactor()
                                ? ProtoChecks.toInt(p.getWriteConsistencyFactor(), "write_consistency_factor")
                                : null,
                        p.hasOnDiskPayload() ? p.getOnDiskPayload() : null,
                        null,
                        new ReadFanOut(
                                p.hasReadFanOutFactor()
                                        ? ProtoChecks.toInt(p.getReadFanOutFactor(), "read_fan_out_factor")
                                        : null,
                                p.hasReadFanOutDelayMs() ? p.getReadFanOutDelayMs() : null));
            }
            QuantizationConfig q = null;
            boolean disable = false;
            if (r.hasQuantizationConfig()) {
                Collections.QuantizationConfigDiff d = r.getQuantizationConfig();
                disable = d.hasDisabled();
                q = disable ? null : quantizationDiff(d, "quantization_config");
            }
            return new CollectionConfigPatch(
                    vectors,
                    params,
                    r.hasHnswConfig() ? hnswDiff(r.getHnswConfig()) : null,
                    r.hasOptimizersConfig() ? optimizersDiff(r.getOptimizersConfig()) : null,
                    q,
                    disable,
                    r.getMetadataCount() > 0 ? ValueProto.toObject(r.getMetadataMap()) : null,
                    sparse);
        } catch (IllegalArgumentException e) {
            throw ProtoChecks.bad("", e.getMessage());
        }
    }

    public static List<AliasOperation> aliases(Collections.ChangeAliases r) {
        List<AliasOperation> out = new ArrayList<>();
        for (int i = 0; i < r.getActionsCount(); i++) {
            Collections.AliasOperations a = r.getActions(i);
            out.add(
                    switch (a.getActionCase()) {
                        case CREATE_ALIAS ->
                            new AliasOperation.Create(
                                    a.getCreateAlias().getCollectionName(),
                                    a.getCreateAlias().getAliasName());
                        case RENAME_ALIAS ->
                            new AliasOperation.Rename(
                                    a.getRenameAlias().getOldAliasName(),
                                    a.getRenameAlias().getNewAliasName());
                        case DELETE_ALIAS ->
                            new AliasOperation.Delete(a.getDeleteAlias().getAliasName());
                        case ACTION_NOT_SET -> throw ProtoChecks.bad("actions[" + i + "]", "alias action is empty");
                    });
        }
        return out;
    }

    // ---------------------------------------------------------------- parts

    private static VectorParams vectorParams(Collections.VectorParams p, String field) {
        // MultiVectorComparator has one value, MaxSim (0)
        MultiVectorComparator multi = p.hasMultivectorConfig() ? MultiVectorComparator.MAX_SIM : null;
        try {
            return new VectorParams(
                    ProtoChecks.toInt(p.getSize(), field + ".size"),
                    distance(p.getDistance(), field + ".distance"),
                    p.hasOnDisk() ? p.getOnDisk() : null,
                    p.hasHnswConfig() ? hnswDiff(p.getHnswConfig()) : null,
                    p.hasQuantizationConfig()
                            ? quantization(p.getQuantizationConfig(), field + ".quantization_config")
                            : null,
                    p.hasDatatype() ? datatype(p.getDatatype()) : null,
                    multi,
                    null);
        } catch (IllegalArgumentException e) {
            throw ProtoChecks.bad(field, e.getMessage());
        }
    }

    /**
     * {@code SparseVectorConfig}: params by name. Unset fields stay null (as a PATCH they keep the
     * current value); datatype {@code Default} is unset and an unknown modifier is ignored, as in
     * Qdrant.
     */
    static Map<String, SparseVectorParams> sparseVectors(Collections.SparseVectorConfig c) {
        Map<String, SparseVectorParams> out = new LinkedHashMap<>();
        c.getMapMap().forEach((name, p) -> {
            String field = "sparse_vectors_config." + name;
            if (name.isEmpty()) {
                throw ProtoChecks.bad("sparse_vectors_config", "Sparse vector name must not be empty");
            }
            Collections.SparseIndexConfig idx = p.getIndex();
            try {
                out.put(
                        name,
                        new SparseVectorParams(
                                idx.hasFullScanThreshold()
                                        ? ProtoChecks.toInt(
                                                idx.getFullScanThreshold(), field + ".index.full_scan_threshold")
                                        : null,
                                idx.hasOnDisk() ? idx.getOnDisk() : null,
                                idx.hasDatatype() ? sparseDatatype(idx, field + ".index.datatype") : null,
                                p.hasModifier() ? modifier(p.getModifier()) : null));
            } catch (IllegalArgumentException e) {
                throw ProtoChecks.bad(field, e.getMessage());
            }
        });
        return out;
    }

    private static VectorDatatype sparseDatatype(Collections.SparseIndexConfig idx, String field) {
        return switch (idx.getDatatype()) {
            case Float32 -> VectorDatatype.FLOAT32;
            case Float16 -> VectorDatatype.FLOAT16;
            case Uint8 -> VectorDatatype.UINT8;
            case Default -> null;
            case UNRECOGNIZED -> throw ProtoChecks.bad(field, "Cannot convert datatype: " + idx.getDatatypeValue());
        };
    }

    private static SparseVectorParams.Modifier modifier(Collections.Modifier m) {
        return switch (m) {
            case None -> SparseVectorParams.Modifier.NONE;
            case Idf -> SparseVectorParams.Modifier.IDF;
            case UNRECOGNIZED -> null;
        };
    }

    private static VectorParams.Diff vectorDiff(Collections.VectorParamsDiff d, String field) {
        QuantizationConfig q = null;
        boolean disable = false;
        if (d.hasQuantizationConfig()) {
            disable = d.getQuantizationConfig().hasDisabled();
            q = disable ? null : quantizationDiff(d.getQuantizationConfig(), field + ".quantization_config");
        }
        return new VectorParams.Diff(
                d.hasOnDisk() ? d.getOnDisk() : null,
                d.hasHnswConfig() ? hnswDiff(d.getHnswConfig()) : null,
                q,
                disable);
    }

    static Distance distance(Collections.Distance d, String field) {
        return switch (d) {
            case Cosine -> Distance.COSINE;
            case Euclid -> Distance.EUCLID;
            case Dot -> Distance.DOT;
            case Manhattan -> Distance.MANHATTAN;
            case UnknownDistance, UNRECOGNIZED ->
                throw ProtoChecks.bad(field, "distance must be one of Cosine, Euclid, Dot, Manhattan");
        };
    }

    private static VectorDatatype datatype(Collections.Datatype d) {
        return switch (d) {
            case Float16 -> VectorDatatype.FLOAT16;
            case Uint8 -> VectorDatatype.UINT8;
            case Float32, Default, UNRECOGNIZED -> VectorDatatype.FLOAT32;
        };
    }

    static HnswConfig.Diff hnswDiff(Collections.HnswConfigDiff h) {
        return new HnswConfig.Diff(
                h.hasM() ? ProtoChecks.toInt(h.getM(), "hnsw_config.m") : null,
                h.hasEfConstruct() ? ProtoChecks.toInt(h.getEfConstruct(), "hnsw_config.ef_construct") : null,
                h.hasFullScanThreshold()
                        ? ProtoChecks.toInt(h.getFullScanThreshold(), "hnsw_config.full_scan_threshold")
                        : null,
                h.hasMaxIndexingThreads()
                        ? ProtoChecks.toInt(h.getMaxIndexingThreads(), "hnsw_config.max_indexing_threads")
                        : null,
                h.hasOnDisk() ? h.getOnDisk() : null,
                h.hasPayloadM() ? ProtoChecks.toInt(h.getPayloadM(), "hnsw_config.payload_m") : null);
    }

    @SuppressWarnings("deprecation")
    static OptimizersConfig.Diff optimizersDiff(Collections.OptimizersConfigDiff o) {
        Integer threads = null;
        if (o.hasMaxOptimizationThreads()) {
            var m = o.getMaxOptimizationThreads();
            // the setting "auto" (or no value) sets it back to automatic
            threads = m.hasValue()
                    ? ProtoChecks.toInt(m.getValue(), "optimizers_config.max_optimization_threads")
                    : OptimizersConfig.Diff.AUTO_THREADS;
        } else if (o.hasDeprecatedMaxOptimizationThreads()) {
            threads = ProtoChecks.toInt(
                    o.getDeprecatedMaxOptimizationThreads(), "optimizers_config.max_optimization_threads");
        }
        return new OptimizersConfig.Diff(
                o.hasDeletedThreshold() ? o.getDeletedThreshold() : null,
                o.hasVacuumMinVectorNumber()
                        ? ProtoChecks.toInt(o.getVacuumMinVectorNumber(), "optimizers_config.vacuum_min_vector_number")
                        : null,
                o.hasDefaultSegmentNumber()
                        ? ProtoChecks.toInt(o.getDefaultSegmentNumber(), "optimizers_config.default_segment_number")
                        : null,
                o.hasMaxSegmentSize() ? o.getMaxSegmentSize() : null,
                o.hasMemmapThreshold() ? o.getMemmapThreshold() : null,
                o.hasIndexingThreshold() ? o.getIndexingThreshold() : null,
                o.hasFlushIntervalSec() ? o.getFlushIntervalSec() : null,
                threads,
                o.hasPreventUnoptimized() ? o.getPreventUnoptimized() : null);
    }

    private static WalConfig.Diff walDiff(Collections.WalConfigDiff w) {
        return new WalConfig.Diff(
                w.hasWalCapacityMb() ? ProtoChecks.toInt(w.getWalCapacityMb(), "wal_config.wal_capacity_mb") : null,
                w.hasWalSegmentsAhead()
                        ? ProtoChecks.toInt(w.getWalSegmentsAhead(), "wal_config.wal_segments_ahead")
                        : null,
                w.hasWalRetainClosed()
                        ? ProtoChecks.toInt(w.getWalRetainClosed(), "wal_config.wal_retain_closed")
                        : null);
    }

    static QuantizationConfig quantization(Collections.QuantizationConfig q, String field) {
        return switch (q.getQuantizationCase()) {
            case SCALAR -> scalar(q.getScalar());
            case PRODUCT -> product(q.getProduct());
            case BINARY -> binary(q.getBinary());
            case TURBOQUANT -> turbo(q.getTurboquant());
            case QUANTIZATION_NOT_SET -> throw ProtoChecks.bad(field, "quantization config is empty");
        };
    }

    private static QuantizationConfig quantizationDiff(Collections.QuantizationConfigDiff q, String field) {
        return switch (q.getQuantizationCase()) {
            case SCALAR -> scalar(q.getScalar());
            case PRODUCT -> product(q.getProduct());
            case BINARY -> binary(q.getBinary());
            case TURBOQUANT -> turbo(q.getTurboquant());
            case DISABLED, QUANTIZATION_NOT_SET -> null;
        };
    }

    private static QuantizationConfig scalar(Collections.ScalarQuantization s) {
        return new QuantizationConfig.Scalar(
                s.hasQuantile() ? s.getQuantile() : null, s.hasAlwaysRam() ? s.getAlwaysRam() : null);
    }

    private static QuantizationConfig product(Collections.ProductQuantization p) {
        int ratio =
                switch (p.getCompression()) {
                    case x4 -> 4;
                    case x8 -> 8;
                    case x16 -> 16;
                    case x32 -> 32;
                    case x64 -> 64;
                    case UNRECOGNIZED -> 0;
                };
        return new QuantizationConfig.Product(ratio, p.hasAlwaysRam() ? p.getAlwaysRam() : null);
    }

    private static QuantizationConfig binary(Collections.BinaryQuantization b) {
        String encoding = !b.hasEncoding()
                ? null
                : switch (b.getEncoding()) {
                    case OneBit -> "one_bit";
                    case TwoBits -> "two_bits";
                    case OneAndHalfBits -> "one_and_half_bits";
                    case UNRECOGNIZED -> "unknown";
                };
        String query = !b.hasQueryEncoding()
                ? null
                : switch (b.getQueryEncoding().getSetting()) {
                    case Default -> "default";
                    case Binary -> "binary";
                    case Scalar4Bits -> "scalar4bits";
                    case Scalar8Bits -> "scalar8bits";
                    case UNRECOGNIZED -> "unknown";
                };
        return new QuantizationConfig.Binary(b.hasAlwaysRam() ? b.getAlwaysRam() : null, encoding, query);
    }

    private static QuantizationConfig turbo(Collections.TurboQuantization t) {
        String bits = !t.hasBits()
                ? null
                : switch (t.getBits()) {
                    case Bits1 -> "bits1";
                    case Bits1_5 -> "bits1_5";
                    case Bits2 -> "bits2";
                    case Bits4 -> "bits4";
                    case UNRECOGNIZED -> "unknown";
                };
        return new QuantizationConfig.Turbo(bits, t.hasAlwaysRam() ? t.getAlwaysRam() : null);
    }
}
