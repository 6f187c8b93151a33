package io.sextant.collection.strict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Qdrant's JSON form of {@link StrictModeConfig} ({@code strict_mode_config}), used by the REST API
 * and the persisted {@code config.json}: snake_case keys, unset fields left out, {@code
 * multivector_config: {name: {max_vectors}}} and {@code sparse_config: {name: {max_length}}}. A
 * JSON null reads as "not set". Stateless and thread-safe.
 */
public final class StrictModeConfigJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> FIELDS = Set.of(
            "enabled",
            "max_query_limit",
            "max_timeout",
            "unindexed_filtering_retrieve",
            "unindexed_filtering_update",
            "search_max_hnsw_ef",
            "search_allow_exact",
            "search_max_oversampling",
            "upsert_max_batchsize",
            "search_max_batchsize",
            "max_collection_vector_size_bytes",
            "read_rate_limit",
            "write_rate_limit",
            "max_collection_payload_size_bytes",
            "max_points_count",
            "filter_max_conditions",
            "condition_max_size",
            "multivector_config",
            "sparse_config",
            "max_payload_index_count",
            "max_resident_memory_percent");

    private StrictModeConfigJson() {}

    /**
     * A field that cannot be read: {@code validation} is true for a well-typed value out of its
     * range (Qdrant's validator, 422), false for a wrong type or unknown key (a format error, 400).
     */
    public static final class BadField extends IllegalArgumentException {
        private final String path;
        private final boolean validation;

        BadField(String path, String message, boolean validation) {
            super(message);
            this.path = path;
            this.validation = validation;
        }

        public String path() {
            return path;
        }

        public boolean validation() {
            return validation;
        }
    }

    public static ObjectNode toJson(StrictModeConfig c) {
        ObjectNode n = F.objectNode();
        put(n, "enabled", c.enabled());
        put(n, "max_query_limit", c.maxQueryLimit());
        put(n, "max_timeout", c.maxTimeout());
        put(n, "unindexed_filtering_retrieve", c.unindexedFilteringRetrieve());
        put(n, "unindexed_filtering_update", c.unindexedFilteringUpdate());
        put(n, "search_max_hnsw_ef", c.searchMaxHnswEf());
        put(n, "search_allow_exact", c.searchAllowExact());
        put(n, "search_max_oversampling", c.searchMaxOversampling());
        put(n, "upsert_max_batchsize", c.upsertMaxBatchsize());
        put(n, "search_max_batchsize", c.searchMaxBatchsize());
        put(n, "max_collection_vector_size_bytes", c.maxCollectionVectorSizeBytes());
        put(n, "read_rate_limit", c.readRateLimit());
        put(n, "write_rate_limit", c.writeRateLimit());
        put(n, "max_collection_payload_size_bytes", c.maxCollectionPayloadSizeBytes());
        put(n, "max_points_count", c.maxPointsCount());
        put(n, "filter_max_conditions", c.filterMaxConditions());
        put(n, "condition_max_size", c.conditionMaxSize());
        perName(n, "multivector_config", "max_vectors", c.multivectorMaxVectors());
        perName(n, "sparse_config", "max_length", c.sparseMaxLength());
        put(n, "max_payload_index_count", c.maxPayloadIndexCount());
        put(n, "max_resident_memory_percent", c.maxResidentMemoryPercent());
        return n;
    }

    private static void put(ObjectNode n, String key, Object v) {
        switch (v) {
            case null -> {}
            case Boolean b -> n.put(key, b);
            case Integer i -> n.put(key, i);
            case Long l -> n.put(key, l);
            case Double d -> n.put(key, d);
            default -> throw new IllegalStateException("unexpected value type " + v.getClass());
        }
    }

    private static void perName(ObjectNode n, String key, String field, Map<String, Integer> m) {
        if (m != null) {
            ObjectNode o = n.putObject(key);
            m.forEach((name, limit) -> o.putObject(name).put(field, limit));
        }
    }

    /**
     * Reads {@code node} (an object) at {@code path}.
     *
     * @throws BadField for an unknown key, a wrong type or a value out of range
     */
    public static StrictModeConfig fromJson(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new BadField(path, "expected an object, got " + node.getNodeType(), false);
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!FIELDS.contains(k)) {
                throw new BadField(path, "unknown field `" + k + "`", false);
            }
        });
        Reader r = new Reader(node, path);
        return StrictModeConfig.builder()
                .enabled(r.bool("enabled"))
                .maxQueryLimit(r.integer("max_query_limit", 1))
                .maxTimeout(r.integer("max_timeout", 1))
                .unindexedFilteringRetrieve(r.bool("unindexed_filtering_retrieve"))
                .unindexedFilteringUpdate(r.bool("unindexed_filtering_update"))
                .searchMaxHnswEf(r.integer("search_max_hnsw_ef", 0))
                .searchAllowExact(r.bool("search_allow_exact"))
                .searchMaxOversampling(r.dbl("search_max_oversampling"))
                .upsertMaxBatchsize(r.integer("upsert_max_batchsize", 0))
                .searchMaxBatchsize(r.integer("search_max_batchsize", 0))
                .maxCollectionVectorSizeBytes(r.lng("max_collection_vector_size_bytes", 0))
                .readRateLimit(r.integer("read_rate_limit", 1))
                .writeRateLimit(r.integer("write_rate_limit", 1))
                .maxCollectionPayloadSizeBytes(r.lng("max_collection_payload_size_bytes", 0))
                .maxPointsCount(r.lng("max_points_count", 1))
                .filterMaxConditions(r.integer("filter_max_conditions", 0))
                .conditionMaxSize(r.integer("condition_max_size", 0))
                .multivectorMaxVectors(r.perName("multivector_config", "max_vectors"))
                .sparseMaxLength(r.perName("sparse_config", "max_length"))
                .maxPayloadIndexCount(r.integer("max_payload_index_count", 0))
                .maxResidentMemoryPercent(r.percent("max_resident_memory_percent"))
                .build();
    }

    private record Reader(JsonNode node, String path) {
        private String at(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        private JsonNode get(String key) {
            JsonNode v = node.get(key);
            return v == null || v.isNull() ? null : v;
        }

        Boolean bool(String key) {
            JsonNode v = get(key);
            if (v == null) {
                return null;
            }
            if (!v.isBoolean()) {
                throw new BadField(at(key), "invalid type: " + v + ", expected a boolean", false);
            }
            return v.booleanValue();
        }

        Long lng(String key, long min) {
            JsonNode v = get(key);
            if (v == null) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new BadField(at(key), "invalid type: " + v + ", expected usize", false);
            }
            long x = v.longValue();
            if (x < min) {
                throw new BadField(at(key), "value " + x + " invalid, must be " + min + " or larger", true);
            }
            return x;
        }

        Integer integer(String key, int min) {
            Long x = lng(key, min);
            if (x != null && x > Integer.MAX_VALUE) {
                throw new BadField(at(key), "value " + x + " invalid, must be at most " + Integer.MAX_VALUE, true);
            }
            return x == null ? null : x.intValue();
        }

        Integer percent(String key) {
            Integer x = integer(key, 1);
            if (x != null && x > 100) {
                throw new BadField(at(key), "value " + x + " invalid, must be from 1 to 100", true);
            }
            return x;
        }

        Double dbl(String key) {
            JsonNode v = get(key);
            if (v == null) {
                return null;
            }
            if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                throw new BadField(at(key), "invalid type: " + v + ", expected f64", false);
            }
            return v.doubleValue();
        }

        Map<String, Integer> perName(String key, String field) {
            JsonNode v = get(key);
            if (v == null) {
                return null;
            }
            if (!v.isObject()) {
                throw new BadField(at(key), "invalid type: " + v + ", expected a map", false);
            }
            Map<String, Integer> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                String p = at(key) + "." + e.getKey();
                JsonNode cfg = e.getValue();
                if (!cfg.isObject()) {
                    throw new BadField(p, "invalid type: " + cfg + ", expected an object", false);
                }
                cfg.fieldNames().forEachRemaining(k -> {
                    if (!k.equals(field)) {
                        throw new BadField(p, "unknown field `" + k + "`, expected `" + field + "`", false);
                    }
                });
                Integer limit = new Reader(cfg, p).integer(field, 1);
                if (limit != null) {
                    out.put(e.getKey(), limit);
                }
            }
            return out;
        }
    }
}
