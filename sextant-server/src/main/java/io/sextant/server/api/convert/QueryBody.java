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
        QueryBody leading = leadingVector(mapper, bytes, length);
        if (leading != null) {
            return leading;
        }
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

    private static final byte[] QUERY_KEY = "\"query\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The shape clients send most, {@code {"query":[numbers], ...}} with {@code query} first, read
     * without the parser for the vector: its numbers straight from the bytes ({@link
     * DenseArrays#readBytes}), then the other fields, if any, as a tree of their own. Null, deciding
     * nothing, for any other shape or anything odd (then {@link #read} goes on as before): a first
     * key written otherwise, numbers it leaves to Jackson, a {@code query} repeated later in the
     * body, a field list that does not start with a key, malformed or trailing text. Per 384-float
     * query this scans the body once instead of tokenizing every number and then reading its text
     * again (20-26 µs of a 170-190 µs search, {@code docs/server-path.md}).
     */
    static QueryBody leadingVector(ObjectMapper mapper, byte[] b, int length) {
        int i = DenseArrays.skipWhitespace(b, 0, length);
        if (i >= length || b[i] != '{') {
            return null;
        }
        i = DenseArrays.skipWhitespace(b, i + 1, length);
        if (length - i < QUERY_KEY.length
                || !java.util.Arrays.equals(b, i, i + QUERY_KEY.length, QUERY_KEY, 0, QUERY_KEY.length)) {
            return null;
        }
        i = DenseArrays.skipWhitespace(b, i + QUERY_KEY.length, length);
        if (i >= length || b[i] != ':') {
            return null;
        }
        i = DenseArrays.skipWhitespace(b, i + 1, length);
        if (i >= length || b[i] != '[') {
            return null;
        }
        int[] end = {0};
        float[] vector = DenseArrays.readBytes(b, i + 1, length, end);
        if (vector == null) {
            return null;
        }
        i = DenseArrays.skipWhitespace(b, end[0], length);
        if (i < length && b[i] == '}') {
            return DenseArrays.skipWhitespace(b, i + 1, length) == length
                    ? new QueryBody(mapper.getNodeFactory().objectNode(), vector)
                    : null;
        }
        int key = i < length && b[i] == ',' ? DenseArrays.skipWhitespace(b, i + 1, length) : length;
        if (key >= length || b[key] != '"') {
            return null;
        }
        // the other fields as an object of their own: "{" + everything after the comma
        byte[] rest = new byte[length - i];
        rest[0] = '{';
        System.arraycopy(b, i + 1, rest, 1, length - i - 1);
        try (JsonParser p = mapper.createParser(rest)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonNode tree = mapper.readTree(p);
            if (!(tree instanceof ObjectNode fields) || fields.has("query") || p.nextToken() != null) {
                return null;
            }
            return new QueryBody(fields, vector);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
