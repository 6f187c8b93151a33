package io.sextant.server.api.convert;

import static io.sextant.server.api.convert.JsonFields.child;
import static io.sextant.server.api.convert.JsonFields.describe;
import static io.sextant.server.api.convert.JsonFields.error;
import static io.sextant.server.api.convert.JsonFields.has;
import static io.sextant.server.api.convert.JsonFields.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.collection.query.LookupLocation;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.QueryGroupsRequest;
import io.sextant.collection.query.QueryRequest;
import io.sextant.collection.query.VectorInput;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.VectorSelector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses search requests into {@link QueryRequest}s: the universal query API ({@code
 * points/query}, its batch and groups forms, prefetches, nearest / recommend / fusion / rrf /
 * order_by queries) and the legacy {@code points/search} and {@code points/recommend} bodies,
 * which are mapped onto the same request. Stateless and thread-safe.
 */
public final class QueryJson {

    private static final Set<String> PREFETCH_FIELDS =
            Set.of("prefetch", "query", "using", "filter", "params", "score_threshold", "limit", "lookup_from");
    private static final Set<String> QUERY_FIELDS;
    private static final Set<String> GROUP_FIELDS;

    static {
        Set<String> q = new HashSet<>(PREFETCH_FIELDS);
        // `vector` (the legacy search field) is accepted and ignored, as Qdrant ignores unknown fields
        q.addAll(Set.of("shard_key", "offset", "with_vector", "with_vectors", "with_payload", "vector"));
        QUERY_FIELDS = Set.copyOf(q);
        Set<String> g = new HashSet<>(QUERY_FIELDS);
        g.remove("offset");
        g.addAll(Set.of("group_by", "group_size", "with_lookup"));
        GROUP_FIELDS = Set.copyOf(g);
    }

    private QueryJson() {}

    /** {@code POST /points/query}. */
    public static QueryRequest query(JsonNode body, String path) {
        JsonFields.object(body, path);
        JsonFields.onlyFields(body, path, QUERY_FIELDS);
        return request(body, path, true, null);
    }

    /**
     * {@code POST /points/query} from a streamed body: its dense query vector, when it was read
     * apart ({@link QueryBody#vector}), is the nearest query; otherwise as {@link #query(JsonNode,
     * String)}.
     */
    public static QueryRequest query(QueryBody body) {
        if (body.vector() == null) {
            return query(body.tree(), "");
        }
        JsonFields.object(body.tree(), "");
        JsonFields.onlyFields(body.tree(), "", QUERY_FIELDS);
        return request(body.tree(), "", true, new Query.Nearest(new VectorInput.Dense(body.vector())));
    }

    /** {@code POST /points/query/batch}: {@code {"searches":[…]}}. */
    public static List<QueryRequest> queryBatch(JsonNode body) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(body, "", Set.of("searches", "timeout"));
        List<JsonNode> items = JsonFields.array(body.get("searches"), "searches");
        List<QueryRequest> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(query(items.get(i), index("searches", i)));
        }
        return out;
    }

    /** {@code POST /points/query/groups}. */
    public static QueryGroupsRequest queryGroups(JsonNode body) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(body, "", GROUP_FIELDS);
        QueryRequest q = request(body, "", true, null);
        String groupBy = JsonFields.requiredString(body, "group_by", "");
        Integer groupSize = JsonFields.optUint(body, "group_size", "");
        Integer limit = JsonFields.optUint(body, "limit", "");
        QueryGroupsRequest.WithLookup lookup = null;
        JsonNode wl = body.get("with_lookup");
        if (wl != null && !wl.isNull()) {
            if (wl.isTextual()) {
                lookup = new QueryGroupsRequest.WithLookup(wl.textValue(), null, null);
            } else {
                JsonFields.object(wl, "with_lookup");
                JsonFields.onlyFields(
                        wl, "with_lookup", Set.of("collection", "with_payload", "with_vectors", "with_vector"));
                lookup = new QueryGroupsRequest.WithLookup(
                        JsonFields.requiredString(wl, "collection", "with_lookup"),
                        SelectorJson.payload(wl.get("with_payload"), "with_lookup.with_payload", null),
                        SelectorJson.vectorOf(wl, "with_lookup", null));
            }
        }
        try {
            return new QueryGroupsRequest(
                    q, groupBy, groupSize == null ? 3 : groupSize, limit == null ? 10 : limit, lookup);
        } catch (IllegalArgumentException e) {
            throw error("", e.getMessage());
        }
    }

    /** @param query the query when already parsed (a streamed dense vector), else null: read from the body */
    private static QueryRequest request(JsonNode body, String path, boolean topLevel, Query query) {
        QueryRequest.Builder b = QueryRequest.builder();
        JsonNode pf = body.get("prefetch");
        if (pf != null && !pf.isNull()) {
            List<JsonNode> items = JsonFields.oneOrMany(pf);
            List<QueryRequest> prefetch = new ArrayList<>(items.size());
            String pp = child(path, "prefetch");
            for (int i = 0; i < items.size(); i++) {
                String ip = pf.isArray() ? index(pp, i) : pp;
                JsonNode item = JsonFields.object(items.get(i), ip);
                JsonFields.onlyFields(item, ip, PREFETCH_FIELDS);
                prefetch.add(request(item, ip, false, null));
            }
            b.prefetch(prefetch);
        }
        JsonNode q = body.get("query");
        if (query != null) {
            b.query(query);
        } else if (q != null && !q.isNull()) {
            b.query(queryInterface(q, child(path, "query")));
        }
        b.using(JsonFields.optString(body, "using", path));
        b.filter(FilterJson.parseOptional(body.get("filter"), child(path, "filter")));
        b.params(params(body.get("params"), child(path, "params")));
        b.scoreThreshold(scoreThreshold(body, path));
        b.limit(queryLimit(body, path));
        b.lookupFrom(lookupFrom(body.get("lookup_from"), child(path, "lookup_from")));
        if (topLevel) {
            Integer offset = JsonFields.optUint(body, "offset", path);
            b.offset(offset == null ? 0 : offset);
            b.withPayload(
                    SelectorJson.payload(body.get("with_payload"), child(path, "with_payload"), PayloadSelector.NONE));
            b.withVector(SelectorJson.vectorOf(body, path, VectorSelector.NONE));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw error(path, e.getMessage());
        }
    }

    private static int limit(JsonNode body, String path, int dflt) {
        Integer limit = JsonFields.optUint(body, "limit", path);
        if (limit == null) {
            return dflt;
        }
        if (limit < 1) {
            throw error(child(path, "limit"), "limit must be >= 1, got " + limit);
        }
        return limit;
    }

    /**
     * The query API's {@code limit}: up to u64::MAX as Qdrant's usize, saturated to {@link
     * Integer#MAX_VALUE} (results are bounded by the points found); 0 is a validation error (422).
     */
    private static int queryLimit(JsonNode body, String path) {
        JsonNode v = body.get("limit");
        if (v != null && v.isIntegralNumber() && v.bigIntegerValue().signum() >= 0) {
            if (v.bigIntegerValue().bitLength() > 64) {
                throw error(child(path, "limit"), "expected a non-negative integer up to u64::MAX, got " + describe(v));
            }
            if (v.bigIntegerValue().signum() == 0) {
                throw new ValidationError("internal." + child(path, "limit"), "value 0 invalid, must be 1 or larger");
            }
            return (int) Math.min(
                    Integer.MAX_VALUE, v.bigIntegerValue().min(LONG_MAX).longValue());
        }
        return limit(body, path, QueryRequest.DEFAULT_LIMIT);
    }

    private static final java.math.BigInteger LONG_MAX = java.math.BigInteger.valueOf(Long.MAX_VALUE);

    private static Float scoreThreshold(JsonNode body, String path) {
        Double d = JsonFields.optDouble(body, "score_threshold", path);
        return d == null ? null : d.floatValue();
    }

    static SearchParams params(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, Set.of("hnsw_ef", "exact", "quantization", "indexed_only", "acorn", "idf"));
        Integer ef = JsonFields.optUint(node, "hnsw_ef", path);
        if (ef != null && ef < 1) {
            throw new ValidationError(child(path, "hnsw_ef"), "value " + ef + " invalid, must be 1 or larger");
        }
        return new SearchParams(
                ef,
                JsonFields.bool(node, "exact", path, false),
                JsonFields.bool(node, "indexed_only", path, false),
                quantizationParams(node.get("quantization"), child(path, "quantization")),
                idfCorpus(node.get("idf"), child(path, "idf")));
    }

    /** {@code params.idf}: {@code "global"} (null here) or {@code {"corpus": <filter>}}. */
    private static Filter idfCorpus(JsonNode node, String path) {
        if (node == null
                || node.isNull()
                || (node.isTextual() && node.textValue().equals("global"))) {
            return null;
        }
        if (!node.isObject() || !node.has("corpus")) {
            throw error(path, "expected \"global\" or {\"corpus\": <filter>}, got " + describe(node));
        }
        JsonFields.onlyFields(node, path, Set.of("corpus"));
        return FilterJson.parseOptional(node.get("corpus"), child(path, "corpus"));
    }

    /** Qdrant's {@code QuantizationSearchParams}: {@code ignore}, {@code rescore}, {@code oversampling} (>= 1). */
    static SearchParams.QuantizationParams quantizationParams(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, Set.of("ignore", "rescore", "oversampling"));
        Double oversampling = JsonFields.optDouble(node, "oversampling", path);
        if (oversampling != null && !(oversampling >= 1.0)) {
            throw error(child(path, "oversampling"), "oversampling must be >= 1, got " + oversampling);
        }
        return new SearchParams.QuantizationParams(
                JsonFields.bool(node, "ignore", path, false), JsonFields.optBool(node, "rescore", path), oversampling);
    }

    private static LookupLocation lookupFrom(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, Set.of("collection", "vector", "shard_key"));
        return new LookupLocation(
                JsonFields.requiredString(node, "collection", path), JsonFields.optString(node, "vector", path));
    }

    /** {@code QueryInterface}: a bare vector input or one of the query objects. */
    static Query queryInterface(JsonNode node, String path) {
        if (!node.isObject() || SparseJson.isSparse(node) || DocumentJson.isDocument(node)) {
            return new Query.Nearest(vectorInput(node, path));
        }
        if (node.size() == 0) {
            throw error(path, "empty query object");
        }
        String kind = node.has("nearest")
                ? "nearest"
                : node.has("formula") ? "formula" : node.fieldNames().next();
        String p = child(path, kind);
        JsonNode arg = node.get(kind);
        switch (kind) {
            case "nearest" -> {
                JsonFields.onlyFields(node, path, Set.of("nearest", "mmr"));
                Query.Mmr mmr = null;
                if (has(node, "mmr")) {
                    String mp = child(path, "mmr");
                    JsonNode m = JsonFields.object(node.get("mmr"), mp);
                    JsonFields.onlyFields(m, mp, Set.of("diversity", "candidates_limit"));
                    Double diversity = JsonFields.optDouble(m, "diversity", mp);
                    if (diversity != null && !(diversity >= 0 && diversity <= 1)) {
                        throw error(child(mp, "diversity"), "diversity must be in [0, 1], got " + diversity);
                    }
                    mmr = new Query.Mmr(
                            diversity == null ? null : diversity.floatValue(),
                            JsonFields.optUint(m, "candidates_limit", mp));
                }
                return new Query.Nearest(vectorInput(arg, p), mmr);
            }
            case "recommend" -> {
                JsonFields.onlyFields(node, path, Set.of("recommend"));
                JsonFields.object(arg, p);
                JsonFields.onlyFields(arg, p, Set.of("positive", "negative", "strategy"));
                Query.Recommend r = new Query.Recommend(
                        vectorInputs(arg.get("positive"), child(p, "positive")),
                        vectorInputs(arg.get("negative"), child(p, "negative")),
                        strategy(JsonFields.optString(arg, "strategy", p), child(p, "strategy")));
                if (r.positive().isEmpty() && r.negative().isEmpty()) {
                    throw new ValidationError(
                            child(p, "positives, negatives"),
                            "At least one positive or negative vector/id must be provided");
                }
                return r;
            }
            case "fusion" -> {
                JsonFields.onlyFields(node, path, Set.of("fusion"));
                if (!arg.isTextual()) {
                    throw error(p, "expected \"rrf\" or \"dbsf\", got " + describe(arg));
                }
                return switch (arg.textValue()) {
                    case "rrf" -> Query.Fusion.rrf();
                    case "dbsf" -> Query.Fusion.dbsf();
                    default -> throw error(p, "unknown fusion \"" + arg.textValue() + "\", expected rrf or dbsf");
                };
            }
            case "rrf" -> {
                JsonFields.onlyFields(node, path, Set.of("rrf"));
                JsonFields.object(arg, p);
                JsonFields.onlyFields(arg, p, Set.of("k", "weights"));
                List<Float> weights = null;
                if (has(arg, "weights")) {
                    String wp = child(p, "weights");
                    List<JsonNode> ws = JsonFields.array(arg.get("weights"), wp);
                    weights = new ArrayList<>(ws.size());
                    for (int i = 0; i < ws.size(); i++) {
                        weights.add((float) JsonFields.finite(ws.get(i), index(wp, i)));
                    }
                }
                Integer k = JsonFields.optUint(arg, "k", p);
                if (k != null && k < 1) {
                    throw error(child(p, "k"), "k must be >= 1, got " + k);
                }
                return new Query.Fusion(Query.FusionMethod.RRF, k, weights);
            }
            case "order_by" -> {
                JsonFields.onlyFields(node, path, Set.of("order_by"));
                return orderBy(arg, p);
            }
            case "formula" -> {
                return FormulaJson.query(node, path);
            }
            case "discover" -> {
                JsonFields.onlyFields(node, path, Set.of("discover"));
                return ExampleQueryJson.discover(arg, p);
            }
            case "context" -> {
                JsonFields.onlyFields(node, path, Set.of("context"));
                return ExampleQueryJson.context(arg, p);
            }
            case "sample" -> {
                JsonFields.onlyFields(node, path, Set.of("sample"));
                return ExampleQueryJson.sample(arg, p);
            }
            case "relevance_feedback" -> {
                JsonFields.onlyFields(node, path, Set.of("relevance_feedback"));
                return ExampleQueryJson.relevanceFeedback(arg, p);
            }
            default ->
                throw error(
                        path,
                        "unknown query `" + kind + "`, expected a vector, a point id, or one of nearest, recommend,"
                                + " fusion, rrf, order_by, formula, discover, context, sample, relevance_feedback");
        }
    }

    /** {@code order_by}: a key string or {@code {key, direction, start_from}}. */
    public static Query.OrderBy orderBy(JsonNode node, String path) {
        if (node.isTextual()) {
            return new Query.OrderBy(node.textValue(), false, null);
        }
        JsonFields.object(node, path);
        JsonFields.onlyFields(node, path, Set.of("key", "direction", "start_from"));
        String key = JsonFields.requiredString(node, "key", path);
        String dir = JsonFields.optString(node, "direction", path);
        boolean desc;
        if (dir == null || dir.equals("asc")) {
            desc = false;
        } else if (dir.equals("desc")) {
            desc = true;
        } else {
            throw error(child(path, "direction"), "expected \"asc\" or \"desc\", got \"" + dir + "\"");
        }
        Double start = null;
        JsonNode sf = node.get("start_from");
        if (sf != null && !sf.isNull()) {
            start = sf.isTextual()
                    ? (double) FilterJson.parseDatetimeMicros(sf.textValue(), child(path, "start_from"))
                    : JsonFields.finite(sf, child(path, "start_from"));
        }
        return new Query.OrderBy(key, desc, start);
    }

    private static Query.RecommendStrategy strategy(String s, String path) {
        if (s == null) {
            return null;
        }
        return switch (s) {
            case "average_vector" -> Query.RecommendStrategy.AVERAGE_VECTOR;
            case "best_score" -> Query.RecommendStrategy.BEST_SCORE;
            case "sum_scores" -> Query.RecommendStrategy.SUM_SCORES;
            default ->
                throw error(path, "unknown strategy \"" + s + "\", expected average_vector, best_score or sum_scores");
        };
    }

    private static List<VectorInput> vectorInputs(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<JsonNode> items = JsonFields.array(node, path);
        List<VectorInput> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(vectorInput(items.get(i), index(path, i)));
        }
        return out;
    }

    /** {@code VectorInput}: a dense vector or a point id. */
    static VectorInput vectorInput(JsonNode node, String path) {
        if (node.isArray()) {
            if (node.isEmpty() || (node.get(0).isArray() && node.get(0).isEmpty())) {
                throw UserException.badRequest("Wrong input: empty vector in query input at " + path);
            }
            if (!node.isEmpty() && node.get(0).isArray()) { // a multivector, concatenated
                return new VectorInput.Dense(PointJson.multi(node, path, 0));
            }
            return new VectorInput.Dense(PointJson.dense(node, path));
        }
        if (node.isIntegralNumber() || node.isTextual()) {
            return new VectorInput.ById(PointIdJson.parse(node, path));
        }
        if (SparseJson.isSparse(node)) {
            return new VectorInput.Sparse(SparseJson.parse(node, path, path));
        }
        if (DocumentJson.isDocument(node)) {
            return new VectorInput.Sparse(DocumentJson.parse(node, path).asQueryVector());
        }
        if (node.isObject() && (node.has("image") || node.has("object"))) {
            throw error(path, "inference inputs (images, objects) are not supported: no inference service");
        }
        throw error(path, "expected a vector (array of numbers) or a point id, got " + describe(node));
    }

    // ---- legacy endpoints ------------------------------------------------------------------

    private static final Set<String> SEARCH_FIELDS = Set.of(
            "vector",
            "filter",
            "params",
            "limit",
            "offset",
            "with_payload",
            "with_vector",
            "with_vectors",
            "score_threshold",
            "shard_key");

    /** Qdrant's legacy search, recommend and discover requests accept {@code top} for {@code limit}. */
    private static final Map<String, String> LEGACY_ALIASES = Map.of("top", "limit");

    /** Legacy {@code POST /points/search}: {@code vector} is an array or {@code {name, vector}}. */
    public static QueryRequest search(JsonNode request, String path) {
        JsonNode body = JsonFields.aliased(JsonFields.object(request, path), path, LEGACY_ALIASES);
        JsonFields.onlyFields(body, path, SEARCH_FIELDS);
        JsonNode v = body.get("vector");
        String vp = child(path, "vector");
        String using = null;
        VectorInput vector;
        if (v == null || v.isNull()) {
            throw error(path, "missing field `vector`");
        } else if (v.isObject()) {
            JsonFields.onlyFields(v, vp, Set.of("name", "vector"));
            using = JsonFields.requiredString(v, "name", vp);
            JsonNode inner = v.get("vector");
            vector = SparseJson.isSparse(inner)
                    ? new VectorInput.Sparse(SparseJson.parse(inner, child(vp, "vector"), child(vp, "vector")))
                    : new VectorInput.Dense(PointJson.dense(inner, child(vp, "vector")));
        } else {
            vector = new VectorInput.Dense(PointJson.dense(v, vp));
        }
        return legacy(body, path, new Query.Nearest(vector), using, null);
    }

    public static List<QueryRequest> searchBatch(JsonNode body) {
        return batchOf(body, QueryJson::search);
    }

    /** Legacy {@code POST /points/recommend}. */
    public static QueryRequest recommend(JsonNode request, String path) {
        JsonNode body = JsonFields.aliased(JsonFields.object(request, path), path, LEGACY_ALIASES);
        exampleFields(body, path, Set.of("positive", "negative", "strategy"));
        Query.Recommend q = new Query.Recommend(
                vectorInputs(body.get("positive"), child(path, "positive")),
                vectorInputs(body.get("negative"), child(path, "negative")),
                strategy(JsonFields.optString(body, "strategy", path), child(path, "strategy")));
        if (q.positive().isEmpty() && q.negative().isEmpty()) {
            throw error(path, "at least one positive or negative example is required");
        }
        return legacyByExamples(body, path, q);
    }

    public static List<QueryRequest> recommendBatch(JsonNode body) {
        return batchOf(body, QueryJson::recommend);
    }

    /**
     * Legacy {@code POST /points/discover}: a {@code target} makes it a discover query, {@code
     * context} pairs alone a context query; one of them is required.
     */
    public static QueryRequest discover(JsonNode request, String path) {
        JsonNode body = JsonFields.aliased(JsonFields.object(request, path), path, LEGACY_ALIASES);
        exampleFields(body, path, Set.of("target", "context"));
        List<Query.ContextPair> pairs = ExampleQueryJson.pairs(body.get("context"), child(path, "context"));
        Query q;
        if (has(body, "target")) {
            q = new Query.Discover(vectorInput(body.get("target"), child(path, "target")), pairs);
        } else if (!pairs.isEmpty()) {
            q = new Query.Context(pairs);
        } else {
            throw UserException.badRequest("Bad request: target and/or context_pairs must be specified");
        }
        return legacyByExamples(body, path, q);
    }

    public static List<QueryRequest> discoverBatch(JsonNode body) {
        return batchOf(body, QueryJson::discover);
    }

    /** Rejects fields of a legacy recommend/discover body other than the search fields and {@code own}. */
    private static void exampleFields(JsonNode body, String path, Set<String> own) {
        Set<String> allowed = new HashSet<>(SEARCH_FIELDS);
        allowed.remove("vector");
        allowed.addAll(own);
        allowed.addAll(Set.of("using", "lookup_from"));
        JsonFields.onlyFields(body, path, allowed);
    }

    /** A legacy recommend/discover request: {@link #legacy} with its {@code using} and {@code lookup_from}. */
    private static QueryRequest legacyByExamples(JsonNode body, String path, Query q) {
        return legacy(
                body,
                path,
                q,
                JsonFields.optString(body, "using", path),
                lookupFrom(body.get("lookup_from"), child(path, "lookup_from")));
    }

    private static List<QueryRequest> batchOf(
            JsonNode body, java.util.function.BiFunction<JsonNode, String, QueryRequest> parser) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(body, "", Set.of("searches"));
        List<JsonNode> items = JsonFields.array(body.get("searches"), "searches");
        List<QueryRequest> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(parser.apply(items.get(i), index("searches", i)));
        }
        return out;
    }

    private static QueryRequest legacy(JsonNode body, String path, Query query, String using, LookupLocation lookup) {
        if (!has(body, "limit")) {
            throw error(path, "missing field `limit`");
        }
        Integer offset = JsonFields.optUint(body, "offset", path);
        try {
            return QueryRequest.builder()
                    .query(query)
                    .using(using)
                    .filter(FilterJson.parseOptional(body.get("filter"), child(path, "filter")))
                    .params(params(body.get("params"), child(path, "params")))
                    .scoreThreshold(scoreThreshold(body, path))
                    .limit(limit(body, path, 10))
                    .offset(offset == null ? 0 : offset)
                    .withPayload(SelectorJson.payload(
                            body.get("with_payload"), child(path, "with_payload"), PayloadSelector.NONE))
                    .withVector(SelectorJson.vectorOf(body, path, VectorSelector.NONE))
                    .lookupFrom(lookup)
                    .build();
        } catch (IllegalArgumentException e) {
            throw error(path, e.getMessage());
        }
    }
}
