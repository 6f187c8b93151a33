package io.sextant.server.api.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;

/**
 * {@code GET /collections/{c}/quality} (Sextant's own): the collection's live recall ({@link
 * io.sextant.collection.quality.LiveRecall}):
 *
 * <pre>{@code {"live_recall": {"sample_rate", "window", "threshold", "min_samples",
 *   "dropped_for_budget", "vectors": {name: {"recall", "samples", "total", "low"}}}}}</pre>
 *
 * where {@code recall} is null before the first sample. It is a route of its own rather than part
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
            ApiExchange.ok(ctx, out);
        });
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
