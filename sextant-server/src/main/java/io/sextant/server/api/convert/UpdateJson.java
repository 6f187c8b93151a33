package io.sextant.server.api.convert;

import static io.sextant.server.api.convert.JsonFields.child;
import static io.sextant.server.api.convert.JsonFields.error;
import static io.sextant.server.api.convert.JsonFields.has;
import static io.sextant.server.api.convert.JsonFields.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses the bodies of point-mutating endpoints (delete, set/overwrite/delete/clear payload,
 * update/delete vectors, upsert and the {@code points/batch} operation list) into {@link
 * PointOperation}s. Stateless and thread-safe.
 */
public final class UpdateJson {

    private UpdateJson() {}

    /** {@code PointsSelector}: {@code {"points":[ids]}} or {@code {"filter":{…}}}. */
    public static PointsSelector selector(JsonNode body, String path) {
        JsonFields.object(body, path);
        JsonFields.onlyFields(body, path, Set.of("points", "filter", "shard_key"));
        return selectorOf(body, path, true);
    }

    private static PointsSelector selectorOf(JsonNode body, String path, boolean required) {
        boolean ids = has(body, "points");
        boolean filter = has(body, "filter");
        if (ids && filter) {
            throw error(path, "expected either `points` or `filter`, not both");
        }
        if (ids) {
            return new PointsSelector.Ids(PointIdJson.parseList(body.get("points"), child(path, "points")));
        }
        if (filter) {
            return new PointsSelector.ByFilter(FilterJson.parse(body.get("filter"), child(path, "filter")));
        }
        if (required) {
            throw error(path, "expected `points` (a list of ids) or `filter`");
        }
        return null;
    }

    public static PointOperation.Delete delete(JsonNode body, String path) {
        return new PointOperation.Delete(selector(body, path));
    }

    public static PointOperation.ClearPayload clearPayload(JsonNode body, String path) {
        return new PointOperation.ClearPayload(selector(body, path));
    }

    /** {@code SetPayload}: payload, points or filter, optional key. */
    public static PointOperation setPayload(JsonNode body, String path, boolean overwrite) {
        JsonFields.object(body, path);
        JsonFields.onlyFields(body, path, Set.of("payload", "points", "filter", "shard_key", "key"));
        if (!has(body, "payload")) {
            throw error(path, "missing field `payload`");
        }
        ObjectNode payload = PointJson.payload(body.get("payload"), child(path, "payload"));
        PointsSelector selector = selectorOf(body, path, true);
        String key = JsonFields.optString(body, "key", path);
        if (overwrite) {
            if (key != null) {
                throw error(child(path, "key"), "`key` is not allowed when overwriting the payload");
            }
            return new PointOperation.OverwritePayload(payload, selector);
        }
        return new PointOperation.SetPayload(payload, selector, key);
    }

    /** {@code DeletePayload}: keys, points or filter. */
    public static PointOperation.DeletePayload deletePayload(JsonNode body, String path) {
        JsonFields.object(body, path);
        JsonFields.onlyFields(body, path, Set.of("keys", "points", "filter", "shard_key"));
        List<String> keys = JsonFields.stringList(body.get("keys"), child(path, "keys"));
        return new PointOperation.DeletePayload(keys, selectorOf(body, path, true));
    }

    /** {@code UpdateVectors}: {@code {"points":[{"id":…,"vector":…}]}}. */
    public static PointOperation.UpdateVectors updateVectors(JsonNode body, String path) {
        return updateVectors(body, path, VectorShapes.NONE);
    }

    /** {@code UpdateVectors} for a collection whose vectors have {@code shapes}. */
    public static PointOperation.UpdateVectors updateVectors(JsonNode body, String path, VectorShapes shapes) {
        JsonFields.object(body, path);
        JsonFields.onlyFields(body, path, Set.of("points", "shard_key", "update_filter"));
        Filter filter = FilterJson.parseOptional(body.get("update_filter"), child(path, "update_filter"));
        String p = child(path, "points");
        List<JsonNode> items = JsonFields.array(body.get("points"), p);
        List<PointOperation.PointVectors> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String ip = index(p, i);
            JsonNode item = JsonFields.aliased(JsonFields.object(items.get(i), ip), ip, PointJson.VECTOR_ALIAS);
            // other fields (a "payload" copied from an upsert) are ignored, as Qdrant does
            if (!item.has("id") || !has(item, "vector")) {
                throw error(ip, "expected fields `id` and `vector`");
            }
            PointId id = PointIdJson.parse(item.get("id"), child(ip, "id"));
            PointJson.NamedVectors vectors = PointJson.vectors(item.get("vector"), child(ip, "vector"), shapes);
            if (vectors.dense().isEmpty() && vectors.sparse().isEmpty()) {
                throw new ValidationError(child(ip, "vector"), "must specify vectors to update for point");
            }
            out.add(new PointOperation.PointVectors(id, vectors.dense(), vectors.sparse()));
        }
        return new PointOperation.UpdateVectors(out, filter);
    }

    /** {@code DeleteVectors}: points or filter, and {@code vector}: names. */
    public static PointOperation.DeleteVectors deleteVectors(JsonNode request, String path) {
        JsonNode body = JsonFields.aliased(JsonFields.object(request, path), path, PointJson.VECTOR_ALIAS);
        JsonFields.onlyFields(body, path, Set.of("points", "filter", "vector", "shard_key"));
        List<String> names = JsonFields.stringList(body.get("vector"), child(path, "vector"));
        return new PointOperation.DeleteVectors(selectorOf(body, path, true), names);
    }

    /** {@code POST /points/batch}: {@code {"operations":[{"upsert":…},{"delete":…},…]}}. */
    public static List<PointOperation> batch(JsonNode body) {
        return batch(body, VectorShapes.NONE);
    }

    /** {@code POST /points/batch} for a collection whose vectors have {@code shapes}. */
    public static List<PointOperation> batch(JsonNode body, VectorShapes shapes) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(body, "", Set.of("operations"));
        List<JsonNode> ops = JsonFields.array(body.get("operations"), "operations");
        List<PointOperation> out = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            String p = index("operations", i);
            JsonNode op = JsonFields.object(ops.get(i), p);
            if (op.size() != 1) {
                throw error(p, "expected exactly one operation per entry, got " + JsonFields.describe(op));
            }
            String kind = op.fieldNames().next();
            JsonNode arg = op.get(kind);
            String ap = child(p, kind);
            out.add(
                    switch (kind) {
                        case "upsert" -> PointJson.parseUpsertOperation(arg, ap, shapes);
                        case "delete" -> delete(arg, ap);
                        case "set_payload" -> setPayload(arg, ap, false);
                        case "overwrite_payload" -> setPayload(arg, ap, true);
                        case "delete_payload" -> deletePayload(arg, ap);
                        case "clear_payload" -> clearPayload(arg, ap);
                        case "update_vectors" -> updateVectors(arg, ap, shapes);
                        case "delete_vectors" -> deleteVectors(arg, ap);
                        default ->
                            throw error(
                                    p,
                                    "unknown operation `" + kind + "`, expected one of upsert, delete, set_payload,"
                                            + " overwrite_payload, delete_payload, clear_payload, update_vectors,"
                                            + " delete_vectors");
                    });
        }
        return out;
    }
}
