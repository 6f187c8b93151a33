package io.sextant.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.convert.CollectionDefaults;
import io.sextant.server.api.convert.CollectionJson;
import java.util.Map;

/**
 * Binds a node's defaults for new collections ({@link CollectionDefaults}) from Qdrant's {@code
 * storage.hnsw_index}, {@code storage.optimizers}, {@code storage.wal}, {@code
 * storage.on_disk_payload} and {@code storage.collection.{replication_factor,
 * write_consistency_factor}}. The keys are those of a create request's {@code hnsw_config},
 * {@code optimizers_config} and {@code wal_config} (Qdrant's {@code _kb} spellings included), so
 * they are read by the REST parser itself, over Qdrant's defaults: a bad value is refused at start
 * with the parser's message and the config key. Values from environment variables (text) are read
 * as numbers or booleans first. Stateless.
 */
final class CollectionDefaultsBinder {

    private static final Map<String, String> SECTIONS =
            Map.of("hnsw_index", "hnsw_config", "optimizers", "optimizers_config", "wal", "wal_config");

    private CollectionDefaultsBinder() {}

    static CollectionDefaults bind(ObjectNode tree) {
        JsonNode storage = ConfigLoader.section(tree, "storage");
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("vectors").put("size", 1).put("distance", "Dot");
        for (Map.Entry<String, String> e : SECTIONS.entrySet()) {
            JsonNode section = storage.get(e.getKey());
            if (section instanceof ObjectNode obj) {
                body.set(e.getValue(), typed(obj));
            }
        }
        copy(storage, "on_disk_payload", body);
        JsonNode collection = storage.path("collection");
        copy(collection, "replication_factor", body);
        copy(collection, "write_consistency_factor", body);
        CollectionConfig c;
        try {
            c = CollectionJson.parseCreate(body);
        } catch (UserException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "storage defaults for new collections (storage.hnsw_index, "
                            + "storage.optimizers, storage.wal, storage.on_disk_payload, storage.collection): "
                            + e.getMessage()
                                    .replace("hnsw_config", "hnsw_index")
                                    .replace("optimizers_config", "optimizers")
                                    .replace("wal_config", "wal"),
                    e);
        }
        return new CollectionDefaults(
                c.hnswConfig(),
                c.optimizerConfig(),
                c.walConfig(),
                c.params().onDiskPayload(),
                c.params().replicationFactor(),
                c.params().writeConsistencyFactor());
    }

    private static void copy(JsonNode from, String key, ObjectNode to) {
        JsonNode v = from.get(key);
        if (v != null && !ConfigKeyCheck.normalise(v).equals("null")) {
            to.set(key, typed(v));
        }
    }

    /** Text from environment variables as the JSON type it spells; nulls dropped (= unset). */
    private static JsonNode typed(JsonNode v) {
        if (v instanceof ObjectNode obj) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                if (!ConfigKeyCheck.normalise(e.getValue()).equals("null")) {
                    out.set(e.getKey(), typed(e.getValue()));
                }
            }
            return out;
        }
        if (!v.isTextual()) {
            return v;
        }
        String s = v.asText().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(s.toLowerCase(java.util.Locale.ROOT)));
        }
        try {
            return JsonNodeFactory.instance.numberNode(Long.parseLong(s));
        } catch (NumberFormatException e) {
            // not an integer
        }
        try {
            return JsonNodeFactory.instance.numberNode(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return v;
        }
    }
}
