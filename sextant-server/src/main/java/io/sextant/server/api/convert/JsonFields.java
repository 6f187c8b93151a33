package io.sextant.server.api.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.error.UserException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed, validating accessors for request JSON. Every failure is a {@link UserException} of kind
 * BAD_REQUEST whose message names the offending path (e.g. {@code filter.must[0].range.gt}) and
 * the value found, in Qdrant's "Format error in JSON body" style. Stateless and thread-safe.
 */
public final class JsonFields {

    private JsonFields() {}

    /** A bad-request error about the value at {@code path}. */
    public static UserException error(String path, String what) {
        return UserException.badRequest("Format error in JSON body: " + (path.isEmpty() ? "" : path + ": ") + what);
    }

    /**
     * The error for a domain constructor's rejection of the object at {@code path}: a {@link
     * io.sextant.segment.error.RangeViolation} is a validation error (422, Qdrant's validator
     * wording), anything else a format error (400).
     */
    public static UserException invalid(String path, IllegalArgumentException e) {
        if (e instanceof io.sextant.segment.error.RangeViolation r) {
            return new ValidationError(child(path, r.field()), r.describe());
        }
        return error(path, e.getMessage());
    }

    /** An optional {@code memory} placement ({@code pinned}, {@code cached}, {@code cold}) at {@code path}. */
    public static io.sextant.segment.config.MemoryPlacement optMemory(JsonNode node, String path) {
        String m = optString(node, "memory", path);
        if (m == null) {
            return null;
        }
        try {
            return io.sextant.segment.config.MemoryPlacement.fromWireName(m);
        } catch (IllegalArgumentException e) {
            throw error(child(path, "memory"), e.getMessage());
        }
    }

    /** Describes a JSON value for an error message, truncated to keep messages short. */
    public static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        String kind = node.getNodeType().toString().toLowerCase(Locale.ROOT);
        String text = node.toString();
        if (text.length() > 80) {
            text = text.substring(0, 77) + "...";
        }
        return kind + " " + text;
    }

    public static String child(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    public static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    /** Whether {@code node} has {@code field} set to something other than null. */
    public static boolean has(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    public static ObjectNode object(JsonNode node, String path) {
        if (node instanceof ObjectNode obj) {
            return obj;
        }
        throw error(path, "expected an object, got " + describe(node));
    }

    /**
     * The object with Qdrant's serde aliases resolved: each key of {@code aliases} present in
     * {@code node} is renamed to its canonical name (the map's value), as {@code #[serde(alias)]}
     * accepts it. Both spellings at once is serde's "duplicate field" error. Returns {@code node}
     * itself when no alias is used; otherwise a shallow copy (values are shared, not copied).
     */
    public static JsonNode aliased(JsonNode node, String path, Map<String, String> aliases) {
        if (!(node instanceof ObjectNode obj) || aliases.keySet().stream().noneMatch(obj::has)) {
            return node;
        }
        ObjectNode out = obj.objectNode();
        for (Map.Entry<String, JsonNode> e : obj.properties()) {
            String name = aliases.getOrDefault(e.getKey(), e.getKey());
            if (out.has(name)) {
                throw error(path, "duplicate field `" + name + "`");
            }
            out.set(name, e.getValue());
        }
        return out;
    }

    /** Rejects fields not in {@code allowed}. */
    public static void onlyFields(JsonNode node, String path, Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw error(
                        path,
                        "unknown field `" + name + "`, expected one of "
                                + allowed.stream().sorted().toList());
            }
        }
    }

    public static String requiredString(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            throw error(path, "missing field `" + field + "`");
        }
        if (!v.isTextual()) {
            throw error(child(path, field), "expected a string, got " + describe(v));
        }
        return v.textValue();
    }

    public static String optString(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw error(child(path, field), "expected a string, got " + describe(v));
        }
        return v.textValue();
    }

    public static Boolean optBool(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw error(child(path, field), "expected a boolean, got " + describe(v));
        }
        return v.booleanValue();
    }

    public static boolean bool(JsonNode parent, String field, String path, boolean dflt) {
        Boolean b = optBool(parent, field, path);
        return b == null ? dflt : b;
    }

    /** An optional non-negative integer that fits an {@code int}. */
    public static Integer optUint(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return uint(v, child(path, field));
    }

    public static int uint(JsonNode v, String path) {
        if (!v.isIntegralNumber() && !(v.isFloatingPointNumber() && v.doubleValue() == Math.rint(v.doubleValue()))) {
            throw error(path, "expected a non-negative integer, got " + describe(v));
        }
        if (v.isFloatingPointNumber()
                || !v.canConvertToLong()
                || v.longValue() < 0
                || v.longValue() > Integer.MAX_VALUE) {
            if (v.isFloatingPointNumber() && v.doubleValue() >= 0 && v.doubleValue() <= Integer.MAX_VALUE) {
                return (int) v.doubleValue();
            }
            throw error(path, "expected a non-negative integer up to " + Integer.MAX_VALUE + ", got " + describe(v));
        }
        return (int) v.longValue();
    }

    /** An optional non-negative integer that fits a {@code long}. */
    public static Long optUlong(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw error(child(path, field), "expected a non-negative integer, got " + describe(v));
        }
        return v.longValue();
    }

    /** An optional finite number. */
    public static Double optDouble(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return finite(v, child(path, field));
    }

    public static double finite(JsonNode v, String path) {
        if (v == null || !v.isNumber()) {
            throw error(path, "expected a number, got " + describe(v));
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw error(path, "expected a finite number, got " + d);
        }
        return d;
    }

    /** The node as a list: an array's elements, or a single non-array value as one element. */
    public static List<JsonNode> oneOrMany(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isArray()) {
            node.forEach(out::add);
        } else {
            out.add(node);
        }
        return out;
    }

    public static List<JsonNode> array(JsonNode node, String path) {
        if (node == null || !node.isArray()) {
            throw error(path, "expected an array, got " + describe(node));
        }
        List<JsonNode> out = new ArrayList<>(node.size());
        node.forEach(out::add);
        return out;
    }

    public static List<String> stringList(JsonNode node, String path) {
        List<String> out = new ArrayList<>();
        List<JsonNode> items = array(node, path);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isTextual()) {
                throw error(index(path, i), "expected a string, got " + describe(item));
            }
            out.add(item.textValue());
        }
        return out;
    }
}
