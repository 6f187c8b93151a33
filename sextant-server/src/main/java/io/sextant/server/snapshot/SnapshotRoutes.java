package io.sextant.server.snapshot;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotPriority;
import io.sextant.collection.snapshot.SnapshotService;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.convert.SnapshotJson;
import io.sextant.server.api.rest.ApiExchange;
import jakarta.servlet.MultipartConfigElement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.eclipse.jetty.http.BadMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Qdrant's snapshot endpoints: collection snapshots ({@code /collections/{c}/snapshots...}), shard
 * snapshots ({@code /collections/{c}/shards/{id}/snapshots...}) and full snapshots ({@code
 * /snapshots...}). Downloads stream from the store (never buffered in memory); uploads are
 * multipart with the file in the {@code snapshot} field, spooled to the snapshot staging directory
 * (at most 1 MiB in memory) and bounded by {@code storage.snapshots_config.max_upload_bytes}: a
 * larger declared {@code Content-Length} is refused with 413 before the body is read, and a larger
 * streamed body is cut off with 413 while it is parsed. {@code wait=false} on create, delete and
 * recover runs the work in the background and answers 202 {@code {"result":null,"status":
 * "accepted"}} like Qdrant. Thread-safe.
 */
public final class SnapshotRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotRoutes.class);
    private static final String C = "/collections/{collection_name}";
    private static final String S = C + "/shards/{shard_id}";
    /** Multipart headers and boundaries allowed on top of the snapshot itself. */
    private static final long MULTIPART_OVERHEAD = 64 * 1024;
    /** The request attribute Jetty (and Javalin) read the multipart limits from. */
    private static final String MULTIPART_CONFIG = "org.eclipse.jetty.multipartConfig";

    private final SnapshotService service;
    private final ApiExchange io;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    public SnapshotRoutes(SnapshotService service, ApiExchange io) {
        this.service = service;
        this.io = io;
    }

    public void register(RoutesConfig r) {
        r.post(C + "/snapshots", ctx -> run(ctx, () -> desc(service.createCollection(coll(ctx)))));
        r.get(
                C + "/snapshots",
                ctx -> ApiExchange.ok(ctx, SnapshotJson.descriptions(service.listCollection(coll(ctx)))));
        r.put(C + "/snapshots/recover", ctx -> {
            var req = SnapshotJson.recover(io.body(ctx));
            run(ctx, () -> recovered(service.recoverCollection(coll(ctx), req)));
        });
        r.post(C + "/snapshots/upload", ctx -> upload(ctx, -1));
        r.get(C + "/snapshots/{snapshot_name}", ctx -> download(ctx, service.openCollection(coll(ctx), name(ctx))));
        r.delete(
                C + "/snapshots/{snapshot_name}",
                ctx -> run(ctx, () -> bool(service.deleteCollection(coll(ctx), name(ctx)))));

        r.post(S + "/snapshots", ctx -> run(ctx, () -> desc(service.createShard(coll(ctx), shard(ctx)))));
        r.get(
                S + "/snapshots",
                ctx -> ApiExchange.ok(ctx, SnapshotJson.descriptions(service.listShard(coll(ctx), shard(ctx)))));
        r.put(S + "/snapshots/recover", ctx -> {
            var req = SnapshotJson.recover(io.body(ctx));
            int id = shard(ctx);
            run(ctx, () -> recovered(service.recoverShard(coll(ctx), id, req)));
        });
        r.post(S + "/snapshots/upload", ctx -> upload(ctx, shard(ctx)));
        // Qdrant's partial shard snapshots (a replica catching up from another peer's changed files)
        // need a cluster; the query is validated as Qdrant does, then the request is refused
        r.post(S + "/snapshot/partial/recover", ctx -> {
            checksumParam(ctx);
            shard(ctx);
            throw UserException.badRequest(
                    "Bad request: partial shard snapshot recovery is not supported: Sextant runs standalone");
        });
        r.get(
                S + "/snapshots/{snapshot_name}",
                ctx -> download(ctx, service.openShard(coll(ctx), shard(ctx), name(ctx))));
        r.delete(
                S + "/snapshots/{snapshot_name}",
                ctx -> run(ctx, () -> bool(service.deleteShard(coll(ctx), shard(ctx), name(ctx)))));

        r.post("/snapshots", ctx -> run(ctx, () -> desc(service.createFull())));
        r.get("/snapshots", ctx -> ApiExchange.ok(ctx, SnapshotJson.descriptions(service.listFull())));
        r.get("/snapshots/{snapshot_name}", ctx -> download(ctx, service.openFull(name(ctx))));
        r.delete("/snapshots/{snapshot_name}", ctx -> run(ctx, () -> bool(service.deleteFull(name(ctx)))));
    }

    private static String coll(Context ctx) {
        return ctx.pathParam("collection_name");
    }

    private static String name(Context ctx) {
        return ctx.pathParam("snapshot_name");
    }

    private static int shard(Context ctx) {
        String s = ctx.pathParam("shard_id");
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw UserException.badRequest("Wrong input: shard_id must be a non-negative integer, got '" + s + "'");
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode desc(SnapshotDescription d) {
        return SnapshotJson.description(d);
    }

    private static com.fasterxml.jackson.databind.JsonNode bool(boolean b) {
        return JsonNodeFactory.instance.booleanNode(b);
    }

    private static com.fasterxml.jackson.databind.JsonNode recovered(Object restored) {
        return JsonNodeFactory.instance.booleanNode(true);
    }

    /**
     * The optional {@code checksum} query parameter: a SHA-256 in hex (64 digits, any case), else
     * 422 with Qdrant's validation code {@code invalid_sha256_hash}.
     */
    static String checksumParam(Context ctx) {
        String c = ctx.queryParam("checksum");
        if (c == null) {
            return null;
        }
        String problem = c.length() != 64
                ? "length " + c.length() + ", expected 64"
                : c.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 && ch < 128)
                        ? null
                        : "invalid characters, expected 0-9, a-f, A-F";
        if (problem != null) {
            throw UserException.unprocessable(
                    "Validation error in query params: [checksum: invalid_sha256_hash (" + problem + ")]");
        }
        return c;
    }

    /** Runs {@code work} now (wait=true, the default) or in the background (wait=false: 202). */
    private void run(Context ctx, Supplier<com.fasterxml.jackson.databind.JsonNode> work) {
        if (ApiExchange.boolParam(ctx, "wait", true)) {
            ApiExchange.ok(ctx, work.get());
            return;
        }
        String what = ctx.method() + " " + ctx.path();
        background.submit(() -> {
            try {
                work.get();
            } catch (RuntimeException e) {
                LOG.error("Background snapshot operation {} failed", what, e);
            }
        });
        ObjectNode env = JsonNodeFactory.instance.objectNode();
        env.putNull("result");
        env.put("status", "accepted");
        env.put("time", 0.0);
        ctx.status(202).contentType("application/json").result(env.toString());
    }

    private void upload(Context ctx, int shardId) {
        SnapshotPriority priority = SnapshotPriority.parse(ctx.queryParam("priority"), SnapshotPriority.SNAPSHOT);
        String checksum = checksumParam(ctx); // before the body is read: a bad query changes nothing
        long max = service.limits().maxUploadBytes();
        if (ctx.req().getContentLengthLong() > max + MULTIPART_OVERHEAD) {
            throw SnapshotService.uploadTooLarge(max);
        }
        ctx.attribute(
                MULTIPART_CONFIG,
                new MultipartConfigElement(service.stagingDir().toString(), max, max + MULTIPART_OVERHEAD, 1 << 20));
        UploadedFile file;
        try {
            file = ctx.uploadedFile("snapshot");
        } catch (Exception e) { // Jetty's ServletException arrives unchecked through Javalin
            if (overLimit(e)) {
                throw SnapshotService.uploadTooLarge(max);
            }
            if (e instanceof RuntimeException re && !(e.getCause() instanceof BadMessageException)) {
                throw re;
            }
            throw UserException.badRequest("Wrong input: malformed multipart/form-data body: " + e.getMessage());
        }
        if (file == null) {
            throw UserException.badRequest("Wrong input: expected a multipart/form-data body with the snapshot file in "
                    + "the `snapshot` field");
        }
        String collection = coll(ctx);
        if (shardId < 0) {
            service.recoverCollectionUpload(collection, file.content(), priority, checksum);
        } else {
            service.recoverShardUpload(collection, shardId, file.content(), priority, checksum);
        }
        ApiExchange.ok(ctx, true);
    }

    /** Whether Jetty's multipart parser gave up because a part or the request passed its limit. */
    private static boolean overLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (m.contains("max file size") || m.contains("max request size") || m.contains("max length")) {
                return true;
            }
        }
        return false;
    }

    private static void download(Context ctx, SnapshotService.Download d) {
        // the bytes as stored, whatever Accept-Encoding says: the declared length and the checksum
        // the snapshot was listed with must hold (compressing under a fixed Content-Length broke both)
        ctx.disableCompression();
        ctx.status(200)
                .contentType("application/octet-stream")
                .header("Content-Length", Long.toString(d.description().size()))
                .header(
                        "Content-Disposition",
                        "attachment; filename=\"" + d.description().name() + "\"");
        ctx.result(d.stream());
    }

    /** Stops background work (in-flight operations finish on their own threads). */
    public void close() {
        background.shutdown();
    }
}
