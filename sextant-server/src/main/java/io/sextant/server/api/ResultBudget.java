package io.sextant.server.api;

import io.sextant.collection.Collection;
import io.sextant.collection.query.QueryGroupsRequest;
import io.sextant.collection.query.QueryRequest;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.ResultWindow;
import java.util.List;

/**
 * The cap on how many points one search request may materialize, checked before it runs, for REST
 * and gRPC alike.
 *
 * <p>One search costs {@code min(offset + limit, points in the collection)}: the most hits it can
 * hold, whatever its limit (the engine allocates by hits found, never by the limit). A request
 * costs the sum over its searches and, recursively, their prefetches (every node at least 1, so an
 * empty collection still counts the work). A request of one search without prefetches never
 * exceeds the budget: it can return at most the whole collection, as in Qdrant. A batch, or a query
 * with many prefetches, that could materialize more than {@code max(}{@value #MIN_POINTS}{@code ,
 * points in the collection)} points is refused with 400 before any search runs, in the wording of
 * Qdrant's strict-mode limits; without the cap, one request body of a few megabytes could ask for
 * billions of result points. Stateless and thread-safe.
 */
public final class ResultBudget {

    /** Points any request may materialize, however small the collection. */
    public static final long MIN_POINTS = 1_000_000L;

    private ResultBudget() {}

    /**
     * Refuses the searches of one request (a batch, or one query as a batch of one) when they could
     * materialize more than the budget.
     *
     * @param field the request field named in the error ({@code searches}, {@code prefetch}, …)
     * @return {@code searches}
     * @throws UserException BAD_REQUEST when over the budget
     */
    public static <T extends List<QueryRequest>> T check(Collection c, T searches, String field) {
        if (cost(searches, Long.MAX_VALUE) <= MIN_POINTS) {
            return searches; // within budget over a collection of any size: no need to count points
        }
        long live = c.count(Filter.ALL, false);
        long cost = cost(searches, live);
        long budget = Math.max(MIN_POINTS, live);
        if (cost > budget) {
            throw UserException.badRequest("Bad request: Result size exceeded " + cost + " > " + budget + " for \""
                    + field + "\": the searches of one request (prefetches included) may hold at most max("
                    + MIN_POINTS + ", points in the collection) points, each counting min(offset + limit, " + live
                    + "). Split the batch or lower the limits.");
        }
        return searches;
    }

    /** {@link #check(Collection, List, String)} for one query. */
    public static void check(Collection c, QueryRequest query) {
        check(c, List.of(query), "prefetch");
    }

    /** {@link #check(Collection, List, String)} for the query of a grouped search. */
    public static void check(Collection c, QueryGroupsRequest groups) {
        check(c, List.of(groups.query()), "prefetch");
    }

    /** The summed cost of {@code searches} over a collection of {@code live} points. */
    static long cost(List<QueryRequest> searches, long live) {
        long total = 0;
        for (QueryRequest q : searches) {
            total = Math.min(Long.MAX_VALUE / 2, total + cost(q, live));
        }
        return total;
    }

    private static long cost(QueryRequest q, long live) {
        long own = Math.max(1, Math.min(ResultWindow.end(q.offset(), q.limit()), live));
        return Math.min(Long.MAX_VALUE / 2, own + cost(q.prefetch(), live));
    }
}
