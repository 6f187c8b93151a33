package io.sextant.server.api.rest;

import static io.sextant.server.api.rest.ApiExchange.ok;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.query.PointGroup;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.server.api.convert.PointJson;
import io.sextant.server.api.convert.QueryJson;
import java.util.List;

/**
 * Search endpoints: the universal query API ({@code points/query}, batch, groups) and the legacy
 * {@code points/search} and {@code points/recommend} endpoints (single and batch), all executed as
 * collection queries. Thread-safe.
 */
final class SearchRoutes {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final TableOfContents toc;
    private final ApiExchange io;

    SearchRoutes(TableOfContents toc, ApiExchange io) {
        this.toc = toc;
        this.io = io;
    }

    void register(RoutesConfig r) {
        String p = "/collections/{collection_name}/points";
        r.post(p + "/query", this::query);
        r.post(p + "/query/batch", this::queryBatch);
        r.post(p + "/query/groups", this::queryGroups);
        r.post(p + "/search", this::search);
        r.post(p + "/search/batch", this::searchBatch);
        r.post(p + "/recommend", this::recommend);
        r.post(p + "/recommend/batch", this::recommendBatch);
    }

    private Collection collection(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        return toc.get(ctx.pathParam("collection_name"));
    }

    private void query(Context ctx) {
        Collection c = collection(ctx);
        ObjectNode res = F.objectNode();
        res.set("points", PointJson.writeScoredList(c.query(QueryJson.query(io.body(ctx), ""))));
        ok(ctx, res);
    }

    private void queryBatch(Context ctx) {
        Collection c = collection(ctx);
        ArrayNode arr = F.arrayNode();
        for (List<ScoredPoint> hits : c.queryBatch(QueryJson.queryBatch(io.body(ctx)))) {
            arr.addObject().set("points", PointJson.writeScoredList(hits));
        }
        ok(ctx, arr);
    }

    private void queryGroups(Context ctx) {
        Collection c = collection(ctx);
        ObjectNode res = F.objectNode();
        ArrayNode groups = res.putArray("groups");
        for (PointGroup g : c.queryGroups(QueryJson.queryGroups(io.body(ctx)))) {
            ObjectNode og = groups.addObject();
            og.set("id", g.id());
            og.set("hits", PointJson.writeScoredList(g.hits()));
            if (g.lookup() != null) {
                og.set("lookup", PointJson.writeRecord(g.lookup()));
            }
        }
        ok(ctx, res);
    }

    private void search(Context ctx) {
        Collection c = collection(ctx);
        ok(ctx, PointJson.writeScoredList(c.query(QueryJson.search(io.body(ctx), ""))));
    }

    private void searchBatch(Context ctx) {
        Collection c = collection(ctx);
        ok(ctx, batchResult(c.queryBatch(QueryJson.searchBatch(io.body(ctx)))));
    }

    private void recommend(Context ctx) {
        Collection c = collection(ctx);
        ok(ctx, PointJson.writeScoredList(c.query(QueryJson.recommend(io.body(ctx), ""))));
    }

    private void recommendBatch(Context ctx) {
        Collection c = collection(ctx);
        ok(ctx, batchResult(c.queryBatch(QueryJson.recommendBatch(io.body(ctx)))));
    }

    private static ArrayNode batchResult(List<List<ScoredPoint>> results) {
        ArrayNode arr = F.arrayNode();
        results.forEach(hits -> arr.add(PointJson.writeScoredList(hits)));
        return arr;
    }
}
