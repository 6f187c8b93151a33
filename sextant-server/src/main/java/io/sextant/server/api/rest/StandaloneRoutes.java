package io.sextant.server.api.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * Endpoints a Qdrant node answers whether or not it runs in a cluster, served for a standalone
 * node: {@code GET /cluster} reports {@code {"status":"disabled"}}; the operations that need
 * consensus ({@code POST /cluster/recover}, {@code DELETE /cluster/peer/{peer_id}}) answer 405 with
 * "Qdrant is running in standalone mode", as Qdrant does; {@code GET /issues} lists no issues (Sextant
 * does not collect performance issues yet) and {@code DELETE /issues} clears them ({@code true}).
 * Access: {@code GET} needs global read, the rest manage ({@code RestAccessRules} default). Stateless,
 * thread-safe.
 */
final class StandaloneRoutes {

    static final String STANDALONE = "Qdrant is running in standalone mode";

    void register(RoutesConfig r) {
        r.get("/cluster", ctx -> {
            ObjectNode status = JsonNodeFactory.instance.objectNode();
            status.put("status", "disabled");
            ApiExchange.ok(ctx, status);
        });
        r.post("/cluster/recover", StandaloneRoutes::standalone);
        r.delete("/cluster/peer/{peer_id}", StandaloneRoutes::standalone);
        r.get("/issues", ctx -> {
            ObjectNode issues = JsonNodeFactory.instance.objectNode();
            issues.putArray("issues");
            ApiExchange.ok(ctx, issues);
        });
        r.delete("/issues", ctx -> ApiExchange.ok(ctx, true));
    }

    private static void standalone(Context ctx) {
        ApiExchange.error(ctx, 405, STANDALONE);
    }
}
