package io.sextant.server.auth;

import io.sextant.collection.query.LookupLocation;
import io.sextant.collection.query.QueryGroupsRequest;
import io.sextant.collection.query.QueryRequest;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Read access to the <em>other</em> collections a query reads: {@code lookup_from} (at any depth
 * of {@code prefetch}) and {@code with_lookup} of grouped queries. The path-based rules ({@link
 * RestAccessRules}) only see the collection in the URL, so a token scoped to collection A could
 * otherwise read vectors and payloads of B through a lookup. As with the path, aliases are resolved
 * to their collection first, and an unknown name answers 403 to a scoped caller (existence does not
 * leak). Framework-neutral (gRPC applies the same check). Stateless and thread-safe.
 */
public final class LookupAccessCheck {

    private LookupAccessCheck() {}

    /**
     * @param resolveAlias maps a collection name or alias to the collection's name (unknown names
     *     map to themselves)
     * @throws io.sextant.segment.error.UserException (forbidden) when a looked-up collection may
     *     not be read
     */
    public static void check(Principal p, QueryRequest request, UnaryOperator<String> resolveAlias) {
        if (request.lookupFrom() != null && request.lookupFrom().collection() != null) {
            p.checkRead(resolveAlias.apply(request.lookupFrom().collection()));
        }
        for (QueryRequest pre : request.prefetch()) {
            check(p, pre, resolveAlias);
        }
    }

    /** As {@link #check(Principal, QueryRequest, UnaryOperator)} for every request of a batch. */
    public static void check(Principal p, List<QueryRequest> batch, UnaryOperator<String> resolveAlias) {
        for (QueryRequest q : batch) {
            check(p, q, resolveAlias);
        }
    }

    /** A legacy recommend request's {@code lookup_from}, if any. */
    public static void check(Principal p, LookupLocation lookupFrom, UnaryOperator<String> resolveAlias) {
        if (lookupFrom != null && lookupFrom.collection() != null) {
            p.checkRead(resolveAlias.apply(lookupFrom.collection()));
        }
    }

    /** The grouped query's lookups and its {@code with_lookup} collection. */
    public static void check(Principal p, QueryGroupsRequest request, UnaryOperator<String> resolveAlias) {
        check(p, request.query(), resolveAlias);
        if (request.withLookup() != null) {
            p.checkRead(resolveAlias.apply(request.withLookup().collection()));
        }
    }
}
