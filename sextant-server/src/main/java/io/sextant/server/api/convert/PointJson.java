package io.sextant.server.api.convert;

import static io.sextant.server.api.convert.JsonFields.child;
import static io.sextant.server.api.convert.JsonFields.describe;
import static io.sextant.server.api.convert.JsonFields.error;
import static io.sextant.server.api.convert.JsonFields.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.vector.sparse.SparseVector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Points on the wire: upsert bodies (list form {@code {"points":[{id,vector,payload}]}} and batch
 * form {@code {"batch":{ids,vectors,payloads}}}), vectors (an array for the unnamed default
 * vector, an object of named vectors), and the {@code Record}/{@code ScoredPoint} response shapes.
 * Dimension checks against the collection happen below; this class checks shape and types only.
 * Stateless and thread-safe.
 */
public final class PointJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private PointJson() {}

    /** A point's vectors as parsed: dense by name ("" = the unnamed vector) and sparse by name. */
    public record NamedVectors(Map<String, float[]> dense, Map<String, SparseVector> sparse) {
        static final NamedVectors NONE = new NamedVectors(Map.of(), Map.of());
    }

    /** Parses {@code PUT /points} (and the {@code upsert} batch operation). */
    public static List<PointOperation.PointStruct> parseUpsert(JsonNode body, String path) {
        return parseUpsert(body, path, VectorShapes.NONE);
    }

    /** Parses {@code PUT /points} for a collection whose vectors have {@code shapes}. */
    public static List<PointOperation.PointStruct> parseUpsert(JsonNode body, String path, VectorShapes shapes) {
        JsonFields.object(body, path);
        JsonFields.onlyFields(body, path, Set.of("points", "batch", "shard_key", "update_filter", "update_mode"));
        if (body.has("points") == body.has("batch")) {
            throw error(path, "expected exactly one of `points` or `batch`");
        }
        if (body.has("points")) {
            String p = child(path, "points");
            List<JsonNode> items = JsonFields.array(body.get("points"), p);
            List<PointOperation.PointStruct> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(pointStruct(items.get(i), index(p, i), shapes));
            }
            return out;
        }
        return batch(body.get("batch"), child(path, "batch"), shapes);
    }

    /**
     * Parses {@code PUT /points} with its {@code update_mode} ({@code upsert}, {@code insert_only},
     * {@code update_only}) and {@code update_filter}.
     */
    public static PointOperation.Upsert parseUpsertOperation(JsonNode body, String path, VectorShapes shapes) {
        List<PointOperation.PointStruct> points = parseUpsert(body, path, shapes);
        Filter filter = FilterJson.parseOptional(body.get("update_filter"), child(path, "update_filter"));
        return new PointOperation.Upsert(points, updateMode(body, path), filter);
    }

    private static PointOperation.UpdateMode updateMode(JsonNode body, String path) {
        String mode = JsonFields.has(body, "update_mode") ? JsonFields.optString(body, "update_mode", path) : null;
        if (mode == null) {
            return PointOperation.UpdateMode.UPSERT;
        }
        return switch (mode) {
            case "upsert" -> PointOperation.UpdateMode.UPSERT;
            case "insert_only" -> PointOperation.UpdateMode.INSERT_ONLY;
            case "update_only" -> PointOperation.UpdateMode.UPDATE_ONLY;
            default ->
                throw error(
                        child(path, "update_mode"),
                        "unknown variant `" + mode + "`, expected one of `upsert`, `insert_only`, `update_only`");
        };
    }

    /** Qdrant's {@code PointStruct} and {@code PointVectors} accept {@code vectors} for {@code vector}. */
    static final Map<String, String> VECTOR_ALIAS = Map.of("vectors", "vector");

    private static PointOperation.PointStruct pointStruct(JsonNode point, String path, VectorShapes shapes) {
        JsonNode node = JsonFields.aliased(JsonFields.object(point, path), path, VECTOR_ALIAS);
        JsonFields.onlyFields(node, path, Set.of("id", "vector", "payload"));
        if (!node.has("id")) {
            throw error(path, "missing field `id`");
        }
        PointId id = PointIdJson.parse(node.get("id"), child(path, "id"));
        JsonNode v = node.get("vector");
        NamedVectors vectors = v == null || v.isNull() ? NamedVectors.NONE : vectors(v, child(path, "vector"), shapes);
        return new PointOperation.PointStruct(
                id, vectors.dense(), vectors.sparse(), payload(node.get("payload"), child(path, "payload")));
    }

    private static List<PointOperation.PointStruct> batch(JsonNode node, String path, VectorShapes shapes) {
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, Set.of("ids", "vectors", "payloads"));
        List<PointId> ids = PointIdJson.parseList(node.get("ids"), child(path, "ids"));
        int n = ids.size();
        List<Map<String, float[]>> vectors = new ArrayList<>(n);
        List<Map<String, SparseVector>> sparse = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            vectors.add(new LinkedHashMap<>());
            sparse.add(new LinkedHashMap<>());
        }
        JsonNode vs = node.get("vectors");
        String vp = child(path, "vectors");
        if (vs == null || vs.isNull()) {
            // no vectors
        } else if (vs.isArray()) {
            List<JsonNode> rows = JsonFields.array(vs, vp);
            sameLength(rows.size(), n, vp);
            for (int i = 0; i < n; i++) {
                vectors.get(i).put("", value(rows.get(i), index(vp, i), "", shapes));
            }
        } else if (vs.isObject()) {
            for (Map.Entry<String, JsonNode> e : vs.properties()) {
                String np = child(vp, e.getKey());
                List<JsonNode> rows = JsonFields.array(e.getValue(), np);
                sameLength(rows.size(), n, np);
                for (int i = 0; i < n; i++) {
                    JsonNode row = rows.get(i);
                    if (SparseJson.isSparse(row)) {
                        sparse.get(i).put(e.getKey(), SparseJson.parse(row, index(np, i), child(vp, "?")));
                    } else if (DocumentJson.isDocument(row)) {
                        sparse.get(i)
                                .put(
                                        e.getKey(),
                                        DocumentJson.parse(row, index(np, i)).asPointVector());
                    } else {
                        vectors.get(i).put(e.getKey(), value(row, index(np, i), e.getKey(), shapes));
                    }
                }
            }
        } else {
            throw error(vp, "expected an array of vectors or an object of named vector arrays, got " + describe(vs));
        }
        JsonNode ps = node.get("payloads");
        List<JsonNode> payloads = ps == null || ps.isNull() ? null : JsonFields.array(ps, child(path, "payloads"));
        if (payloads != null) {
            sameLength(payloads.size(), n, child(path, "payloads"));
        }
        List<PointOperation.PointStruct> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ObjectNode payload = payloads == null ? null : payload(payloads.get(i), index(child(path, "payloads"), i));
            out.add(new PointOperation.PointStruct(ids.get(i), vectors.get(i), sparse.get(i), payload));
        }
        return out;
    }

    private static void sameLength(int got, int ids, String path) {
        if (got != ids) {
            throw error(path, "has " + got + " entries but `ids` has " + ids);
        }
    }

    /** An optional payload object; null or JSON null gives null. */
    public static ObjectNode payload(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        return JsonFields.object(node, path).deepCopy();
    }

    /**
     * A point's vectors: an array is the unnamed default vector (""); an object maps names to dense
     * arrays or sparse vectors.
     */
    public static NamedVectors vectors(JsonNode node, String path) {
        return vectors(node, path, VectorShapes.NONE);
    }

    /** A point's vectors, multivectors checked against {@code shapes}. */
    public static NamedVectors vectors(JsonNode node, String path, VectorShapes shapes) {
        Map<String, float[]> out = new LinkedHashMap<>();
        Map<String, SparseVector> sparse = new LinkedHashMap<>();
        if (node.isArray() || node instanceof PackedVector) {
            out.put("", value(node, path, "", shapes));
            return new NamedVectors(out, sparse);
        }
        if (node.isObject()) {
            if (DocumentJson.isDocument(node)) {
                DocumentJson.parse(node, path); // an unknown model is reported as such
                throw error(
                        path,
                        "a BM25 document gives a sparse vector, which must be given by name, as"
                                + " {\"<name>\": {\"text\": ..., \"model\": \"qdrant/bm25\"}}");
            }
            if (SparseJson.isSparse(node)) {
                throw error(
                        path,
                        "a sparse vector must be given by name, as {\"<name>\": {\"indices\": ..., "
                                + "\"values\": ...}}");
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String p = child(path, e.getKey());
                JsonNode v = e.getValue();
                if (SparseJson.isSparse(v)) {
                    sparse.put(e.getKey(), SparseJson.parse(v, p, child(path, "?")));
                } else if (DocumentJson.isDocument(v)) {
                    sparse.put(e.getKey(), DocumentJson.parse(v, p).asPointVector());
                } else {
                    out.put(e.getKey(), value(v, p, e.getKey(), shapes));
                }
            }
            return new NamedVectors(out, sparse);
        }
        throw error(path, "expected a vector (array of numbers) or an object of named vectors, got " + describe(node));
    }

    /**
     * The dense value of vector {@code name}: an array of numbers, or for a multivector an array of
     * such arrays of the vector's dimension, returned concatenated.
     */
    static float[] value(JsonNode node, String path, String name, VectorShapes shapes) {
        int dim = shapes.multiDim(name);
        boolean nested =
                node != null && node.isArray() && !node.isEmpty() && node.get(0).isArray();
        if (!nested) { // a lone vector is a multivector of one (Qdrant's legacy input)
            return dense(node, path);
        }
        if (shapes.known() && dim == 0) {
            throw error(path, "vector \"" + name + "\" is not a multivector, but an array of vectors was given");
        }
        return multi(node, path, dim);
    }

    /**
     * A multivector: a non-empty array of non-empty vectors of one length ({@code dim} when
     * positive), concatenated.
     */
    public static float[] multi(JsonNode node, String path, int dim) {
        if (node.isEmpty()) {
            throw error(path, "a multivector must not be empty");
        }
        // Qdrant names the data of an untagged vector "<vector path>.?.data" in validation errors
        String vp = path.endsWith(".vector") || path.equals("vector")
                ? path + ".data"
                : path.replaceFirst("\\.[^.\\[]*$", "") + ".?.data";
        int len = node.get(0).isArray() ? node.get(0).size() : -1;
        for (JsonNode inner : node) {
            if (inner.isArray() && inner.isEmpty()) {
                throw UserException.unprocessable(
                        "Validation error in JSON body: [" + vp + ": all vectors must be non-empty]");
            }
        }
        float[] out = new float[Math.max(0, len) * node.size()];
        for (int i = 0; i < node.size(); i++) {
            float[] v = dense(node.get(i), index(path, i));
            if (v.length != len) {
                throw UserException.unprocessable("Validation error in JSON body: [" + vp
                        + ": all vectors must have the same dimension, found vector with dimension " + v.length
                        + "]");
            }
            if (dim > 0 && len != dim) {
                throw UserException.badRequest(
                        "Wrong input: Vector dimension error: expected dim: " + dim + ", got " + len);
            }
            System.arraycopy(v, 0, out, i * len, len);
        }
        return out;
    }

    /** A dense vector: a non-empty array of finite numbers. */
    public static float[] dense(JsonNode node, String path) {
        if (node instanceof PackedVector packed) { // already checked: non-empty, finite numbers
            return packed.floats();
        }
        if (node == null || !node.isArray()) {
            throw error(path, "expected a vector (array of numbers), got " + describe(node));
        }
        if (node.isEmpty()) {
            throw UserException.unprocessable(
                    "Validation error in JSON body: [" + path + ": dense vector must not be empty]");
        }
        float[] out = new float[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = node.get(i);
            if (x.isArray()) {
                throw error(index(path, i), "expected a number, got an array (multivectors are arrays of vectors)");
            }
            if (!x.isNumber()) {
                throw error(index(path, i), "expected a number, got " + describe(x));
            }
            float f = x.floatValue();
            if (!Float.isFinite(f)) {
                throw error(index(path, i), "vector values must be finite floats, got " + x.asText());
            }
            out[i] = f;
        }
        return out;
    }

    /** The vectors of a response: an array for a lone unnamed vector, otherwise an object. */
    public static JsonNode writeVectors(Map<String, float[]> vectors) {
        return writeVectors(vectors, null);
    }

    /**
     * The vectors of a response: an array for a lone unnamed vector, otherwise an object of dense
     * arrays and sparse vectors by name.
     */
    public static JsonNode writeVectors(Map<String, float[]> vectors, Map<String, SparseVector> sparse) {
        return writeVectors(vectors, sparse, VectorShapes.NONE);
    }

    /** As {@link #writeVectors(Map, Map)}, multivectors nested as arrays of vectors. */
    public static JsonNode writeVectors(
            Map<String, float[]> vectors, Map<String, SparseVector> sparse, VectorShapes shapes) {
        boolean noSparse = sparse == null || sparse.isEmpty();
        if (noSparse && vectors.size() == 1 && vectors.containsKey("")) {
            return writeValue(vectors.get(""), shapes.multiDim(""));
        }
        ObjectNode out = F.objectNode();
        vectors.forEach((name, v) -> out.set(name, writeValue(v, shapes.multiDim(name))));
        if (!noSparse) {
            sparse.forEach((name, v) -> out.set(name, SparseJson.write(v)));
        }
        return out;
    }

    private static ArrayNode writeValue(float[] v, int multiDim) {
        if (multiDim == 0) {
            return writeDense(v);
        }
        ArrayNode arr = F.arrayNode(v.length / multiDim);
        for (int i = 0; i < v.length; i += multiDim) {
            arr.add(writeDense(java.util.Arrays.copyOfRange(v, i, i + multiDim)));
        }
        return arr;
    }

    private static ArrayNode writeDense(float[] v) {
        ArrayNode arr = F.arrayNode(v.length);
        for (float x : v) {
            arr.add(x);
        }
        return arr;
    }

    /** Qdrant's {@code Record}: id, payload, vector (null when not requested), order_value in ordered scrolls. */
    public static ObjectNode writeRecord(PointRecord r) {
        return writeRecord(r, VectorShapes.NONE);
    }

    /** Qdrant's {@code Record}, multivectors nested per {@code shapes}. */
    public static ObjectNode writeRecord(PointRecord r, VectorShapes shapes) {
        ObjectNode out = F.objectNode();
        out.set("id", PointIdJson.write(r.id()));
        out.set("payload", r.payload());
        out.set("vector", r.vectors() == null ? null : writeVectors(r.vectors(), r.sparseVectors(), shapes));
        if (r.orderValue() != null) { // ordered scroll: the value this entry is placed by
            double v = r.orderValue();
            if (v == Math.rint(v) && Math.abs(v) < 9.0e15) {
                out.put("order_value", (long) v);
            } else {
                out.put("order_value", v);
            }
        }
        return out;
    }

    public static ArrayNode writeRecords(List<PointRecord> records) {
        return writeRecords(records, VectorShapes.NONE);
    }

    public static ArrayNode writeRecords(List<PointRecord> records, VectorShapes shapes) {
        ArrayNode arr = F.arrayNode(records.size());
        records.forEach(r -> arr.add(writeRecord(r, shapes)));
        return arr;
    }

    /** Qdrant's {@code ScoredPoint}: id, version, score, payload, vector. */
    public static ObjectNode writeScored(ScoredPoint p) {
        return writeScored(p, VectorShapes.NONE);
    }

    /** Qdrant's {@code ScoredPoint}, multivectors nested per {@code shapes}. */
    public static ObjectNode writeScored(ScoredPoint p, VectorShapes shapes) {
        ObjectNode out = F.objectNode();
        out.set("id", PointIdJson.write(p.id()));
        out.put("version", p.version());
        out.put("score", p.score());
        out.set("payload", p.payload());
        out.set("vector", p.vectors() == null ? null : writeVectors(p.vectors(), p.sparseVectors(), shapes));
        return out;
    }

    public static ArrayNode writeScoredList(List<ScoredPoint> points) {
        return writeScoredList(points, VectorShapes.NONE);
    }

    public static ArrayNode writeScoredList(List<ScoredPoint> points, VectorShapes shapes) {
        ArrayNode arr = F.arrayNode(points.size());
        points.forEach(p -> arr.add(writeScored(p, shapes)));
        return arr;
    }
}
