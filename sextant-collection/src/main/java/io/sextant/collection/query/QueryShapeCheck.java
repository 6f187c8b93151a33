package io.sextant.collection.query;

import io.sextant.segment.error.UserException;

/**
 * Qdrant's checks of how a query request's parts combine, made per level after the prefetches'
 * inputs are resolved (so a bad lookup in a prefetch is reported first, as Qdrant does): prefetches
 * need a query to merge them, score_threshold needs a scoring query (not order_by), and fusion has no
 * {@code using}. Stateless and thread-safe.
 */
final class QueryShapeCheck {
    private QueryShapeCheck() {}

    /** Throws a 400 {@link UserException} for a combination Qdrant rejects. */
    static void check(QueryRequest req) {
        Query q = req.query();
        if (!req.prefetch().isEmpty() && q == null) {
            throw UserException.badRequest("Bad request: A query is needed to merge the prefetches. Can't have"
                    + " prefetches without defining a query.");
        }
        if (req.scoreThreshold() != null) {
            if (q == null) {
                throw UserException.badRequest("Bad request: A query is needed to use the score_threshold. Can't"
                        + " have score_threshold without defining a query.");
            }
            if (q instanceof Query.OrderBy) {
                throw UserException.badRequest("Bad request: Can't use score_threshold with an order_by query.");
            }
        }
        if (q instanceof Query.Fusion && !req.using().isEmpty()) {
            throw UserException.badRequest("Bad request: Fusion queries cannot be combined with the 'using' field.");
        }
    }
}
