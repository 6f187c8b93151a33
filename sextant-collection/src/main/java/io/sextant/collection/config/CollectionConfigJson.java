package io.sextant.collection.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.strict.StrictModeConfigJson;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.MultiVectorComparator;
import io.sextant.vector.Distance;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Converts {@link CollectionConfig} to and from JSON in Qdrant's {@code CollectionConfig} shape
 * ({@code params}, {@code hnsw_config}, {@code optimizer_config}, {@code wal_config}, {@code
 * quantization_config}, {@code metadata}). Used for the persisted {@code config.json}; the API
 * layer may use it to render collection info. Stateless and thread-safe.
 */
public final class CollectionConfigJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private CollectionConfigJson() {}

    public static ObjectNode toJson(CollectionConfig c) {
        ObjectNode root = F.objectNode();
        ObjectNode params = root.putObject("params");
        CollectionParams p = c.params();
        if (p.unnamedVector()) {
            params.set("vectors", vectorToJson(p.vectors().get("")));
        } else {
            ObjectNode vs = params.putObject("vectors");
            p.vectors().forEach((name, v) -> vs.set(name, vectorToJson(v)));
        }
        if (!p.sparseVectors().isEmpty()) {
            ObjectNode sv = params.putObject("sparse_vectors");
            p.sparseVectors().forEach((name, v) -> sv.set(name, sparseToJson(v)));
        }
        params.put("shard_number", p.shardNumber());
        if (p.customSharding()) {
            params.put("sharding_method", "custom");
        }
        params.put("replication_factor", p.replicationFactor());
        params.put("write_consistency_factor", p.writeConsistencyFactor());
        params.put("on_disk_payload", p.onDiskPayload());
        if (p.readFanOut().factor() != null) {
            params.put("read_fan_out_factor", p.readFanOut().factor());
        }
        if (p.readFanOut().delayMs() != null) {
            params.put("read_fan_out_delay_ms", p.readFanOut().delayMs());
        }
        if (p.payloadMemory() != null) {
            params.putObject("payload").put("memory", p.payloadMemory().wireName());
        }
        root.set("hnsw_config", hnswToJson(c.hnswConfig()));
        OptimizersConfig o = c.optimizerConfig();
        ObjectNode opt = root.putObject("optimizer_config");
        opt.put("deleted_threshold", o.deletedThreshold());
        opt.put("vacuum_min_vector_number", o.vacuumMinVectorNumber());
        opt.put("default_segment_number", o.defaultSegmentNumber());
        putNullable(opt, "max_segment_size", o.maxSegmentSize());
        putNullable(opt, "memmap_threshold", o.memmapThreshold());
        opt.put("indexing_threshold", o.indexingThreshold());
        opt.put("flush_interval_sec", o.flushIntervalSec());
        putNullable(opt, "max_optimization_threads", o.maxOptimizationThreads());
        if (o.preventUnoptimized() != null) {
            opt.put("prevent_unoptimized", o.preventUnoptimized());
        }
        ObjectNode wal = root.putObject("wal_config");
        wal.put("wal_capacity_mb", c.walConfig().walCapacityMb());
        wal.put("wal_segments_ahead", c.walConfig().walSegmentsAhead());
        wal.put("wal_retain_closed", c.walConfig().walRetainClosed());
        root.set("quantization_config", quantizationToJson(c.quantizationConfig()));
        root.set("metadata", c.metadata());
        root.set("strict_mode_config", StrictModeConfigJson.toJson(c.strictMode()));
        if (c.ttl() != null) { // Sextant's own: shown only when set, so Qdrant's shape is unchanged otherwise
            root.set("ttl_config", ttlToJson(c.ttl()));
        }
        return root;
    }

    /** {@code {"field": ..., "default_ttl_sec": ... | null}}. */
    public static ObjectNode ttlToJson(io.sextant.segment.config.TtlSpec t) {
        ObjectNode n = F.objectNode();
        n.put("field", t.field());
        putNullable(n, "default_ttl_sec", t.defaultTtlSec());
        return n;
    }

    /**
     * A {@code ttl_config} object: {@code field} (a non-empty string, required) and {@code
     * default_ttl_sec} (a positive integer or null); null for JSON null.
     *
     * @throws IllegalArgumentException naming the bad field
     */
    public static io.sextant.segment.config.TtlSpec ttlFromJson(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("ttl_config must be an object");
        }
        for (var e : n.properties()) {
            if (!e.getKey().equals("field") && !e.getKey().equals("default_ttl_sec")) {
                throw new IllegalArgumentException("ttl_config: unknown field " + e.getKey());
            }
        }
        JsonNode field = n.path("field");
        if (!field.isTextual()) {
            throw new IllegalArgumentException("ttl_config.field must be a string");
        }
        JsonNode ttl = n.path("default_ttl_sec");
        Long sec = null;
        if (!ttl.isMissingNode() && !ttl.isNull()) {
            if (!ttl.canConvertToExactIntegral() || !ttl.canConvertToLong()) {
                throw new IllegalArgumentException("ttl_config.default_ttl_sec must be an integer");
            }
            sec = ttl.asLong();
        }
        return new io.sextant.segment.config.TtlSpec(field.asText(), sec);
    }

    public static CollectionConfig fromJson(JsonNode root) {
        JsonNode params = req(root, "params");
        JsonNode vectors = params.path("vectors");
        boolean unnamed = vectors.has("size");
        Map<String, VectorParams> vs = new LinkedHashMap<>();
        if (unnamed) {
            vs.put("", vectorFromJson(vectors));
        } else {
            vectors.properties().forEach(e -> vs.put(e.getKey(), vectorFromJson(e.getValue())));
        }
        Map<String, SparseVectorParams> sparse = new LinkedHashMap<>();
        params.path("sparse_vectors").properties().forEach(e -> sparse.put(e.getKey(), sparseFromJson(e.getValue())));
        CollectionParams p = new CollectionParams(
                vs,
                unnamed,
                params.path("shard_number").asInt(1),
                params.path("replication_factor").asInt(1),
                params.path("write_consistency_factor").asInt(1),
                params.path("on_disk_payload").asBoolean(true),
                sparse,
                memory(params.path("payload"), "memory"),
                new ReadFanOut(integer(params, "read_fan_out_factor"), lng(params, "read_fan_out_delay_ms")),
                "custom".equals(params.path("sharding_method").asText("auto")));
        JsonNode h = root.path("hnsw_config");
        HnswConfig hnsw = h.isObject() ? hnswDiffFromJson(h).applyTo(HnswConfig.DEFAULT) : HnswConfig.DEFAULT;
        JsonNode o = root.path("optimizer_config");
        OptimizersConfig opt = OptimizersConfig.DEFAULT;
        if (o.isObject()) {
            opt = new OptimizersConfig.Diff(
                            dbl(o, "deleted_threshold"),
                            integer(o, "vacuum_min_vector_number"),
                            integer(o, "default_segment_number"),
                            lng(o, "max_segment_size"),
                            lng(o, "memmap_threshold"),
                            lng(o, "indexing_threshold"),
                            lng(o, "flush_interval_sec"),
                            integer(o, "max_optimization_threads"),
                            bool(o, "prevent_unoptimized"))
                    .applyTo(OptimizersConfig.DEFAULT);
        }
        JsonNode w = root.path("wal_config");
        WalConfig wal = w.isObject()
                ? new WalConfig.Diff(
                                integer(w, "wal_capacity_mb"),
                                integer(w, "wal_segments_ahead"),
                                integer(w, "wal_retain_closed"))
                        .applyTo(WalConfig.DEFAULT)
                : WalConfig.DEFAULT;
        QuantizationConfig q = quantizationFromJson(root.path("quantization_config"));
        JsonNode meta = root.path("metadata");
        JsonNode strict = root.path("strict_mode_config");
        return new CollectionConfig(
                p,
                hnsw,
                opt,
                wal,
                q,
                meta.isObject() ? (ObjectNode) meta : null,
                strict.isObject() ? StrictModeConfigJson.fromJson(strict, "strict_mode_config") : null,
                ttlFromJson(root.get("ttl_config")));
    }

    public static ObjectNode vectorToJson(VectorParams v) {
        ObjectNode n = F.objectNode();
        n.put("size", v.size());
        n.put("distance", v.distance().wireName());
        if (v.hnswConfig() != null) {
            n.set("hnsw_config", hnswDiffToJson(v.hnswConfig()));
        }
        if (v.quantizationConfig() != null) {
            n.set("quantization_config", quantizationToJson(v.quantizationConfig()));
        }
        if (v.onDisk() != null) {
            n.put("on_disk", v.onDisk());
        }
        if (v.memory() != null) {
            n.put("memory", v.memory().wireName());
        }
        if (v.datatype() != null) {
            n.put("datatype", v.datatype().wireName());
        }
        if (v.multivectorConfig() != null) {
            n.putObject("multivector_config")
                    .put("comparator", v.multivectorConfig().wireName());
        }
        return n;
    }

    public static VectorParams vectorFromJson(JsonNode n) {
        JsonNode h = n.path("hnsw_config");
        return new VectorParams(
                req(n, "size").asInt(),
                Distance.fromWireName(req(n, "distance").asText()),
                bool(n, "on_disk"),
                h.isObject() ? hnswDiffFromJson(h) : null,
                quantizationFromJson(n.path("quantization_config")),
                n.hasNonNull("datatype")
                        ? VectorDatatype.fromWireName(n.get("datatype").asText())
                        : null,
                n.path("multivector_config").hasNonNull("comparator")
                        ? MultiVectorComparator.fromWireName(
                                n.path("multivector_config").get("comparator").asText())
                        : null,
                memory(n, "memory"));
    }

    /** Qdrant's shape: {@code {"index": {...}, "modifier": "idf"}}, unset fields omitted. */
    public static ObjectNode sparseToJson(SparseVectorParams v) {
        ObjectNode n = F.objectNode();
        if (v.hasIndexParams()) {
            ObjectNode idx = n.putObject("index");
            if (v.fullScanThreshold() != null) {
                idx.put("full_scan_threshold", v.fullScanThreshold());
            }
            if (v.onDisk() != null) {
                idx.put("on_disk", v.onDisk());
            }
            if (v.memory() != null) {
                idx.put("memory", v.memory().wireName());
            }
            if (v.datatype() != null) {
                idx.put("datatype", v.datatype().wireName());
            }
        }
        if (v.modifier() != null) {
            n.put("modifier", v.modifier().wireName());
        }
        return n;
    }

    public static SparseVectorParams sparseFromJson(JsonNode n) {
        JsonNode idx = n.path("index");
        return new SparseVectorParams(
                integer(idx, "full_scan_threshold"),
                bool(idx, "on_disk"),
                idx.hasNonNull("datatype")
                        ? VectorDatatype.fromWireName(idx.get("datatype").asText())
                        : null,
                n.hasNonNull("modifier")
                        ? SparseVectorParams.Modifier.fromWireName(
                                n.get("modifier").asText())
                        : null,
                memory(idx, "memory"));
    }

    public static ObjectNode hnswToJson(HnswConfig h) {
        ObjectNode n = F.objectNode();
        n.put("m", h.m());
        n.put("ef_construct", h.efConstruct());
        n.put("full_scan_threshold", h.fullScanThreshold());
        n.put("max_indexing_threads", h.maxIndexingThreads());
        n.put("on_disk", h.onDisk());
        putMemory(n, h.memory());
        if (h.payloadM() != null) {
            n.put("payload_m", h.payloadM());
        }
        if (h.inlineStorage() != null) {
            n.put("inline_storage", h.inlineStorage());
        }
        return n;
    }

    public static ObjectNode hnswDiffToJson(HnswConfig.Diff h) {
        ObjectNode n = F.objectNode();
        putNullable(n, "m", h.m());
        putNullable(n, "ef_construct", h.efConstruct());
        putNullable(n, "full_scan_threshold", h.fullScanThreshold());
        putNullable(n, "max_indexing_threads", h.maxIndexingThreads());
        if (h.onDisk() != null) {
            n.put("on_disk", h.onDisk());
        }
        putMemory(n, h.memory());
        putNullable(n, "payload_m", h.payloadM());
        if (h.inlineStorage() != null) {
            n.put("inline_storage", h.inlineStorage());
        }
        n.properties().removeIf(e -> e.getValue().isNull());
        return n;
    }

    public static HnswConfig.Diff hnswDiffFromJson(JsonNode h) {
        return new HnswConfig.Diff(
                integer(h, "m"),
                integer(h, "ef_construct"),
                integer(h, "full_scan_threshold"),
                integer(h, "max_indexing_threads"),
                bool(h, "on_disk"),
                integer(h, "payload_m"),
                memory(h, "memory"),
                bool(h, "inline_storage"));
    }

    /**
     * Qdrant's shape: {@code {"scalar": {...}}}, {@code {"binary": {...}}}, {@code {"product": {...}}},
     * {@code {"turbo": {...}}} or null.
     */
    public static JsonNode quantizationToJson(QuantizationConfig q) {
        if (q == null) {
            return F.nullNode();
        }
        ObjectNode n = F.objectNode();
        switch (q) {
            case QuantizationConfig.Scalar s -> {
                ObjectNode b = n.putObject("scalar");
                b.put("type", "int8");
                if (s.quantile() != null) {
                    b.put("quantile", s.quantile());
                }
                if (s.alwaysRam() != null) {
                    b.put("always_ram", s.alwaysRam());
                }
                putMemory(b, s.memory());
            }
            case QuantizationConfig.Binary bq -> {
                ObjectNode b = n.putObject("binary");
                if (bq.alwaysRam() != null) {
                    b.put("always_ram", bq.alwaysRam());
                }
                putMemory(b, bq.memory());
                if (bq.encoding() != null) {
                    b.put("encoding", bq.encoding());
                }
                if (bq.queryEncoding() != null) {
                    b.put("query_encoding", bq.queryEncoding());
                }
            }
            case QuantizationConfig.Product pq -> {
                ObjectNode b = n.putObject("product");
                b.put("compression", "x" + pq.compression());
                if (pq.alwaysRam() != null) {
                    b.put("always_ram", pq.alwaysRam());
                }
                putMemory(b, pq.memory());
            }
            case QuantizationConfig.Turbo tq -> {
                ObjectNode b = n.putObject("turbo");
                if (tq.bits() != null) {
                    b.put("bits", tq.bits());
                }
                if (tq.alwaysRam() != null) {
                    b.put("always_ram", tq.alwaysRam());
                }
            }
        }
        return n;
    }

    public static QuantizationConfig quantizationFromJson(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.has("scalar")) {
            JsonNode s = n.get("scalar");
            String type = s.path("type").asText("int8");
            if (!type.equals("int8")) {
                throw new IllegalArgumentException("scalar.type must be int8, got " + type);
            }
            return new QuantizationConfig.Scalar(
                    s.hasNonNull("quantile") ? (float) s.get("quantile").asDouble() : null,
                    bool(s, "always_ram"),
                    memory(s, "memory"));
        }
        if (n.has("binary")) {
            JsonNode b = n.get("binary");
            return new QuantizationConfig.Binary(
                    bool(b, "always_ram"),
                    b.hasNonNull("encoding") ? b.get("encoding").asText() : null,
                    b.hasNonNull("query_encoding") ? b.get("query_encoding").asText() : null,
                    memory(b, "memory"));
        }
        if (n.has("product")) {
            JsonNode b = n.get("product");
            String c = req(b, "compression").asText();
            int ratio;
            try {
                ratio = Integer.parseInt(c.startsWith("x") ? c.substring(1) : c);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "product.compression must be one of x4, x8, x16, x32, x64, got " + c);
            }
            return new QuantizationConfig.Product(ratio, bool(b, "always_ram"), memory(b, "memory"));
        }
        if (n.has("turbo")) {
            JsonNode t = n.get("turbo");
            if (!t.isObject()) {
                throw new IllegalArgumentException("turbo must be an object, got " + t);
            }
            JsonNode bits = t.get("bits");
            if (bits != null && !bits.isNull() && !bits.isTextual()) {
                throw new IllegalArgumentException(
                        "turbo.bits must be one of bits1, bits1_5, bits2, bits4, got " + bits);
            }
            return new QuantizationConfig.Turbo(
                    bits == null || bits.isNull() ? null : bits.asText(), bool(t, "always_ram"));
        }
        throw new IllegalArgumentException(
                "quantization_config must have one of scalar, binary, product, turbo, got " + n);
    }

    private static JsonNode req(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("Missing field `" + field + "`");
        }
        return v;
    }

    private static void putNullable(ObjectNode n, String key, Number v) {
        if (v == null) {
            n.putNull(key);
        } else if (v instanceof Long l) {
            n.put(key, l);
        } else {
            n.put(key, v.intValue());
        }
    }

    private static Integer integer(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asInt() : null;
    }

    private static Long lng(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asLong() : null;
    }

    private static Double dbl(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asDouble() : null;
    }

    /** A {@code memory} placement field; null when absent. */
    public static MemoryPlacement memory(JsonNode n, String f) {
        return n.hasNonNull(f) ? MemoryPlacement.fromWireName(n.get(f).asText()) : null;
    }

    private static void putMemory(ObjectNode n, MemoryPlacement m) {
        if (m != null) {
            n.put("memory", m.wireName());
        }
    }

    private static Boolean bool(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asBoolean() : null;
    }
}
