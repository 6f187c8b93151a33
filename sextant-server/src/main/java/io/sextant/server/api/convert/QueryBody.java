package io.sextant.server.api.convert;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * A {@code POST /points/query} body read in one streaming pass: the top-level {@code query}, when it
 * is a plain dense vector, goes straight from the parser into a {@code float[]} ({@link #vector}),
 * and every other field into a Jackson tree ({@link #tree}, without {@code query} then). A 384-float
 * query vector no longer becomes 384 tree nodes that are converted again afterwards.
 *
 * <p>The fast path is taken only when the answer cannot differ from parsing the whole tree: the
 * body is an object and its {@code query} a non-empty array of numbers that Jackson's tree would
 * hold as {@code IntNode}, {@code LongNode} or {@code DoubleNode}, each finite as a float. The
 * floats are what {@code JsonNode.floatValue()} gives for those nodes. For anything else (a query
 * object, a point id, a multivector, a non-number, an overflow, malformed JSON) {@link #read}
 * returns null and the caller parses the body the old way, so errors and odd inputs keep their
 * exact answers. Immutable.
 *
 * @param tree the body's fields, without {@code query} when {@code vector} is set
 * @param vector the {@code query} dense vector, or null when it stayed in the tree
 */
public record QueryBody(JsonNode tree, float[] vector) {

    /** A body parsed as a tree, its query (if any) inside it. */
    public static QueryBody ofTree(JsonNode tree) {
        return new QueryBody(tree, null);
    }

    /**
     * Reads {@code bytes} with {@code mapper}'s settings; null when the fast path does not apply
     * (see the class comment) or the body is malformed.
     */
    public static QueryBody read(ObjectMapper mapper, byte[] bytes) {
        return read(mapper, bytes, bytes.length);
    }

    /** As {@link #read(ObjectMapper, byte[])} for {@code bytes[0 .. length)}; keeps no reference to them. */
    public static QueryBody read(ObjectMapper mapper, byte[] bytes, int length) {
        try (JsonParser p = mapper.createParser(bytes, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode tree = mapper.getNodeFactory().objectNode();
            float[] vector = null;
            for (String name = StreamedFields.next(p); name != null; name = StreamedFields.next(p)) {
                JsonToken value = p.currentToken();
                if (name.equals("query")) {
                    // a repeated key replaces the earlier value, as in Jackson's tree
                    tree.remove("query");
                    vector = null;
                    if (value != JsonToken.START_ARRAY) {
                        return null;
                    }
                    vector = DenseArrays.read(p);
                    if (vector == null) {
                        return null;
                    }
                } else {
                    tree.set(name, mapper.readTree(p));
                }
            }
            return new QueryBody(tree, vector);
        } catch (IOException | RuntimeException e) {
            return null; // the caller's tree parse reports it
        }
    }
}
