package io.sextant.collection.strict;

import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.HnswConfig;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.QueryRequest;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.query.SearchParams;
import java.util.Locale;
import java.util.Map;

/**
 * The strict mode checks of single request parts, each refusing with Qdrant's text ("{@code Bad
 * request: <what>. Help: <how to fix>}", 400): a limit, a timeout, a filter (indexed keys, number
 * and size of conditions), search params ({@code hnsw_ef}, {@code exact}, {@code oversampling}), a
 * query that would scan a vector without HNSW index, a {@code group_by} key. Entry points are
 * generic so that new request kinds (formula, facet, discover) can reuse them. The caller checks
 * {@link StrictModeConfig#isEnabled()} first. Stateless and thread-safe.
 */
public final class StrictModeVerifier {

    private StrictModeVerifier() {}

    /** A strict mode refusal: {@code error}, then what to do about it. */
    public static UserException violation(String error, String help) {
        return UserException.badRequest("Bad request: " + error + ". Help: " + help);
    }

    /** Refuses {@code value} above {@code limit} (no limit when null) of the parameter {@code name}. */
    public static void checkLimit(long value, Number limit, String name) {
        if (limit != null && value > limit.doubleValue()) {
            throw violation(
                    "Limit exceeded " + value + " > " + limit + " for \"" + name + "\"",
                    "Reduce the \"" + name + "\" parameter to or below " + limit + ".");
        }
    }

    private static void checkLimit(double value, Double limit, String name) {
        if (limit != null && value > limit) {
            throw violation(
                    "Limit exceeded " + value + " > " + limit + " for \"" + name + "\"",
                    "Reduce the \"" + name + "\" parameter to or below " + limit + ".");
        }
    }

    /** Refuses exact search when {@code search_allow_exact} is false. */
    public static void checkExact(StrictModeConfig s, boolean exact, String name) {
        if (exact && Boolean.FALSE.equals(s.searchAllowExact())) {
            throw violation(name + " disabled!", "Set exact=false.");
        }
    }

    /**
     * Checks a filter: its keys must be indexed when {@code allowUnindexed} is false, its number of
     * conditions and its largest condition within the limits.
     */
    public static void checkFilter(
            StrictModeConfig s, Filter filter, Boolean allowUnindexed, Map<String, PayloadIndexSpec> schema) {
        if (filter == null || filter.isEmpty()) {
            return;
        }
        if (Boolean.FALSE.equals(allowUnindexed)) {
            FilterChecks.UnindexedKey u = FilterChecks.unindexedKey(filter, schema);
            if (u != null) {
                throw unindexed(u, "filter");
            }
        }
        if (s.filterMaxConditions() != null) {
            int n = FilterChecks.conditionCount(filter);
            if (n > s.filterMaxConditions()) {
                throw violation(
                        "Filter condition limit reached (" + n + " > " + s.filterMaxConditions() + ")",
                        "Reduce the amount of conditions of your filter.");
            }
        }
        if (s.conditionMaxSize() != null) {
            int n = FilterChecks.maxConditionSize(filter);
            if (n > s.conditionMaxSize()) {
                throw violation(
                        "Condition size limit reached (" + n + " > " + s.conditionMaxSize() + ")",
                        "Reduce the size of your condition.");
            }
        }
    }

    private static UserException unindexed(FilterChecks.UnindexedKey u, String what) {
        return violation(
                "Index required but not found for \"" + u.key() + "\" of one of the following types: ["
                        + String.join(", ", u.schemas()) + "]",
                "Create an index for this key or use a different " + what + ".");
    }

    /** Checks {@code hnsw_ef}, {@code exact} and quantization {@code oversampling}. */
    public static void checkSearchParams(StrictModeConfig s, SearchParams p) {
        if (p == null) {
            return;
        }
        if (p.quantization() != null && p.quantization().oversampling() != null) {
            checkLimit(p.quantization().oversampling(), s.searchMaxOversampling(), "oversampling");
        }
        if (p.hnswEf() != null) {
            checkLimit(p.hnswEf(), s.searchMaxHnswEf(), "hnsw_ef");
        }
        checkExact(s, p.exact(), "Exact search");
    }

    /**
     * Checks a universal query and its prefetches: limit, filter, search params, and (with {@code
     * search_allow_exact: false}) that no nearest-vector search runs on a vector without global
     * HNSW index, unless it only re-scores prefetched candidates.
     */
    public static void checkQuery(
            StrictModeConfig s, QueryRequest q, CollectionConfig config, Map<String, PayloadIndexSpec> schema) {
        checkQuery(s, q, config, schema, true, true);
    }

    /** As {@link #checkQuery(StrictModeConfig, QueryRequest, CollectionConfig, Map)}, the limit optional. */
    static void checkQuery(
            StrictModeConfig s,
            QueryRequest q,
            CollectionConfig config,
            Map<String, PayloadIndexSpec> schema,
            boolean checkLimit,
            boolean topLevel) {
        for (QueryRequest p : q.prefetch()) {
            checkQuery(s, p, config, schema, true, false);
        }
        if (checkLimit) {
            checkLimit(q.limit(), s.maxQueryLimit(), "limit");
        }
        checkFilter(s, q.filter(), s.unindexedFilteringRetrieve(), schema);
        if (q.query() instanceof Query.Formula f && Boolean.FALSE.equals(s.unindexedFilteringRetrieve())) {
            FilterChecks.UnindexedKey u = FormulaChecks.unindexedKey(f.formula().expression(), schema);
            if (u != null) {
                throw unindexed(u, "formula expression");
            }
        }
        checkSearchParams(s, q.params());
        if (!topLevel || q.prefetch().isEmpty()) {
            checkFullScan(s, q, config, schema);
        }
    }

    private static void checkFullScan(
            StrictModeConfig s, QueryRequest q, CollectionConfig config, Map<String, PayloadIndexSpec> schema) {
        if (!Boolean.FALSE.equals(s.searchAllowExact())) {
            return;
        }
        boolean byVector =
                switch (q.query()) {
                    case Query.Nearest n -> true;
                    case Query.Recommend r -> true;
                    case Query.Discover d -> true;
                    case Query.Context c -> true;
                    case Query.RelevanceFeedback f -> true;
                    case null, default -> false;
                };
        if (!byVector) {
            return;
        }
        String using = q.using();
        if (config.sparseVector(using) != null || config.vector(using) == null) {
            return;
        }
        HnswConfig hnsw = config.effectiveHnsw(using);
        if (hnsw.m() > 0) {
            return;
        }
        String label = using.isEmpty() ? "" : " on '" + using + "'";
        boolean tenantFilter = q.filter().must().stream()
                        .map(StrictModeVerifier::key)
                        .anyMatch(k -> k != null
                                && schema.get(k) != null
                                && Boolean.TRUE.equals(schema.get(k).isTenant()))
                || q.filter().should().stream()
                        .map(StrictModeVerifier::key)
                        .anyMatch(k -> k != null
                                && schema.get(k) != null
                                && Boolean.TRUE.equals(schema.get(k).isTenant()));
        if (!tenantFilter) {
            throw violation(
                    "Request is forbidden" + label + " because global vector indexing is disabled (hnsw_config.m = 0)",
                    "Use tenant-specific filter, enable global vector indexing or enable strict mode"
                            + " `search_allow_exact` option");
        }
        int payloadM = hnsw.payloadM() != null ? hnsw.payloadM() : hnsw.m();
        if (payloadM == 0) {
            throw violation(
                    "Request is forbidden" + label
                            + " because vector indexing is disabled (hnsw_config.m = 0 and hnsw_config.payload_m = 0)",
                    "Enable vector indexing, use a prefetch query with indexed vectors or enable strict mode"
                            + " `search_allow_exact` option");
        }
    }

    private static String key(Condition c) {
        return c instanceof Condition.MatchCondition m ? m.key() : null;
    }

    /** With {@code unindexed_filtering_retrieve: false}, a {@code group_by} key needs an index that can match. */
    public static void checkGroupBy(StrictModeConfig s, String groupBy, Map<String, PayloadIndexSpec> schema) {
        if (!Boolean.FALSE.equals(s.unindexedFilteringRetrieve())) {
            return;
        }
        PayloadIndexSpec spec = schema.get(groupBy);
        if (spec == null) {
            throw violation(
                    "Index required but not found for \"" + groupBy + "\"",
                    "Create an index supporting `match` for this key.");
        }
        if (!FilterChecks.supportsMatch(spec)) {
            String w = spec.type().wireName();
            String kind = w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1);
            throw violation(
                    "Index of type \"" + kind + "\" found for \"" + groupBy + "\"",
                    "Create an index supporting `match` for this key.");
        }
    }
}
