package io.sextant.server.api.rest;

import static io.sextant.server.api.rest.ApiExchange.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.sextant.collection.Collection;
import io.sextant.collection.CollectionUpdateResult;
import io.sextant.collection.OperationValidator;
import io.sextant.collection.TableOfContents;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.server.api.convert.FilterJson;
import io.sextant.server.api.convert.JsonFields;
import io.sextant.server.api.convert.PointIdJson;
import io.sextant.server.api.convert.PointJson;
import io.sextant.server.api.convert.QueryJson;
import io.sextant.server.api.convert.SelectorJson;
import io.sextant.server.api.convert.ShardKeyJson;
import io.sextant.server.api.convert.UpdateJson;
import io.sextant.server.api.convert.VectorShapes;
import io.sextant.server.issues.IssueBoard;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Point read and write endpoints: get, upsert, delete, payload and vector updates, batch, scroll
 * and count. Handlers only parse (via {@code api.convert}), call the collection and write the
 * envelope. Thread-safe.
 */
final class PointRoutes {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final TableOfContents toc;
    private final ApiExchange io;
    private final IssueBoard issues;

    PointRoutes(TableOfContents toc, ApiExchange io, IssueBoard issues) {
        this.issues = issues;
        this.toc = toc;
        this.io = io;
    }

    void register(RoutesConfig r) {
        String p = "/collections/{collection_name}/points";
        r.post(p, this::getPoints);
        r.put(p, write(PointJson::parseUpsertOperation, true));
        r.get(p + "/{id}", this::getPoint);
        r.post(p + "/delete", write(UpdateJson::delete));
        r.post(p + "/payload", write((b, path) -> UpdateJson.setPayload(b, path, false)));
        r.put(p + "/payload", write((b, path) -> UpdateJson.setPayload(b, path, true)));
        r.post(p + "/payload/delete", write(UpdateJson::deletePayload));
        r.post(p + "/payload/clear", write(UpdateJson::clearPayload));
        r.put(p + "/vectors", write((UpdateParser) UpdateJson::updateVectors));
        r.post(p + "/vectors/delete", write(UpdateJson::deleteVectors));
        r.post(p + "/batch", this::batch);
        r.post(p + "/scroll", this::scroll);
        r.post(p + "/count", this::count);
    }

    /** The path's collection, after the common query params were checked and bound (reads too). */
    private Collection collection(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        return toc.get(ctx.pathParam("collection_name"));
    }

    /** Parses an update body for a collection whose vectors have the given shapes. */
    @FunctionalInterface
    private interface UpdateParser {
        PointOperation parse(JsonNode body, String path, VectorShapes shapes);
    }

    private io.javalin.http.Handler write(BiFunction<JsonNode, String, PointOperation> parser) {
        return write((b, path, shapes) -> parser.apply(b, path));
    }

    private io.javalin.http.Handler write(UpdateParser parser) {
        return write(parser, false);
    }

    /** @param packedVectors read the body's point vectors straight into float arrays ({@code PUT /points}) */
    private io.javalin.http.Handler write(UpdateParser parser, boolean packedVectors) {
        return ctx -> {
            ApiExchange.checkCommonParams(ctx);
            JsonNode body = packedVectors ? io.upsertBody(ctx) : io.body(ctx);
            Collection c = collection(ctx).scoped(ShardKeyJson.selector(body));
            PointOperation op = parser.parse(body, "", VectorShapes.of(c.config()));
            Long timeout = ApiExchange.timeoutParam(ctx);
            c.strictMode().checkTimeout(timeout);
            c.strictMode().checkUpdate(op);
            ApiExchange.updated(ctx, c.update(op, ApiExchange.waitParam(ctx), timeout));
        };
    }

    private void batch(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        Collection c = collection(ctx);
        JsonNode body = io.body(ctx);
        List<PointOperation> ops = UpdateJson.batch(body, VectorShapes.of(c.config()));
        List<Collection> targets = new java.util.ArrayList<>();
        for (JsonNode entry : body.get("operations")) {
            targets.add(c.scoped(ShardKeyJson.selector(entry.elements().next())));
        }
        boolean wait = ApiExchange.waitParam(ctx);
        // Check every operation against the collection config before applying any, so that a bad
        // operation late in the batch rejects the whole request and changes nothing.
        for (PointOperation op : ops) {
            OperationValidator.validate(c.config(), op);
        }
        Long timeout = ApiExchange.timeoutParam(ctx);
        c.strictMode().checkTimeout(timeout);
        for (PointOperation op : ops) {
            c.strictMode().checkUpdate(op);
        }
        ArrayNode results = F.arrayNode();
        for (int i = 0; i < ops.size(); i++) {
            CollectionUpdateResult r = targets.get(i).update(ops.get(i), wait, timeout);
            results.addObject()
                    .put("operation_id", r.operationId())
                    .put("status", r.status().wireName());
        }
        ok(ctx, results);
    }

    private void getPoints(Context ctx) {
        JsonNode body = JsonFields.object(io.body(ctx), "");
        Collection c = collection(ctx).scoped(ShardKeyJson.selector(body));
        JsonFields.onlyFields(body, "", Set.of("ids", "with_payload", "with_vector", "with_vectors", "shard_key"));
        List<PointId> ids = PointIdJson.parseList(body.get("ids"), "ids");
        PayloadSelector wp = SelectorJson.payload(body.get("with_payload"), "with_payload", PayloadSelector.ALL);
        VectorSelector wv = SelectorJson.vectorOf(body, "", VectorSelector.NONE);
        c.strictMode().checkRetrieve(ids.size());
        ok(ctx, PointJson.writeRecords(c.retrieve(ids, wp, wv), VectorShapes.of(c.config())));
    }

    private void getPoint(Context ctx) {
        Collection c = collection(ctx);
        PointId id = PointIdJson.parseText(ctx.pathParam("id"));
        c.strictMode().checkRetrieve(1);
        List<PointRecord> found = c.retrieve(List.of(id), PayloadSelector.ALL, VectorSelector.ALL);
        if (found.isEmpty()) {
            throw UserException.notFound("Not found: Point with id " + id + " does not exist!");
        }
        ok(ctx, PointJson.writeRecord(found.getFirst(), VectorShapes.of(c.config())));
    }

    private void scroll(Context ctx) {
        JsonNode body = JsonFields.object(io.body(ctx), "");
        Collection c = collection(ctx).scoped(ShardKeyJson.selector(body));
        JsonFields.onlyFields(
                body,
                "",
                Set.of(
                        "filter",
                        "limit",
                        "offset",
                        "with_payload",
                        "with_vector",
                        "with_vectors",
                        "order_by",
                        "shard_key"));
        Integer limit = JsonFields.optUint(body, "limit", "");
        if (limit != null && limit < 1) {
            throw JsonFields.error("limit", "limit must be >= 1, got " + limit);
        }
        JsonNode off = body.get("offset");
        PointId offset = off == null || off.isNull() ? null : PointIdJson.parse(off, "offset");
        ScrollRequest.OrderBy orderBy = null;
        JsonNode ob = body.get("order_by");
        if (ob != null && !ob.isNull()) {
            if (offset != null) {
                throw JsonFields.error(
                        "offset", "offset cannot be used together with order_by; use order_by.start_from");
            }
            var q = QueryJson.orderBy(ob, "order_by");
            orderBy = new ScrollRequest.OrderBy(q.key(), q.descending(), q.startFrom());
        }
        ScrollRequest req = new ScrollRequest(
                FilterJson.parseOptional(body.get("filter"), "filter"),
                limit == null ? 10 : limit,
                offset,
                orderBy,
                SelectorJson.payload(body.get("with_payload"), "with_payload", PayloadSelector.ALL),
                SelectorJson.vectorOf(body, "", VectorSelector.NONE));
        c.strictMode().checkTimeout(ApiExchange.timeoutParam(ctx));
        c.strictMode().checkScroll(req.filter(), req.limit());
        ScrollPage page = c.scroll(req);
        ObjectNode res = F.objectNode();
        res.set("points", PointJson.writeRecords(page.points(), VectorShapes.of(c.config())));
        res.set("next_page_offset", page.nextOffset() == null ? F.nullNode() : PointIdJson.write(page.nextOffset()));
        ok(ctx, res);
        issues.afterFiltered(c, java.util.Collections.singletonList(req.filter()));
    }

    private void count(Context ctx) {
        JsonNode body = JsonFields.object(io.body(ctx), "");
        Collection c = collection(ctx).scoped(ShardKeyJson.selector(body));
        JsonFields.onlyFields(body, "", Set.of("filter", "exact", "shard_key"));
        io.sextant.segment.filter.Filter filter = FilterJson.parseOptional(body.get("filter"), "filter");
        boolean exact = JsonFields.bool(body, "exact", "", true);
        c.strictMode().checkTimeout(ApiExchange.timeoutParam(ctx));
        c.strictMode().checkCount(filter, exact);
        long n = c.count(filter, exact);
        ObjectNode res = F.objectNode();
        res.put("count", n);
        ok(ctx, res);
        issues.afterFiltered(c, java.util.Collections.singletonList(filter));
    }
}
