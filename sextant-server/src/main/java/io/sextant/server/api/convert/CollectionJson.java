package io.sextant.server.api.convert;

import static io.sextant.server.api.convert.JsonFields.child;
import static io.sextant.server.api.convert.JsonFields.describe;
import static io.sextant.server.api.convert.JsonFields.error;
import static io.sextant.server.api.convert.JsonFields.has;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.AliasOperation;
import io.sextant.collection.CollectionInfo;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionConfigJson;
import io.sextant.collection.config.CollectionConfigPatch;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.HnswConfig;
import io.sextant.collection.config.OptimizersConfig;
import io.sextant.collection.config.QuantizationConfig;
import io.sextant.collection.config.ReadFanOut;
import io.sextant.collection.config.SparseVectorParams;
import io.sextant.collection.config.VectorDatatype;
import io.sextant.collection.config.VectorParams;
import io.sextant.collection.strict.StrictModeConfig;
import io.sextant.collection.strict.StrictModeConfigJson;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.MultiVectorComparator;
import io.sextant.segment.error.UserException;
import io.sextant.vector.Distance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collection-level wire shapes: the create body ({@code PUT /collections/{c}}), the update body
 * ({@code PATCH}), alias actions, and collection info. Types are checked strictly here (Qdrant
 * answers 400 for a string where a number belongs); value ranges are checked by the config
 * records, whose {@link IllegalArgumentException}s become 400s. Stateless and thread-safe.
 */
public final class CollectionJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private enum Kind {
        UINT,
        NUMBER,
        BOOL,
        STRING,
        ANY
    }

    private static final Map<String, Kind> HNSW = Map.of(
            "m", Kind.UINT,
            "ef_construct", Kind.UINT,
            "full_scan_threshold", Kind.UINT,
            "max_indexing_threads", Kind.UINT,
            "on_disk", Kind.BOOL,
            "payload_m", Kind.UINT,
            "inline_storage", Kind.BOOL,
            "copy_vectors", Kind.BOOL,
            "memory", Kind.STRING);
    private static final Map<String, Kind> OPTIMIZERS = Map.of(
            "deleted_threshold", Kind.NUMBER,
            "vacuum_min_vector_number", Kind.UINT,
            "default_segment_number", Kind.UINT,
            "max_segment_size", Kind.UINT,
            "memmap_threshold", Kind.UINT,
            "indexing_threshold", Kind.UINT,
            "flush_interval_sec", Kind.UINT,
            "max_optimization_threads", Kind.ANY,
            "prevent_unoptimized", Kind.BOOL);
    private static final Map<String, Kind> WAL =
            Map.of("wal_capacity_mb", Kind.UINT, "wal_segments_ahead", Kind.UINT, "wal_retain_closed", Kind.UINT);

    private CollectionJson() {}

    /** Parses {@code PUT /collections/{c}} into a full config over Qdrant's defaults. */
    public static CollectionConfig parseCreate(JsonNode body) {
        return parseCreate(body, CollectionDefaults.QDRANT);
    }

    /** Parses {@code PUT /collections/{c}} into a full config over a node's {@code defaults}. */
    public static CollectionConfig parseCreate(JsonNode body, CollectionDefaults defaults) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(
                body,
                "",
                Set.of(
                        "vectors",
                        "shard_number",
                        "sharding_method",
                        "replication_factor",
                        "write_consistency_factor",
                        "on_disk_payload",
                        "payload",
                        "hnsw_config",
                        "wal_config",
                        "optimizers_config",
                        "init_from",
                        "quantization_config",
                        "quantization",
                        "sparse_vectors",
                        "strict_mode_config",
                        "metadata",
                        "ttl_config",
                        "uuid"));
        Map<String, SparseVectorParams> sparse = sparseVectors(body.get("sparse_vectors"), "sparse_vectors");
        if (has(body, "init_from")) {
            throw error("init_from", "init_from is not supported");
        }
        Map<String, VectorParams> vectors = new LinkedHashMap<>();
        boolean unnamed = false;
        JsonNode vs = body.get("vectors");
        if (vs != null && !vs.isNull()) {
            JsonFields.object(vs, "vectors");
            if (vs.has("size") || vs.has("distance")) {
                unnamed = true;
                vectors.put("", vectorParams(vs, "vectors"));
            } else {
                for (Map.Entry<String, JsonNode> e : vs.properties()) {
                    if (e.getKey().isEmpty()) {
                        throw error("vectors", "vector names must not be empty");
                    }
                    vectors.put(e.getKey(), vectorParams(e.getValue(), child("vectors", e.getKey())));
                }
            }
        }
        try {
            Integer shards = JsonFields.optUint(body, "shard_number", "");
            Integer rf = JsonFields.optUint(body, "replication_factor", "");
            Integer wcf = JsonFields.optUint(body, "write_consistency_factor", "");
            CollectionParams params = new CollectionParams(
                            vectors,
                            unnamed,
                            shards == null ? 1 : shards,
                            rf == null ? defaults.replicationFactor() : rf,
                            wcf == null ? defaults.writeConsistencyFactor() : wcf,
                            JsonFields.bool(body, "on_disk_payload", "", defaults.onDiskPayload()),
                            sparse,
                            payloadMemory(body.get("payload"), "payload"))
                    .withCustomSharding(customSharding(body.get("sharding_method")));
            HnswConfig hnsw = hnswDiff(body.get("hnsw_config"), "hnsw_config").applyTo(defaults.hnsw());
            OptimizersConfig opt = optimizersDiff(body.get("optimizers_config"), "optimizers_config")
                    .applyTo(defaults.optimizers());
            JsonNode wal = body.get("wal_config");
            var walConfig = defaults.wal();
            if (wal != null && !wal.isNull()) {
                checkTypes(wal, "wal_config", WAL);
                walConfig = new io.sextant.collection.config.WalConfig.Diff(
                                JsonFields.optUint(wal, "wal_capacity_mb", "wal_config"),
                                JsonFields.optUint(wal, "wal_segments_ahead", "wal_config"),
                                JsonFields.optUint(wal, "wal_retain_closed", "wal_config"))
                        .applyTo(walConfig);
            }
            QuantizationConfig q = quantization(quantizationNode(body), "quantization_config");
            ObjectNode metadata = has(body, "metadata") ? JsonFields.object(body.get("metadata"), "metadata") : null;
            return new CollectionConfig(
                    params,
                    hnsw,
                    opt,
                    walConfig,
                    q,
                    metadata,
                    strictMode(body.get("strict_mode_config")),
                    CollectionConfigJson.ttlFromJson(body.get("ttl_config")));
        } catch (IllegalArgumentException e) {
            throw JsonFields.invalid("", e);
        }
    }

    /** Qdrant's {@code sharding_method}: {@code "auto"} (default) or {@code "custom"}. */
    private static boolean customSharding(JsonNode method) {
        if (method == null || method.isNull()) {
            return false;
        }
        if (method.isTextual() && method.asText().equals("custom")) {
            return true;
        }
        if (method.isTextual() && method.asText().equals("auto")) {
            return false;
        }
        throw error("sharding_method", "unknown variant " + method + ", expected `auto` or `custom`");
    }

    private static VectorParams vectorParams(JsonNode node, String path) {
        JsonFields.object(node, path);
        JsonFields.onlyFields(
                node,
                path,
                Set.of(
                        "size",
                        "distance",
                        "hnsw_config",
                        "quantization_config",
                        "quantization",
                        "on_disk",
                        "datatype",
                        "multivector_config",
                        "memory"));
        MultiVectorComparator multi = multiVector(node, path);
        if (!has(node, "size")) {
            throw error(path, "missing field `size`");
        }
        int size = JsonFields.optUint(node, "size", path);
        String distanceName = JsonFields.requiredString(node, "distance", path);
        Distance distance;
        try {
            distance = Distance.fromWireName(distanceName);
        } catch (IllegalArgumentException e) {
            throw error(child(path, "distance"), e.getMessage());
        }
        HnswConfig.Diff hnsw =
                has(node, "hnsw_config") ? hnswDiff(node.get("hnsw_config"), child(path, "hnsw_config")) : null;
        String datatype = JsonFields.optString(node, "datatype", path);
        MemoryPlacement memory = denseMemory(node, path);
        try {
            return new VectorParams(
                    size,
                    distance,
                    JsonFields.optBool(node, "on_disk", path),
                    hnsw,
                    quantization(quantizationNode(node), child(path, "quantization_config")),
                    datatype == null ? null : io.sextant.collection.config.VectorDatatype.fromWireName(datatype),
                    multi,
                    memory);
        } catch (IllegalArgumentException e) {
            throw JsonFields.invalid(path, e);
        }
    }

    /** A dense vector's {@code memory}: pinned is well-formed but refused (422), as in Qdrant. */
    private static MemoryPlacement denseMemory(JsonNode node, String path) {
        MemoryPlacement memory = JsonFields.optMemory(node, path);
        try {
            VectorParams.checkDenseMemory(memory);
        } catch (IllegalArgumentException e) {
            throw unprocessable(child(path, "memory"), e.getMessage());
        }
        return memory;
    }

    /** {@code payload: {memory}}; pinned is refused (422), as in Qdrant. */
    private static MemoryPlacement payloadMemory(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, Set.of("memory"));
        MemoryPlacement memory = JsonFields.optMemory(node, path);
        try {
            CollectionParams.checkPayloadMemory(memory);
        } catch (IllegalArgumentException e) {
            throw unprocessable(child(path, "memory"), e.getMessage());
        }
        return memory;
    }

    /**
     * {@code strict_mode_config}, or null when absent: a wrong type is a format error (400), a
     * value out of range a validation error (422), as in Qdrant.
     */
    private static StrictModeConfig strictMode(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return StrictModeConfigJson.fromJson(node, "strict_mode_config");
        } catch (StrictModeConfigJson.BadField e) {
            throw e.validation() ? new ValidationError(e.path(), e.getMessage()) : error(e.path(), e.getMessage());
        }
    }

    private static UserException unprocessable(String path, String what) {
        return UserException.unprocessable("Validation error in JSON body: [" + path + ": " + what + "]");
    }

    /** {@code multivector_config} of a dense vector's params, or null when absent. */
    static MultiVectorComparator multiVector(JsonNode node, String path) {
        if (!has(node, "multivector_config")) {
            return null;
        }
        String mp = child(path, "multivector_config");
        JsonNode mc = node.get("multivector_config");
        JsonFields.onlyFields(mc, mp, Set.of("comparator"));
        String comparator = JsonFields.requiredString(mc, "comparator", mp);
        try {
            return MultiVectorComparator.fromWireName(comparator);
        } catch (IllegalArgumentException e) {
            throw error(child(mp, "comparator"), "unknown variant `" + comparator + "`, expected `max_sim`");
        }
    }

    /** Qdrant's {@code HnswConfigDiff} accepts {@code full_scan_threshold_kb}. */
    private static final Map<String, String> HNSW_ALIASES = Map.of("full_scan_threshold_kb", "full_scan_threshold");

    /** Qdrant's {@code OptimizersConfigDiff} accepts the {@code _kb} spellings of its sizes. */
    private static final Map<String, String> OPTIMIZERS_ALIASES = Map.of(
            "max_segment_size_kb", "max_segment_size",
            "memmap_threshold_kb", "memmap_threshold",
            "indexing_threshold_kb", "indexing_threshold");

    private static HnswConfig.Diff hnswDiff(JsonNode hnsw, String path) {
        if (hnsw == null || hnsw.isNull()) {
            return HnswConfig.Diff.EMPTY;
        }
        JsonNode node = JsonFields.aliased(hnsw, path, HNSW_ALIASES);
        checkTypes(node, path, HNSW);
        JsonFields.optMemory(node, path);
        return CollectionConfigJson.hnswDiffFromJson(node);
    }

    private static OptimizersConfig.Diff optimizersDiff(JsonNode optimizers, String path) {
        if (optimizers == null || optimizers.isNull()) {
            return new OptimizersConfig.Diff(null, null, null, null, null, null, null, null, null);
        }
        JsonNode node = JsonFields.aliased(optimizers, path, OPTIMIZERS_ALIASES);
        checkTypes(node, path, OPTIMIZERS);
        JsonNode threads = node.get("max_optimization_threads");
        Integer maxThreads = null;
        if (threads != null && !threads.isNull()) {
            if (threads.isTextual() && threads.textValue().equals("auto")) {
                maxThreads = OptimizersConfig.Diff.AUTO_THREADS;
            } else {
                maxThreads = JsonFields.uint(threads, child(path, "max_optimization_threads"));
            }
        }
        Long maxSeg = JsonFields.optUlong(node, "max_segment_size", path);
        Long memmap = JsonFields.optUlong(node, "memmap_threshold", path);
        Long idx = JsonFields.optUlong(node, "indexing_threshold", path);
        Long flush = JsonFields.optUlong(node, "flush_interval_sec", path);
        return new OptimizersConfig.Diff(
                JsonFields.optDouble(node, "deleted_threshold", path),
                JsonFields.optUint(node, "vacuum_min_vector_number", path),
                JsonFields.optUint(node, "default_segment_number", path),
                maxSeg,
                memmap,
                idx,
                flush,
                maxThreads,
                JsonFields.optBool(node, "prevent_unoptimized", path));
    }

    /** Returns null for none; {@code "Disabled"} is handled by the caller of PATCH. */
    private static QuantizationConfig quantization(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        JsonFields.object(node, path);
        if (node.size() != 1
                || !Set.of("scalar", "product", "binary", "turbo")
                        .contains(node.fieldNames().next())) {
            throw error(
                    path, "expected one of {scalar: …}, {product: …}, {binary: …}, {turbo: …}, got " + describe(node));
        }
        try {
            return CollectionConfigJson.quantizationFromJson(node);
        } catch (IllegalArgumentException e) {
            throw JsonFields.invalid(path, e);
        }
    }

    private static void checkTypes(JsonNode node, String path, Map<String, Kind> fields) {
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, fields.keySet());
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            String p = child(path, e.getKey());
            switch (fields.get(e.getKey())) {
                case UINT -> JsonFields.optUlong(node, e.getKey(), path);
                case NUMBER -> JsonFields.finite(v, p);
                case BOOL -> JsonFields.optBool(node, e.getKey(), path);
                case STRING -> JsonFields.optString(node, e.getKey(), path);
                case ANY -> {}
            }
        }
    }

    /** Parses {@code PATCH /collections/{c}}. */
    public static CollectionConfigPatch parsePatch(JsonNode body) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(
                body,
                "",
                Set.of(
                        "vectors",
                        "optimizers_config",
                        "params",
                        "hnsw_config",
                        "quantization_config",
                        "sparse_vectors",
                        "strict_mode_config",
                        "metadata",
                        "ttl_config"));
        Map<String, VectorParams.Diff> vectors = new LinkedHashMap<>();
        JsonNode vs = body.get("vectors");
        if (vs != null && !vs.isNull()) {
            JsonFields.object(vs, "vectors");
            for (Map.Entry<String, JsonNode> e : vs.properties()) {
                String p = child("vectors", e.getKey());
                JsonNode d = JsonFields.object(e.getValue(), p);
                JsonFields.onlyFields(
                        d, p, Set.of("hnsw_config", "quantization_config", "quantization", "on_disk", "memory"));
                boolean disable = isDisabled(quantizationNode(d));
                MemoryPlacement memory = denseMemory(d, p);
                vectors.put(
                        e.getKey(),
                        new VectorParams.Diff(
                                JsonFields.optBool(d, "on_disk", p),
                                has(d, "hnsw_config") ? hnswDiff(d.get("hnsw_config"), child(p, "hnsw_config")) : null,
                                disable ? null : quantization(quantizationNode(d), child(p, "quantization_config")),
                                disable,
                                memory));
            }
        }
        CollectionParams.Diff params = null;
        if (has(body, "params")) {
            JsonNode p = JsonFields.object(body.get("params"), "params");
            JsonFields.onlyFields(
                    p,
                    "params",
                    Set.of(
                            "replication_factor",
                            "write_consistency_factor",
                            "read_fan_out_factor",
                            "read_fan_out_delay_ms",
                            "on_disk_payload",
                            "payload"));
            params = new CollectionParams.Diff(
                    JsonFields.optUint(p, "replication_factor", "params"),
                    JsonFields.optUint(p, "write_consistency_factor", "params"),
                    JsonFields.optBool(p, "on_disk_payload", "params"),
                    payloadMemory(p.get("payload"), "params.payload"),
                    new ReadFanOut(
                            JsonFields.optUint(p, "read_fan_out_factor", "params"),
                            JsonFields.optUlong(p, "read_fan_out_delay_ms", "params")));
        }
        boolean disable = isDisabled(body.get("quantization_config"));
        try {
            return new CollectionConfigPatch(
                    vectors,
                    params,
                    has(body, "hnsw_config") ? hnswDiff(body.get("hnsw_config"), "hnsw_config") : null,
                    has(body, "optimizers_config")
                            ? optimizersDiff(body.get("optimizers_config"), "optimizers_config")
                            : null,
                    disable ? null : quantization(body.get("quantization_config"), "quantization_config"),
                    disable,
                    has(body, "metadata") ? JsonFields.object(body.get("metadata"), "metadata") : null,
                    sparseVectors(body.get("sparse_vectors"), "sparse_vectors"),
                    strictMode(body.get("strict_mode_config")),
                    body.has("ttl_config")
                            ? new CollectionConfigPatch.TtlChange(
                                    CollectionConfigJson.ttlFromJson(body.get("ttl_config")))
                            : null);
        } catch (IllegalArgumentException e) {
            throw JsonFields.invalid("", e);
        }
    }

    /**
     * Qdrant's {@code sparse_vectors}: {@code {name: {index: {full_scan_threshold, on_disk, datatype,
     * memory}, modifier}}}. Unset fields stay null (shown back only when set).
     */
    static Map<String, SparseVectorParams> sparseVectors(JsonNode node, String path) {
        Map<String, SparseVectorParams> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        JsonFields.object(node, path);
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String p = child(path, e.getKey());
            if (e.getKey().isEmpty()) {
                throw error(path, "Sparse vector name cannot be empty");
            }
            JsonNode v = e.getValue();
            if (v == null || v.isNull()) {
                out.put(e.getKey(), SparseVectorParams.DEFAULT);
                continue;
            }
            JsonFields.object(v, p);
            JsonFields.onlyFields(v, p, Set.of("index", "modifier"));
            Integer threshold = null;
            Boolean onDisk = null;
            MemoryPlacement memory = null;
            VectorDatatype datatype = null;
            JsonNode idx = v.get("index");
            String ip = child(p, "index");
            if (idx != null && !idx.isNull()) {
                JsonFields.object(idx, ip);
                JsonFields.onlyFields(idx, ip, Set.of("full_scan_threshold", "on_disk", "datatype", "memory"));
                threshold = JsonFields.optUint(idx, "full_scan_threshold", ip);
                onDisk = JsonFields.optBool(idx, "on_disk", ip);
                memory = JsonFields.optMemory(idx, ip);
                String dt = JsonFields.optString(idx, "datatype", ip);
                if (dt != null) {
                    if (dt.equals("turbo4")) {
                        throw error(child(ip, "datatype"), "sparse vectors do not support the turbo4 datatype");
                    }
                    try {
                        datatype = VectorDatatype.fromWireName(dt);
                    } catch (IllegalArgumentException bad) {
                        throw error(child(ip, "datatype"), bad.getMessage());
                    }
                }
            }
            String modifier = JsonFields.optString(v, "modifier", p);
            SparseVectorParams.Modifier m = null;
            if (modifier != null) {
                try {
                    m = SparseVectorParams.Modifier.fromWireName(modifier);
                } catch (IllegalArgumentException bad) {
                    throw error(child(p, "modifier"), bad.getMessage());
                }
            }
            out.put(e.getKey(), new SparseVectorParams(threshold, onDisk, datatype, m, memory));
        }
        return out;
    }

    /** {@code quantization_config}, or its alias {@code quantization} (Qdrant accepts both). */
    private static JsonNode quantizationNode(JsonNode node) {
        JsonNode q = node.get("quantization_config");
        return q != null ? q : node.get("quantization");
    }

    private static boolean isDisabled(JsonNode q) {
        return q != null && q.isTextual() && q.textValue().equals("Disabled");
    }

    /** Parses {@code POST /collections/aliases}: {@code {"actions":[…]}}. */
    public static List<AliasOperation> parseAliases(JsonNode body) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(body, "", Set.of("actions"));
        List<JsonNode> actions = JsonFields.array(body.get("actions"), "actions");
        List<AliasOperation> out = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            String p = JsonFields.index("actions", i);
            JsonNode a = JsonFields.object(actions.get(i), p);
            if (a.size() != 1) {
                throw error(p, "expected exactly one of create_alias, delete_alias, rename_alias");
            }
            String kind = a.fieldNames().next();
            String ap = child(p, kind);
            JsonNode arg = JsonFields.object(a.get(kind), ap);
            out.add(
                    switch (kind) {
                        case "create_alias" -> {
                            JsonFields.onlyFields(arg, ap, Set.of("collection_name", "alias_name"));
                            yield new AliasOperation.Create(
                                    JsonFields.requiredString(arg, "collection_name", ap),
                                    JsonFields.requiredString(arg, "alias_name", ap));
                        }
                        case "delete_alias" -> {
                            JsonFields.onlyFields(arg, ap, Set.of("alias_name"));
                            yield new AliasOperation.Delete(JsonFields.requiredString(arg, "alias_name", ap));
                        }
                        case "rename_alias" -> {
                            JsonFields.onlyFields(arg, ap, Set.of("old_alias_name", "new_alias_name"));
                            yield new AliasOperation.Rename(
                                    JsonFields.requiredString(arg, "old_alias_name", ap),
                                    JsonFields.requiredString(arg, "new_alias_name", ap));
                        }
                        default ->
                            throw error(
                                    p,
                                    "unknown action `" + kind
                                            + "`, expected create_alias, delete_alias or rename_alias");
                    });
        }
        return out;
    }

    /** Collection info in Qdrant's {@code CollectionInfo} shape. */
    public static ObjectNode writeInfo(CollectionInfo info) {
        ObjectNode out = F.objectNode();
        out.put("status", info.status().toLowerCase(java.util.Locale.ROOT));
        if (info.optimizerError() == null) {
            out.put("optimizer_status", "ok");
        } else {
            out.putObject("optimizer_status").put("error", info.optimizerError());
        }
        out.put("indexed_vectors_count", info.indexedVectorsCount());
        out.put("points_count", info.pointsCount());
        out.put("segments_count", info.segmentsCount());
        if (info.config() != null) { // null only for a collection whose config.json is unreadable
            out.set("config", CollectionConfigJson.toJson(info.config()));
            List<String> warnings = info.config().warnings();
            if (!warnings.isEmpty()) {
                var w = out.putArray("warnings");
                warnings.forEach(m -> w.addObject().put("message", m));
            }
        }
        ObjectNode schema = out.putObject("payload_schema");
        info.payloadSchema().forEach((field, fs) -> schema.set(field, IndexJson.writeInfo(fs.spec(), fs.points())));
        return out;
    }
}
