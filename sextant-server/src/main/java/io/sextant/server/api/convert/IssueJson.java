package io.sextant.server.api.convert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.server.issues.IssueBoard;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes Qdrant's issues report: {@code {"issues": [{"id", "description", "solution", "timestamp",
 * "related_collection"}]}}. An unindexed field's solution is the payload index request to make: one
 * index type is {@code {"immediate": {message, action}}}, several are {@code {"immediate_choice":
 * [...]}}, where an action is {@code {"method": "PUT", "uri": "/collections/<c>/index", "headers":
 * {"content-type": "application/json"}, "body": {"field_name", "field_schema"}}}. Stateless.
 */
public final class IssueJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private IssueJson() {}

    public static ObjectNode report(List<IssueBoard.UnindexedField> issues) {
        return report(issues, List.of());
    }

    /** The report with live-recall findings after the unindexed fields. */
    public static ObjectNode report(List<IssueBoard.UnindexedField> issues, List<IssueBoard.LowRecall> lowRecall) {
        ObjectNode out = F.objectNode();
        ArrayNode arr = out.putArray("issues");
        issues.forEach(i -> arr.add(write(i)));
        lowRecall.forEach(i -> arr.add(write(i)));
        return out;
    }

    static ObjectNode write(IssueBoard.LowRecall i) {
        ObjectNode out = F.objectNode();
        out.put("id", i.id());
        String vector = i.vector().isEmpty() ? "the default vector" : "vector '" + i.vector() + "'";
        out.put(
                "description",
                String.format(
                        java.util.Locale.ROOT,
                        "Live recall@k of %s in collection '%s' is %.3f over the last %d sampled searches, under"
                                + " the threshold %.2f: approximate search is missing true neighbours",
                        vector,
                        i.collection(),
                        i.recall(),
                        i.samples(),
                        i.threshold()));
        // Qdrant's "refactor" solution: advice without one request that applies it
        out.putObject("solution")
                .put(
                        "refactor",
                        "Raise hnsw_ef in the search params, enable rescoring (or oversampling) of quantized searches, or"
                                + " rebuild the index with a larger m / ef_construct (PATCH /collections/"
                                + i.collection()
                                + " hnsw_config). The reading recovers as new samples replace the old ones.");
        out.put("timestamp", java.time.Instant.now().toString());
        out.put("related_collection", i.collection());
        return out;
    }

    static ObjectNode write(IssueBoard.UnindexedField i) {
        ObjectNode out = F.objectNode();
        out.put("id", i.id());
        out.put(
                "description",
                "Unindexed field '" + i.key() + "' might be slowing queries down in collection '" + i.collection()
                        + "'");
        ObjectNode solution = out.putObject("solution");
        if (i.schemas().size() == 1) {
            solution.set("immediate", solution(i, i.schemas().iterator().next()));
        } else {
            ArrayNode choice = solution.putArray("immediate_choice");
            i.schemas().forEach(s -> choice.add(solution(i, s)));
        }
        out.put("timestamp", i.timestamp().toString());
        out.put("related_collection", i.collection());
        return out;
    }

    private static ObjectNode solution(IssueBoard.UnindexedField i, String schema) {
        ObjectNode out = F.objectNode();
        out.put(
                "message",
                "Create an index on field '" + i.key() + "' of schema \"" + schema + "\" in collection '"
                        + i.collection()
                        + "'. Check the documentation for more details: "
                        + "https://qdrant.tech/documentation/concepts/indexing/#payload-index");
        ObjectNode action = out.putObject("action");
        action.put("method", "PUT");
        action.put("uri", "/collections/" + pathSegment(i.collection()) + "/index");
        action.putObject("headers").put("content-type", "application/json");
        ObjectNode body = action.putObject("body");
        body.put("field_name", i.key());
        body.put("field_schema", schema);
        return out;
    }

    /** Percent-encodes everything but the unreserved characters (RFC 3986). */
    static String pathSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }
}
