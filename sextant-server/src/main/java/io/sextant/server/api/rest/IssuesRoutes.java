package io.sextant.server.api.rest;

import io.javalin.config.RoutesConfig;
import io.sextant.server.api.convert.IssueJson;
import io.sextant.server.auth.Principal;
import io.sextant.server.auth.RestAuthHandler;
import io.sextant.server.issues.IssueBoard;

/**
 * Qdrant's {@code GET /issues} (the open issues of the {@link IssueBoard}: unindexed fields used
 * in filters; a collection-scoped caller sees those of its collections, as Qdrant) and {@code
 * DELETE /issues} (clears them: {@code true}; needs manage, the {@code RestAccessRules} default).
 * The standalone answers of the {@code /cluster} endpoints live in {@link
 * io.sextant.server.cluster.ClusterRoutes}. Thread-safe.
 */
final class IssuesRoutes {

    private final IssueBoard board;

    IssuesRoutes(IssueBoard board) {
        this.board = board;
    }

    void register(RoutesConfig r) {
        r.get("/issues", ctx -> {
            Principal caller = RestAuthHandler.principal(ctx);
            ApiExchange.ok(
                    ctx,
                    IssueJson.report(
                            board.current().stream()
                                    .filter(i -> caller.canSee(i.collection()))
                                    .toList(),
                            board.lowRecall().stream()
                                    .filter(i -> caller.canSee(i.collection()))
                                    .toList()));
        });
        r.delete("/issues", ctx -> {
            board.clear();
            ApiExchange.ok(ctx, true);
        });
    }
}
