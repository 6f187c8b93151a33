package io.sextant.server.api.rest;

import static io.sextant.server.api.rest.ApiExchange.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.sextant.cluster.MetadataCommand;
import io.sextant.cluster.MetadataCommand.Type;
import io.sextant.collection.AliasDescription;
import io.sextant.collection.Collection;
import io.sextant.collection.FailedCollection;
import io.sextant.collection.TableOfContents;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.convert.CollectionJson;
import io.sextant.server.api.convert.OptimizationsJson;
import io.sextant.server.api.convert.VectorNameJson;
import io.sextant.server.auth.Principal;
import io.sextant.server.auth.RestAuthHandler;
import io.sextant.server.cluster.MetadataGate;
import java.util.List;

/**
 * Collection, alias and payload-index endpoints. Handlers only parse (via {@code api.convert}),
 * call the {@link TableOfContents} and write the envelope; collection, alias and payload index
 * changes go through a {@link MetadataGate} (executed locally, or replicated by consensus in
 * cluster mode). A collection that failed to load is
 * listed, exists, answers its info with status {@code red} and the load error (as Qdrant's
 * {@code optimizer_status.error}), can be deleted, and fails every other request with a 500 that
 * says why. Thread-safe.
 */
final class CollectionRoutes {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final TableOfContents toc;
    private final ApiExchange io;
    private final MetadataGate metadata;

    /**
     * @param metadata where collection, alias and payload index changes go (local or consensus)
     */
    CollectionRoutes(TableOfContents toc, ApiExchange io, MetadataGate metadata) {
        this.toc = toc;
        this.io = io;
        this.metadata = metadata;
    }

    void register(RoutesConfig r) {
        r.get("/collections", this::list);
        r.get("/collections/{collection_name}", this::info);
        r.put("/collections/{collection_name}", this::create);
        r.patch("/collections/{collection_name}", this::update);
        r.delete("/collections/{collection_name}", this::delete);
        r.get("/collections/{collection_name}/exists", this::exists);
        r.get("/collections/{collection_name}/optimizations", this::optimizations);
        r.post("/collections/aliases", this::updateAliases);
        r.get("/aliases", this::listAliases);
        r.get("/collections/{collection_name}/aliases", this::collectionAliases);
        r.put("/collections/{collection_name}/index", this::createIndex);
        r.delete("/collections/{collection_name}/index/{field_name}", this::deleteIndex);
        r.put("/collections/{collection_name}/vectors/{vector_name}", this::createVector);
        r.delete("/collections/{collection_name}/vectors/{vector_name}", this::deleteVector);
    }

    private static String name(Context ctx) {
        return ctx.pathParam("collection_name");
    }

    private void list(Context ctx) {
        ObjectNode res = F.objectNode();
        ArrayNode arr = res.putArray("collections");
        Principal caller = RestAuthHandler.principal(ctx);
        java.util.TreeSet<String> names = new java.util.TreeSet<>(toc.list());
        toc.failedCollections().forEach(f -> names.add(f.name()));
        for (String n : names) {
            if (caller.canSee(n)) {
                arr.addObject().put("name", n);
            }
        }
        ok(ctx, res);
    }

    private void optimizations(Context ctx) {
        String limit = ctx.queryParam("completed_limit");
        int completedLimit;
        try {
            completedLimit = limit == null ? 16 : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            throw UserException.badRequest("completed_limit must be a non-negative integer, got " + limit);
        }
        if (completedLimit < 0) {
            throw UserException.badRequest("completed_limit must be >= 0, got " + completedLimit);
        }
        ok(
                ctx,
                OptimizationsJson.write(
                        toc.get(name(ctx)).optimizations(),
                        OptimizationsJson.parseWith(ctx.queryParam("with")),
                        completedLimit));
    }

    private void info(Context ctx) {
        FailedCollection failed = toc.failure(name(ctx));
        if (failed != null) {
            ok(ctx, CollectionJson.writeInfo(failed.info()));
            return;
        }
        Collection c = toc.get(name(ctx));
        ObjectNode info = CollectionJson.writeInfo(c.info());
        // Qdrant's update_queue: updates waiting for the shards' update locks
        info.putObject("update_queue")
                .put(
                        "length",
                        c.shards().stream()
                                .mapToInt(s -> s.stats().updateQueueLength())
                                .sum());
        ok(ctx, info);
    }

    private void create(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        ok(ctx, metadata.submit(MetadataCommand.of(Type.CREATE_COLLECTION, name(ctx), io.body(ctx))));
    }

    private void update(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        ok(ctx, metadata.submit(MetadataCommand.of(Type.UPDATE_COLLECTION, name(ctx), io.body(ctx))));
    }

    private void delete(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        ok(ctx, metadata.submit(MetadataCommand.of(Type.DELETE_COLLECTION, name(ctx), null)));
    }

    private void exists(Context ctx) {
        ObjectNode res = F.objectNode();
        res.put("exists", toc.exists(name(ctx)) || toc.failure(name(ctx)) != null);
        ok(ctx, res);
    }

    private void updateAliases(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        ok(ctx, metadata.submit(MetadataCommand.of(Type.UPDATE_ALIASES, null, io.body(ctx))));
    }

    private void listAliases(Context ctx) {
        Principal caller = RestAuthHandler.principal(ctx);
        ok(
                ctx,
                aliases(toc.aliases().stream()
                        .filter(a -> caller.canSee(a.collection()))
                        .toList()));
    }

    private void collectionAliases(Context ctx) {
        ok(ctx, aliases(toc.aliasesOf(name(ctx))));
    }

    private static ObjectNode aliases(List<AliasDescription> list) {
        ObjectNode res = F.objectNode();
        ArrayNode arr = res.putArray("aliases");
        for (AliasDescription a : list) {
            arr.addObject().put("alias_name", a.alias()).put("collection_name", a.collection());
        }
        return res;
    }

    private void createIndex(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        toc.get(name(ctx)); // 404 before the body is read
        ok(
                ctx,
                metadata.submit(new MetadataCommand(
                        Type.CREATE_INDEX, name(ctx), null, io.body(ctx), ApiExchange.waitParam(ctx))));
    }

    private void createVector(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        JsonNode body = io.body(ctx);
        VectorNameJson.parse(body); // bad body: 4xx before any lookup
        toc.get(name(ctx)); // 404 before the change enters the metadata log
        ok(
                ctx,
                metadata.submit(
                        new MetadataCommand(Type.CREATE_VECTOR, name(ctx), ctx.pathParam("vector_name"), body, true)));
    }

    private void deleteVector(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        toc.get(name(ctx));
        ok(
                ctx,
                metadata.submit(
                        new MetadataCommand(Type.DELETE_VECTOR, name(ctx), ctx.pathParam("vector_name"), null, true)));
    }

    private void deleteIndex(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        toc.get(name(ctx));
        ok(
                ctx,
                metadata.submit(new MetadataCommand(
                        Type.DELETE_INDEX, name(ctx), ctx.pathParam("field_name"), null, ApiExchange.waitParam(ctx))));
    }
}
