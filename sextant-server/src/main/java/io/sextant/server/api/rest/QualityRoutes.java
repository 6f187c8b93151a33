package io.sextant.server.api.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.sextant.collection.Collection;
import io.sextant.collection.OperationStatus;
import io.sextant.collection.TableOfContents;
import io.sextant.segment.error.UserException;
import io.sextant.shard.Shard;
import io.sextant.shard.WriteFreshness;
import io.sextant.shard.wal.DurationHistogram;

/**
 * Sextant's own quality and freshness routes (issue P13).
 *
 * <p>{@code GET /collections/{c}/quality}: the collection's live recall ({@link
 * io.sextant.collection.quality.LiveRecall}) and the freshness of its writes:
 *
 * <pre>{@code {"live_recall": {"sample_rate", "window", "threshold", "min_samples",
 *   "dropped_for_budget", "sampling_cpu_seconds", "samples_run", "vectors": {name: {"recall", "samples", "total", "low"}}},
 *  "result_health": {name: {"searches", "zero_results", "filter_pass_ratio", "filter_samples",
 *   "top_score": {"p10", "p50", "p90", "samples"}}},
 *  "freshness": {"last_operation_id", "indexing_lag_seconds",
 *   "to_searchable": {"count", "mean_seconds"}, "to_indexed": {"count", "mean_seconds"}}}}</pre>
 *
 * where {@code recall} is null before the first sample and {@code mean_seconds} when the count is
 * 0; the freshness figures cover the writes this node applied since it started ({@link
 * WriteFreshness}).
 *
 * <p>{@code GET /collections/{c}/operations/{operation_id}}: {@code {"operation_id", "status":
 * "applied" | "indexed", "searchable", "indexed"}} ({@link OperationStatus}); 404 for an id above
 * the collection's last applied operation. It is a route of its own rather than part
 * of {@code /telemetry} because Qdrant's API tests fix the telemetry's key sets. Reading needs read
 * access to the collection (every {@code GET /collections/{c}/…} does).
 */
final class QualityRoutes {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final TableOfContents toc;

    QualityRoutes(TableOfContents toc) {
        this.toc = toc;
    }

    void register(RoutesConfig r) {
        r.get("/collections/{collection_name}/quality", ctx -> {
            Collection c = toc.get(ctx.pathParam("collection_name"));
            ObjectNode out = F.objectNode();
            out.set("live_recall", liveRecall(c));
            out.set("freshness", freshness(c));
            out.set("result_health", resultHealth(c));
            ApiExchange.ok(ctx, out);
        });
        r.get("/collections/{collection_name}/operations/{operation_id}", ctx -> {
            String name = ctx.pathParam("collection_name");
            Collection c = toc.get(name);
            String raw = ctx.pathParam("operation_id");
            long id;
            try {
                id = Long.parseLong(raw);
                if (id < 0) {
                    throw new NumberFormatException(raw);
                }
            } catch (NumberFormatException e) {
                throw UserException.badRequest("Bad request: operation_id must be a non-negative integer, got " + raw);
            }
            OperationStatus s = OperationStatus.of(id, c.shards())
                    .orElseThrow(() -> UserException.notFound("Not found: operation " + id + " of collection " + name
                            + " (the last applied operation is " + lastOperation(c) + ")"));
            ObjectNode out = F.objectNode();
            out.put("operation_id", s.operationId());
            out.put("status", s.status());
            out.put("searchable", s.searchable());
            out.put("indexed", s.indexed());
            ApiExchange.ok(ctx, out);
        });
    }

    private static long lastOperation(Collection c) {
        long last = 0;
        for (Shard s : c.shards()) {
            last = Math.max(last, s.freshness().appliedOpNum());
        }
        return last;
    }

    static ObjectNode resultHealth(Collection c) {
        ObjectNode out = F.objectNode();
        c.resultHealth().readings().forEach((name, r) -> {
            ObjectNode v = out.putObject(name);
            v.put("searches", r.searches());
            v.put("zero_results", r.zeroResults());
            putNumber(v, "filter_pass_ratio", r.filterPassRatio());
            v.put("filter_samples", r.filterSamples());
            ObjectNode top = v.putObject("top_score");
            putNumber(top, "p10", r.topScoreP10());
            putNumber(top, "p50", r.topScoreP50());
            putNumber(top, "p90", r.topScoreP90());
            top.put("samples", r.topScoreSamples());
        });
        return out;
    }

    private static void putNumber(ObjectNode n, String key, double v) {
        if (Double.isNaN(v)) {
            n.putNull(key);
        } else {
            n.put(key, v);
        }
    }

    static ObjectNode freshness(Collection c) {
        DurationHistogram.Snapshot searchable = DurationHistogram.Snapshot.EMPTY;
        DurationHistogram.Snapshot indexed = DurationHistogram.Snapshot.EMPTY;
        double lag = 0;
        for (Shard s : c.shards()) {
            WriteFreshness f = s.freshness();
            searchable = searchable.plus(f.toSearchable());
            indexed = indexed.plus(f.toIndexed());
            lag = Math.max(lag, s.stats().indexingLagSeconds());
        }
        ObjectNode out = F.objectNode();
        out.put("last_operation_id", lastOperation(c));
        out.put("indexing_lag_seconds", lag);
        out.set("to_searchable", summary(searchable));
        out.set("to_indexed", summary(indexed));
        return out;
    }

    private static ObjectNode summary(DurationHistogram.Snapshot h) {
        ObjectNode out = F.objectNode();
        long n = h.count();
        out.put("count", n);
        if (n == 0) {
            out.putNull("mean_seconds");
        } else {
            out.put("mean_seconds", h.sumSeconds() / n);
        }
        return out;
    }

    static ObjectNode liveRecall(Collection c) {
        var lr = c.liveRecall();
        var settings = lr.settings();
        ObjectNode out = F.objectNode();
        out.put("sample_rate", settings.sampleRate());
        out.put("window", settings.window());
        out.put("threshold", settings.threshold());
        out.put("min_samples", settings.minSamples());
        out.put("dropped_for_budget", lr.droppedForBudget());
        // process-wide: every collection's samples share one worker and budget
        out.put("sampling_cpu_seconds", io.sextant.collection.quality.SamplingBudget.PROCESS.cpuSeconds());
        out.put("samples_run", io.sextant.collection.quality.SamplingBudget.PROCESS.samplesRun());
        ObjectNode vectors = out.putObject("vectors");
        lr.readings().forEach((name, r) -> {
            ObjectNode v = vectors.putObject(name);
            if (Double.isNaN(r.recall())) {
                v.putNull("recall");
            } else {
                v.put("recall", r.recall());
            }
            v.put("samples", r.samples());
            v.put("total", r.total());
            v.put("low", r.low(settings));
        });
        return out;
    }
}
