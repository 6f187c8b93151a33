package io.sextant.server.api.rest;

import static io.sextant.server.api.rest.ApiExchange.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.query.PointGroup;
import io.sextant.collection.query.QueryGroupsRequest;
import io.sextant.collection.query.QueryRequest;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.server.api.ResultBudget;
import io.sextant.server.api.convert.PointJson;
import io.sextant.server.api.convert.QueryBody;
import io.sextant.server.api.convert.QueryJson;
import io.sextant.server.api.convert.ScoredPointsWriter;
import io.sextant.server.api.convert.ShardKeyJson;
import io.sextant.server.api.convert.VectorShapes;
import io.sextant.server.auth.LookupAccessCheck;
import io.sextant.server.auth.Principal;
import io.sextant.server.auth.RestAuthHandler;
import io.sextant.server.issues.IssueBoard;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Search endpoints: the universal query API ({@code points/query}, batch, groups) and the legacy
 * {@code points/search}, {@code points/recommend} and {@code points/discover} endpoints (single and
 * batch), all executed as
 * collection queries. Batches and queries with prefetches are checked against the {@link
 * ResultBudget} before they run. Thread-safe.
 */
final class SearchRoutes {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final TableOfContents toc;
    private final ApiExchange io;
    private final IssueBoard issues;

    SearchRoutes(TableOfContents toc, ApiExchange io, IssueBoard issues) {
        this.toc = toc;
        this.io = io;
        this.issues = issues;
    }

    void register(RoutesConfig r) {
        String p = "/collections/{collection_name}/points";
        r.post(p + "/query", this::query);
        r.post(p + "/query/batch", this::queryBatch);
        r.post(p + "/query/groups", this::queryGroups);
        r.post(p + "/search", legacy(QueryJson::search));
        r.post(p + "/search/batch", legacyBatch(QueryJson::searchBatch));
        r.post(p + "/recommend", legacy(QueryJson::recommend));
        r.post(p + "/recommend/batch", legacyBatch(QueryJson::recommendBatch));
        r.post(p + "/discover", legacy(QueryJson::discover));
        r.post(p + "/discover/batch", legacyBatch(QueryJson::discoverBatch));
    }

    private Collection collection(Context ctx) {
        return collection(ctx.pathParam("collection_name"), ctx::queryParam);
    }

    /** The collection (or alias) {@code name}, after the common query parameters were checked. */
    private Collection collection(String name, UnaryOperator<String> params) {
        ApiExchange.checkCommonParams(params);
        Collection c = toc.get(name);
        c.strictMode().checkTimeout(ApiExchange.timeoutParam(params));
        return c;
    }

    private static QueryRequest strict(Collection c, QueryRequest q) {
        c.strictMode().checkQuery(q);
        return q;
    }

    private static List<QueryRequest> strict(Collection c, List<QueryRequest> batch) {
        c.strictMode().checkQueryBatch(batch);
        return batch;
    }

    private void query(Context ctx) {
        QueryBody body = io.queryBody(ctx);
        ApiExchange.okStreamed(
                ctx, query(RestAuthHandler.principal(ctx), ctx.pathParam("collection_name"), ctx::queryParam, body));
    }

    /**
     * Runs a {@code points/query} request on collection (or alias) {@code name} with the query
     * parameters of {@code params} for {@code principal} (null: anonymous admin), and returns the
     * writer of its result. Shared by the route above and {@link FastReads}.
     */
    ApiExchange.ResultWriter query(Principal principal, String name, UnaryOperator<String> params, QueryBody body) {
        Collection c = collection(name, params).scoped(ShardKeyJson.selector(body.tree()));
        QueryRequest q = strict(c, lookups(principal, QueryJson.query(body)));
        ResultBudget.check(c, q);
        List<ScoredPoint> hits = c.query(q);
        VectorShapes shapes = VectorShapes.of(c.config());
        issues.afterQuery(c, q);
        return g -> {
            g.writeStartObject();
            g.writeFieldName("points");
            ScoredPointsWriter.write(g, hits, shapes);
            g.writeEndObject();
        };
    }

    private void queryBatch(Context ctx) {
        ApiExchange.okStreamed(
                ctx,
                queryBatch(
                        RestAuthHandler.principal(ctx),
                        ctx.pathParam("collection_name"),
                        ctx::queryParam,
                        io.body(ctx)));
    }

    /**
     * Runs a {@code points/query/batch} request ({@code {"searches": [...]}}) on collection (or
     * alias) {@code name} for {@code principal} (null: anonymous admin), each search on the shards of
     * its own {@code shard_key}, and returns the writer of its result: one {@code {"points": [...]}}
     * per search, streamed. Shared by the route above and {@link FastReads}.
     */
    ApiExchange.ResultWriter queryBatch(Principal principal, String name, UnaryOperator<String> params, JsonNode body) {
        Collection c = collection(name, params);
        List<QueryRequest> batch =
                ResultBudget.check(c, strict(c, lookups(principal, QueryJson.queryBatch(body))), "searches");
        List<List<ScoredPoint>> results = runBatch(c, body, batch);
        VectorShapes shapes = VectorShapes.of(c.config());
        issues.afterQueries(c, batch);
        return g -> {
            g.writeStartArray();
            for (List<ScoredPoint> hits : results) {
                g.writeStartObject();
                g.writeFieldName("points");
                ScoredPointsWriter.write(g, hits, shapes);
                g.writeEndObject();
            }
            g.writeEndArray();
        };
    }

    private void queryGroups(Context ctx) {
        JsonNode body = io.body(ctx);
        Collection c = collection(ctx).scoped(ShardKeyJson.selector(body));
        ObjectNode res = F.objectNode();
        ArrayNode groups = res.putArray("groups");
        QueryGroupsRequest request = lookups(ctx, QueryJson.queryGroups(body));
        c.strictMode().checkGroups(request);
        ResultBudget.check(c, request);
        for (PointGroup g : c.queryGroups(request)) {
            ObjectNode og = groups.addObject();
            og.set("id", g.id());
            og.set("hits", PointJson.writeScoredList(g.hits(), VectorShapes.of(c.config())));
            if (g.lookup() != null) {
                og.set("lookup", PointJson.writeRecord(g.lookup()));
            }
        }
        ok(ctx, res);
        issues.afterQuery(c, request.query());
    }

    /** A legacy single-request endpoint: {@code parser} maps its body onto a query. */
    private Handler legacy(BiFunction<JsonNode, String, QueryRequest> parser) {
        return ctx -> {
            JsonNode body = io.body(ctx);
            ok(
                    ctx,
                    legacy(
                            RestAuthHandler.principal(ctx),
                            ctx.pathParam("collection_name"),
                            ctx::queryParam,
                            body,
                            parser));
        };
    }

    /**
     * Runs a legacy single request ({@code points/search} with {@link QueryJson#search}, ...) on
     * collection (or alias) {@code name} for {@code principal} (null: anonymous admin) and returns
     * its result. Shared by the routes and {@link FastReads}.
     */
    JsonNode legacy(
            Principal principal,
            String name,
            UnaryOperator<String> params,
            JsonNode body,
            BiFunction<JsonNode, String, QueryRequest> parser) {
        Collection c = collection(name, params).scoped(ShardKeyJson.selector(body));
        QueryRequest q = strict(c, lookups(principal, parser.apply(body, "")));
        JsonNode result = PointJson.writeScoredList(c.query(q), VectorShapes.of(c.config()));
        issues.afterQuery(c, q);
        return result;
    }

    /** A legacy batch endpoint ({@code {"searches": [...]}}). */
    private Handler legacyBatch(Function<JsonNode, List<QueryRequest>> parser) {
        return ctx -> {
            Collection c = collection(ctx);
            JsonNode body = io.body(ctx);
            List<QueryRequest> batch = ResultBudget.check(c, strict(c, lookups(ctx, parser.apply(body))), "searches");
            ok(ctx, batchResult(c, runBatch(c, body, batch)));
            issues.afterQueries(c, batch);
        };
    }

    /** Runs a batch, each request on the shards of its own {@code shard_key} ({@code searches[i]}). */
    private static List<List<ScoredPoint>> runBatch(Collection c, JsonNode body, List<QueryRequest> batch) {
        JsonNode searches = body.get("searches");
        List<List<ScoredPoint>> out = new java.util.ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            out.add(c.scoped(ShardKeyJson.selector(searches.get(i))).query(batch.get(i)));
        }
        return out;
    }

    /** Checks read access to the collections named by {@code lookup_from} (see {@link LookupAccessCheck}). */
    private QueryRequest lookups(Context ctx, QueryRequest q) {
        return lookups(RestAuthHandler.principal(ctx), q);
    }

    private QueryRequest lookups(Principal principal, QueryRequest q) {
        LookupAccessCheck.check(principal == null ? Principal.ANONYMOUS_ADMIN : principal, q, this::collectionName);
        return q;
    }

    private List<QueryRequest> lookups(Context ctx, List<QueryRequest> batch) {
        return lookups(RestAuthHandler.principal(ctx), batch);
    }

    private List<QueryRequest> lookups(Principal principal, List<QueryRequest> batch) {
        LookupAccessCheck.check(principal == null ? Principal.ANONYMOUS_ADMIN : principal, batch, this::collectionName);
        return batch;
    }

    private QueryGroupsRequest lookups(Context ctx, QueryGroupsRequest g) {
        LookupAccessCheck.check(RestAuthHandler.principal(ctx), g, this::collectionName);
        return g;
    }

    private String collectionName(String nameOrAlias) {
        return toc.exists(nameOrAlias) ? toc.get(nameOrAlias).name() : nameOrAlias;
    }

    private static ArrayNode batchResult(Collection c, List<List<ScoredPoint>> results) {
        VectorShapes shapes = VectorShapes.of(c.config());
        ArrayNode arr = F.arrayNode();
        results.forEach(hits -> arr.add(PointJson.writeScoredList(hits, shapes)));
        return arr;
    }
}
