package io.sextant.server.api.rest;

import static io.sextant.server.api.rest.ApiExchange.ok;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.server.cluster.MetadataGate;
import io.sextant.server.cluster.ShardKeyCommands;

/**
 * Shard keys of custom-sharded collections: {@code GET /collections/{c}/shards} (read), {@code PUT
 * /collections/{c}/shards} and {@code POST /collections/{c}/shards/delete} (manage). Creates and
 * drops go through the {@link MetadataGate} (the metadata log in cluster mode), as collection
 * changes do. Unlike Qdrant, which refuses them on a standalone node, a standalone node serves them
 * too. Thread-safe (stateless).
 */
final class ShardKeyRoutes {
    private final TableOfContents toc;
    private final ApiExchange io;
    private final MetadataGate gate;

    ShardKeyRoutes(TableOfContents toc, ApiExchange io, MetadataGate gate) {
        this.toc = toc;
        this.io = io;
        this.gate = gate;
    }

    void register(RoutesConfig r) {
        String p = "/collections/{collection_name}/shards";
        r.get(p, ctx -> ok(ctx, ShardKeyCommands.list(collection(ctx))));
        r.put(p, ctx -> {
            Collection c = collection(ctx);
            ok(ctx, gate.submit(ShardKeyCommands.create(c, io.body(ctx))));
        });
        r.post(p + "/delete", ctx -> {
            Collection c = collection(ctx);
            ok(ctx, gate.submit(ShardKeyCommands.drop(c, io.body(ctx))));
        });
    }

    private Collection collection(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        return toc.get(ctx.pathParam("collection_name"));
    }
}
