package io.sextant.server.metrics;

import io.javalin.config.RoutesConfig;
import io.sextant.server.api.rest.ApiExchange;

/**
 * {@code GET /metrics}: every metric of {@link ServerMetrics} in the Prometheus text exposition
 * format (version 0.0.4); {@code per_collection=true} shows the request figures per collection. Needs global read access like Qdrant's (see {@code RestAccessRules}).
 * Thread-safe.
 */
public final class MetricsRoutes {

    /** The content type of the Prometheus text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerMetrics metrics;

    public MetricsRoutes(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    public void register(RoutesConfig r) {
        r.get("/metrics", ctx -> ctx.contentType(CONTENT_TYPE)
                .result(metrics.scrape(ApiExchange.boolParam(ctx, "per_collection", false))));
    }
}
