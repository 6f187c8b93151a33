package io.sextant.server.api.convert;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * A {@code PUT /points} body read in one streaming pass: the tree Jackson would build, except that
 * each point's dense vectors ({@code points[i].vector} when it is an array, or each array directly
 * under it when it is an object of named vectors; {@code vectors} alike) go straight from the parser
 * into a {@code float[]} ({@link PackedVector}). A 384-float vector no longer becomes 384 tree nodes
 * (about 10 KB) that are converted again afterwards; the rest of the body (ids, payloads, the other
 * fields) is the ordinary tree and {@link PointJson} parses it as before.
 *
 * <p>All or nothing, so the answer cannot differ from parsing the tree: when any such array is not
 * a plain dense vector ({@link DenseArrays}: a multivector, an empty array, a non-number, an
 * overflow) or the body is malformed or not an object, {@link #read} returns null and the caller
 * parses the whole body as a tree, so errors and odd inputs keep their exact answers. A repeated key
 * replaces the earlier value, as in Jackson's tree. The column form ({@code batch}) stays a tree.
 * Stateless.
 */
public final class UpsertBody {
    private UpsertBody() {}

    /** The body as a tree with packed vectors; null when the fast path does not apply. */
    public static JsonNode read(ObjectMapper mapper, byte[] bytes) {
        try (JsonParser p = mapper.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            float[][] scratch = {new float[512]};
            ObjectNode tree = mapper.getNodeFactory().objectNode();
            for (String name = StreamedFields.next(p); name != null; name = StreamedFields.next(p)) {
                JsonToken value = p.currentToken();
                if (name.equals("points") && value == JsonToken.START_ARRAY) {
                    ArrayNode points = points(mapper, p, scratch);
                    if (points == null) {
                        return null;
                    }
                    tree.set(name, points);
                } else {
                    tree.set(name, mapper.readTree(p));
                }
            }
            return tree;
        } catch (IOException | RuntimeException e) {
            return null; // the caller's tree parse reports it
        }
    }

    private static ArrayNode points(ObjectMapper mapper, JsonParser p, float[][] scratch) throws IOException {
        ArrayNode out = mapper.getNodeFactory().arrayNode();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == null) {
                return null;
            }
            if (t != JsonToken.START_OBJECT) {
                out.add((JsonNode) mapper.readTree(p)); // not a point: PointJson reports it
                continue;
            }
            ObjectNode point = mapper.getNodeFactory().objectNode();
            for (String name = StreamedFields.next(p); name != null; name = StreamedFields.next(p)) {
                JsonToken value = p.currentToken();
                JsonNode v = name.equals("vector") || name.equals("vectors")
                        ? vectors(mapper, p, value, scratch)
                        : mapper.readTree(p);
                if (v == null) {
                    return null;
                }
                point.set(name, v);
            }
            out.add(point);
        }
        return out;
    }

    /** A point's vector value: packed when a plain dense array, an object with its arrays packed, else the tree. */
    private static JsonNode vectors(ObjectMapper mapper, JsonParser p, JsonToken value, float[][] scratch)
            throws IOException {
        if (value == JsonToken.START_ARRAY) {
            float[] f = DenseArrays.read(p, scratch);
            return f == null ? null : new PackedVector(f);
        }
        if (value != JsonToken.START_OBJECT) {
            return mapper.readTree(p);
        }
        ObjectNode named = mapper.getNodeFactory().objectNode();
        for (String name = StreamedFields.next(p); name != null; name = StreamedFields.next(p)) {
            if (p.currentToken() == JsonToken.START_ARRAY) {
                float[] f = DenseArrays.read(p, scratch);
                if (f == null) {
                    return null;
                }
                named.set(name, new PackedVector(f));
            } else {
                named.set(name, mapper.readTree(p));
            }
        }
        return named;
    }
}
