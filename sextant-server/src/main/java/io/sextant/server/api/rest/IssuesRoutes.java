package io.sextant.server.api.rest;

import io.javalin.config.RoutesConfig;
import io.sextant.server.api.convert.IssueJson;
import io.sextant.server.issues.IssueBoard;

/**
 * Qdrant's {@code GET /issues} (the open issues of the {@link IssueBoard}: unindexed fields used
 * in filters) and {@code DELETE /issues} (clears them: {@code true}). Access: {@code GET} needs
 * global read, {@code DELETE} manage ({@code RestAccessRules} default). The standalone answers of
 * the {@code /cluster} endpoints live in {@link io.sextant.server.cluster.ClusterRoutes}.
 * Thread-safe.
 */
final class IssuesRoutes {

    private final IssueBoard board;

    IssuesRoutes(IssueBoard board) {
        this.board = board;
    }

    void register(RoutesConfig r) {
        r.get("/issues", ctx -> ApiExchange.ok(ctx, IssueJson.report(board.current())));
        r.delete("/issues", ctx -> {
            board.clear();
            ApiExchange.ok(ctx, true);
        });
    }
}
