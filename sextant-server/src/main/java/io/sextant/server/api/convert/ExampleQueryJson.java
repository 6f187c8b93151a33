package io.sextant.server.api.convert;

import static io.sextant.server.api.convert.JsonFields.child;
import static io.sextant.server.api.convert.JsonFields.describe;
import static io.sextant.server.api.convert.JsonFields.error;
import static io.sextant.server.api.convert.JsonFields.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.VectorInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses the query kinds built from examples: {@code discover} ({@code {target, context}}),
 * {@code context} (pairs), {@code relevance_feedback} ({@code {target, feedback, strategy}}) and
 * {@code sample} ({@code "random"}), as Qdrant's REST schema accepts them. A context is one pair
 * or a list of pairs, or null for none. Stateless and thread-safe.
 */
final class ExampleQueryJson {
    private ExampleQueryJson() {}

    /** {@code discover}: {@code target} and {@code context} are required; context may be null. */
    static Query.Discover discover(JsonNode arg, String path) {
        JsonFields.object(arg, path);
        JsonFields.onlyFields(arg, path, Set.of("target", "context"));
        JsonNode target = arg.get("target");
        if (target == null || target.isNull()) {
            throw error(path, "missing field `target`");
        }
        if (!arg.has("context")) {
            throw error(path, "missing field `context`");
        }
        return new Query.Discover(
                QueryJson.vectorInput(target, child(path, "target")),
                pairs(arg.get("context"), child(path, "context")));
    }

    /** {@code context}: one pair, a list of pairs, or null. */
    static Query.Context context(JsonNode arg, String path) {
        return new Query.Context(pairs(arg, path));
    }

    /** One {@code {positive, negative}} pair, a list of them, or null (no pairs). */
    static List<Query.ContextPair> pairs(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<JsonNode> items = JsonFields.oneOrMany(node);
        List<Query.ContextPair> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String ip = node.isArray() ? index(path, i) : path;
            JsonNode item = JsonFields.object(items.get(i), ip);
            JsonFields.onlyFields(item, ip, Set.of("positive", "negative"));
            out.add(new Query.ContextPair(required(item, "positive", ip), required(item, "negative", ip)));
        }
        return out;
    }

    private static VectorInput required(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            throw error(path, "missing field `" + field + "`");
        }
        return QueryJson.vectorInput(v, child(path, field));
    }

    /** {@code sample}: only {@code "random"}. */
    static Query.Sample sample(JsonNode arg, String path) {
        if (!arg.isTextual() || !arg.textValue().equals("random")) {
            throw error(path, "unknown variant " + describe(arg) + ", expected `random`");
        }
        return new Query.Sample();
    }

    /**
     * {@code relevance_feedback}: {@code {target, feedback: [{example, score}], strategy: {naive:
     * {a, b, c}}}}; an empty feedback list and a negative {@code b} are validation errors (422).
     */
    static Query.RelevanceFeedback relevanceFeedback(JsonNode arg, String path) {
        JsonFields.object(arg, path);
        JsonFields.onlyFields(arg, path, Set.of("target", "feedback", "strategy"));
        VectorInput target = required(arg, "target", path);
        String fp = child(path, "feedback");
        List<JsonNode> items = JsonFields.array(arg.get("feedback"), fp);
        List<Query.Feedback> feedback = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String ip = index(fp, i);
            JsonNode item = JsonFields.object(items.get(i), ip);
            JsonFields.onlyFields(item, ip, Set.of("example", "score"));
            feedback.add(new Query.Feedback(required(item, "example", ip), number(item, "score", ip)));
        }
        String sp = child(path, "strategy");
        JsonNode strategy = JsonFields.object(arg.get("strategy"), sp);
        JsonFields.onlyFields(strategy, sp, Set.of("naive"));
        String np = child(sp, "naive");
        JsonNode naive = JsonFields.object(strategy.get("naive"), np);
        JsonFields.onlyFields(naive, np, Set.of("a", "b", "c"));
        float a = number(naive, "a", np);
        float b = number(naive, "b", np);
        float c = number(naive, "c", np);
        if (feedback.isEmpty()) {
            throw new ValidationError(internal(path), "feedback elements must be non-empty");
        }
        if (!(b >= 0)) {
            throw new ValidationError(
                    internal(child(np, "b")), "value " + naive.get("b") + " invalid, must be 0.0 or larger");
        }
        return new Query.RelevanceFeedback(target, feedback, a, b, c);
    }

    private static float number(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            throw error(path, "missing field `" + field + "`");
        }
        return (float) JsonFields.finite(v, child(path, field));
    }

    /** Qdrant names the body of a query request {@code internal} in validation paths. */
    private static String internal(String path) {
        return path.startsWith("query") ? "internal." + path : path;
    }
}
