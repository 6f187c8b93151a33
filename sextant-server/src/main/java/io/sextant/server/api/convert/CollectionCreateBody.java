package io.sextant.server.api.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionConfigJson;
import io.sextant.segment.index.PayloadIndexSpec;
import java.util.Set;

/**
 * Qdrant REST request bodies that re-create what a collection config (or a payload index) already
 * describes: a {@code PUT /collections/{c}} body for the config a snapshot holds (cluster mode
 * creates a recovered collection through the metadata log, whose entries carry REST bodies), and
 * a {@code PUT /collections/{c}/index} body per payload index. {@link CollectionJson#parseCreate}
 * of the body gives the config back, except the read fan-out params, which are not create
 * fields. Stateless and thread-safe.
 */
public final class CollectionCreateBody {
    /** {@code params} fields that a create body does not take. */
    private static final Set<String> NOT_CREATE_PARAMS = Set.of("read_fan_out_factor", "read_fan_out_delay_ms");

    private CollectionCreateBody() {}

    /** The create body of {@code config}. */
    public static ObjectNode of(CollectionConfig config) {
        ObjectNode json = CollectionConfigJson.toJson(config);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        json.get("params").properties().forEach(e -> {
            if (!NOT_CREATE_PARAMS.contains(e.getKey())) {
                body.set(e.getKey(), e.getValue());
            }
        });
        copy(json, "hnsw_config", body, "hnsw_config");
        copy(json, "optimizer_config", body, "optimizers_config"); // the info's name differs from the create's
        copy(json, "wal_config", body, "wal_config");
        copy(json, "quantization_config", body, "quantization_config");
        copy(json, "metadata", body, "metadata");
        copy(json, "strict_mode_config", body, "strict_mode_config");
        copy(json, "ttl_config", body, "ttl_config");
        return body;
    }

    /** The {@code PUT /collections/{c}/index} body that creates {@code spec} on {@code field}. */
    public static ObjectNode index(String field, PayloadIndexSpec spec) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("field_name", field);
        if (spec.hasParams()) {
            body.set("field_schema", IndexJson.writeParams(spec));
        } else {
            body.put("field_schema", spec.type().wireName());
        }
        return body;
    }

    private static void copy(ObjectNode from, String key, ObjectNode to, String as) {
        JsonNode v = from.get(key);
        if (v != null && !v.isNull()) {
            to.set(as, v);
        }
    }
}
