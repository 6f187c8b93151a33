package io.sextant.server.api.rest;

import static io.sextant.server.api.rest.ApiExchange.ok;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.facet.FacetRequest;
import io.sextant.collection.matrix.DistanceMatrix;
import io.sextant.collection.matrix.MatrixRequest;
import io.sextant.server.api.convert.FacetJson;
import io.sextant.server.api.convert.MatrixJson;
import io.sextant.server.api.convert.ShardKeyJson;

/**
 * Read endpoints that summarize a collection rather than return points: {@code facet} (value
 * counts of an indexed field) and the distance matrix ({@code points/search/matrix/pairs} and
 * {@code …/offsets}). Read access, as declared in {@link io.sextant.server.auth.RestAccessRules}.
 * Thread-safe.
 */
final class AnalyticsRoutes {
    private final TableOfContents toc;
    private final ApiExchange io;

    AnalyticsRoutes(TableOfContents toc, ApiExchange io) {
        this.toc = toc;
        this.io = io;
    }

    void register(RoutesConfig r) {
        String c = "/collections/{collection_name}";
        r.post(c + "/facet", this::facet);
        r.post(c + "/points/search/matrix/pairs", ctx -> ok(ctx, MatrixJson.pairs(matrix(ctx))));
        r.post(c + "/points/search/matrix/offsets", ctx -> ok(ctx, MatrixJson.offsets(matrix(ctx))));
    }

    private Collection collection(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        return toc.get(ctx.pathParam("collection_name"));
    }

    private void facet(Context ctx) {
        JsonNode body = io.body(ctx);
        Collection c = collection(ctx).scoped(ShardKeyJson.selector(body));
        FacetRequest req = FacetJson.parse(body);
        c.strictMode().checkTimeout(ApiExchange.timeoutParam(ctx));
        c.strictMode().checkFacet(req);
        ok(ctx, FacetJson.write(c.facet(req)));
    }

    private DistanceMatrix matrix(Context ctx) {
        JsonNode body = io.body(ctx);
        Collection c = collection(ctx).scoped(ShardKeyJson.selector(body));
        MatrixRequest req = MatrixJson.parse(body);
        c.strictMode().checkTimeout(ApiExchange.timeoutParam(ctx));
        c.strictMode().checkMatrix(req);
        return c.searchMatrix(req);
    }
}
