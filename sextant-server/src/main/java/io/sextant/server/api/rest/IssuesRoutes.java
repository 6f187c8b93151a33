package io.sextant.server.api.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;

/**
 * Qdrant's {@code GET /issues} (lists no issues: Sextant does not collect performance issues yet)
 * and {@code DELETE /issues} (clears them: {@code true}). Access: {@code GET} needs global read,
 * {@code DELETE} manage ({@code RestAccessRules} default). The standalone answers of the {@code
 * /cluster} endpoints live in {@link io.sextant.server.cluster.ClusterRoutes}. Stateless,
 * thread-safe.
 */
final class IssuesRoutes {

    void register(RoutesConfig r) {
        r.get("/issues", ctx -> {
            ObjectNode issues = JsonNodeFactory.instance.objectNode();
            issues.putArray("issues");
            ApiExchange.ok(ctx, issues);
        });
        r.delete("/issues", ctx -> ApiExchange.ok(ctx, true));
    }
}
