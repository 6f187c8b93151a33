package io.sextant.segment.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.query.PayloadSelector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Qdrant key paths ({@link KeyPath}) over JSON payloads: reading values, {@code set_payload},
 * {@code delete_payload} and {@code with_payload} selection.
 *
 * <p>Reading follows Qdrant: a key reads from an object only, so {@code a.b} finds nothing when
 * {@code a} is an array of objects and {@code a[].b} is the way into each element (Qdrant's
 * {@code test_nested_payload_indexing}); a terminal array is flattened one level, so
 * {@code {"tags": ["x", "y"]}} has the values {@code "x"} and {@code "y"} at {@code tags}; a JSON
 * null is a value (conditions decide what it means); a missing key has no values.
 *
 * <p>Stateless and thread-safe; the mutators mutate their {@code target} argument, which the caller
 * must own exclusively.
 */
public final class JsonPaths {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonPaths() {}

    /** All values at a Qdrant key path ("a", "a.b", "a[].b", "a[0]"), arrays at the end flattened one level. */
    public static List<JsonNode> values(ObjectNode payload, String path) {
        List<JsonNode> raw = rawValues(payload, path);
        List<JsonNode> out = new ArrayList<>(raw.size());
        for (JsonNode n : raw) {
            if (n.isArray()) {
                n.forEach(out::add);
            } else {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * The nodes at {@code path} without flattening terminal arrays (what {@code is_empty} and
     * {@code is_null} look at).
     */
    public static List<JsonNode> rawValues(ObjectNode payload, String path) {
        if (payload == null) {
            return List.of();
        }
        List<JsonNode> current = List.of(payload);
        for (KeyPath.Step step : KeyPath.parse(path).steps()) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                collectKey(node, step.key(), next);
            }
            for (int idx : step.indexes()) {
                next = applyIndex(next, idx);
            }
            current = next;
            if (current.isEmpty()) {
                break;
            }
        }
        return current;
    }

    /** The value of {@code key} in an object; nothing for arrays (only {@code []} walks into them). */
    private static void collectKey(JsonNode node, String key, List<JsonNode> out) {
        if (node.isObject()) {
            JsonNode v = node.get(key);
            if (v != null) {
                out.add(v);
            }
        }
    }

    private static List<JsonNode> applyIndex(List<JsonNode> nodes, int idx) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : nodes) {
            if (!n.isArray()) {
                continue;
            }
            if (idx == KeyPath.ALL_ELEMENTS) {
                n.forEach(out::add);
            } else if (idx < n.size()) {
                out.add(n.get(idx));
            }
        }
        return out;
    }

    /** set_payload: merge the fields of {@code value} into {@code target} (at object path {@code path} when non-null, creating objects). */
    public static void set(ObjectNode target, String path, ObjectNode value) {
        if (path == null) {
            target.setAll(value.deepCopy());
            return;
        }
        List<ObjectNode> objects = List.of(target);
        for (KeyPath.Step step : KeyPath.parse(path).steps()) {
            List<ObjectNode> next = new ArrayList<>();
            for (ObjectNode obj : objects) {
                JsonNode child = obj.get(step.key());
                if (step.indexes().isEmpty()) {
                    if (child == null || !child.isObject()) {
                        child = obj.putObject(step.key());
                    }
                    next.add((ObjectNode) child);
                    continue;
                }
                // Indexed steps only descend into existing arrays; they never create elements.
                List<JsonNode> level = child == null ? List.of() : List.of(child);
                for (int idx : step.indexes()) {
                    level = applyIndex(level, idx);
                }
                for (JsonNode n : level) {
                    if (n.isObject()) {
                        next.add((ObjectNode) n);
                    }
                }
            }
            objects = next;
        }
        for (ObjectNode obj : objects) {
            obj.setAll(value.deepCopy());
        }
    }

    /** delete_payload: remove the key at {@code path} (all matches for [] paths). */
    public static void delete(ObjectNode target, String path) {
        List<KeyPath.Step> steps = KeyPath.parse(path).steps();
        List<JsonNode> parents = List.of(target);
        for (int s = 0; s < steps.size() - 1; s++) {
            KeyPath.Step step = steps.get(s);
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode p : parents) {
                collectKey(p, step.key(), next);
            }
            for (int idx : step.indexes()) {
                next = applyIndex(next, idx);
            }
            parents = next;
        }
        KeyPath.Step last = steps.getLast();
        for (JsonNode p : parents) {
            List<ObjectNode> owners = new ArrayList<>();
            if (p.isObject()) {
                owners.add((ObjectNode) p);
            } else if (p.isArray()) {
                p.forEach(e -> {
                    if (e.isObject()) {
                        owners.add((ObjectNode) e);
                    }
                });
            }
            for (ObjectNode owner : owners) {
                if (last.indexes().isEmpty()) {
                    owner.remove(last.key());
                } else {
                    deleteIndexed(owner, last);
                }
            }
        }
    }

    /** Removes the elements addressed by the final indexes of {@code step} inside {@code owner}. */
    private static void deleteIndexed(ObjectNode owner, KeyPath.Step step) {
        List<JsonNode> arrays = List.of(owner.path(step.key()));
        List<Integer> idxs = step.indexes();
        for (int k = 0; k < idxs.size() - 1; k++) {
            arrays = applyIndex(arrays, idxs.get(k));
        }
        int lastIdx = idxs.getLast();
        for (JsonNode a : arrays) {
            if (!a.isArray()) {
                continue;
            }
            ArrayNode arr = (ArrayNode) a;
            if (lastIdx == KeyPath.ALL_ELEMENTS) {
                arr.removeAll();
            } else if (lastIdx < arr.size()) {
                arr.remove(lastIdx);
            }
        }
    }

    /** with_payload selector: a new node with only the included / without the excluded paths; null for NONE. */
    public static ObjectNode select(ObjectNode payload, PayloadSelector selector) {
        ObjectNode source = payload == null ? NODES.objectNode() : payload;
        return switch (selector) {
            case PayloadSelector.None none -> null;
            case PayloadSelector.All all -> source.deepCopy();
            case PayloadSelector.Exclude ex -> {
                ObjectNode copy = source.deepCopy();
                ex.keys().forEach(k -> delete(copy, k));
                yield copy;
            }
            case PayloadSelector.Include in -> {
                ObjectNode out = NODES.objectNode();
                for (String k : in.keys()) {
                    JsonNode projected = project(source, KeyPath.parse(k).steps(), 0);
                    if (projected != null) {
                        mergeInto(out, (ObjectNode) projected);
                    }
                }
                yield out;
            }
        };
    }

    /** A copy of the part of {@code node} reached by {@code steps[from..]}, or null when nothing is there. */
    private static JsonNode project(JsonNode node, List<KeyPath.Step> steps, int from) {
        if (from == steps.size()) {
            return node.deepCopy();
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            for (JsonNode e : node) {
                JsonNode p = project(e, steps, from);
                if (p != null) {
                    out.add(p);
                }
            }
            return out.isEmpty() ? null : out;
        }
        if (!node.isObject()) {
            return null;
        }
        KeyPath.Step step = steps.get(from);
        JsonNode child = node.get(step.key());
        if (child == null) {
            return null;
        }
        JsonNode projected = projectIndexes(child, step.indexes(), 0, steps, from + 1);
        if (projected == null) {
            return null;
        }
        ObjectNode out = NODES.objectNode();
        out.set(step.key(), projected);
        return out;
    }

    private static JsonNode projectIndexes(
            JsonNode node, List<Integer> idxs, int k, List<KeyPath.Step> steps, int nextStep) {
        if (k == idxs.size()) {
            return project(node, steps, nextStep);
        }
        if (!node.isArray()) {
            return null;
        }
        int idx = idxs.get(k);
        if (idx != KeyPath.ALL_ELEMENTS) {
            // A single element is returned as a one-element array, keeping the payload's shape.
            if (idx >= node.size()) {
                return null;
            }
            JsonNode p = projectIndexes(node.get(idx), idxs, k + 1, steps, nextStep);
            return p == null ? null : NODES.arrayNode().add(p);
        }
        ArrayNode out = NODES.arrayNode();
        for (JsonNode e : node) {
            JsonNode p = projectIndexes(e, idxs, k + 1, steps, nextStep);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** Deep-merges {@code src} into {@code dst}: objects merge key by key, other values are replaced. */
    private static void mergeInto(ObjectNode dst, ObjectNode src) {
        Iterator<Map.Entry<String, JsonNode>> it = src.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = dst.get(e.getKey());
            if (existing != null && existing.isObject() && e.getValue().isObject()) {
                mergeInto((ObjectNode) existing, (ObjectNode) e.getValue());
            } else {
                dst.set(e.getKey(), e.getValue());
            }
        }
    }
}
