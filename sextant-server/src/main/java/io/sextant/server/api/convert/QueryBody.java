package io.sextant.server.api.convert;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;

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
        try (JsonParser p = mapper.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode tree = mapper.getNodeFactory().objectNode();
            float[] vector = null;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    return null;
                }
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == null) {
                    return null;
                }
                if (name.equals("query")) {
                    // a repeated key replaces the earlier value, as in Jackson's tree
                    tree.remove("query");
                    vector = null;
                    if (value != JsonToken.START_ARRAY) {
                        return null;
                    }
                    vector = floats(p);
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

    /** The numbers of the array the parser is at, up to its end; null when not a plain dense vector. */
    private static float[] floats(JsonParser p) throws IOException {
        float[] out = new float[512];
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            float f;
            if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                // a textual parser types every fraction/exponent number DOUBLE (the tree makes a
                // DoubleNode): read its text without the String getNumberType() would build
                double d = DecimalText.exactDouble(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                f = (float) (Double.isNaN(d) ? p.getDoubleValue() : d); // DoubleNode.floatValue()
            } else if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                f = p.getIntValue(); // IntNode.floatValue()
            } else if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.LONG) {
                f = p.getLongValue(); // LongNode.floatValue()
            } else {
                return null;
            }
            if (!Float.isFinite(f)) {
                return null;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = f;
        }
        return n == 0 ? null : (n == out.length ? out : Arrays.copyOf(out, n));
    }
}
