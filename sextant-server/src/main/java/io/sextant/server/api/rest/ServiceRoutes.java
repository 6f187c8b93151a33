package io.sextant.server.api.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.function.BooleanSupplier;

/**
 * Service endpoints: {@code GET /} (exactly Qdrant's {@code VersionInfo}: title, the Qdrant API
 * version and the 40-hex build commit, see {@link BuildInfo}; Sextant's own version is in {@code
 * /telemetry}) and the Kubernetes probes {@code /healthz}, {@code /livez}, {@code /readyz}, which
 * answer plain text like Qdrant. Thread-safe.
 */
final class ServiceRoutes {

    /** The Qdrant API version this server implements. */
    static final String QDRANT_VERSION = "1.19.0";

    static final String SEXTANT_VERSION = "0.1.0";

    private final BooleanSupplier ready;

    ServiceRoutes(BooleanSupplier ready) {
        this.ready = ready;
    }

    void register(RoutesConfig r) {
        r.get("/", this::root);
        r.get("/healthz", ctx -> text(ctx, 200, "healthz check passed"));
        r.get("/livez", ctx -> text(ctx, 200, "healthz check passed"));
        r.get("/readyz", ctx -> {
            if (ready.getAsBoolean()) {
                text(ctx, 200, "all shards are ready");
            } else {
                text(ctx, 503, "some shards are not ready");
            }
        });
    }

    private void root(Context ctx) {
        ObjectNode info = JsonNodeFactory.instance.objectNode();
        info.put("title", "qdrant - vector search engine");
        info.put("version", QDRANT_VERSION);
        info.put("commit", BuildInfo.commit());
        ctx.contentType("application/json").result(info.toString());
    }

    private static void text(Context ctx, int status, String body) {
        ctx.status(status).contentType("text/plain; charset=utf-8").result(body);
    }
}
