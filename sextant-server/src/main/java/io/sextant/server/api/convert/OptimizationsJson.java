package io.sextant.server.api.convert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.shard.OptimizationsReport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Writes {@code GET /collections/{c}/optimizations} ({@code OptimizationsResponse} of Qdrant 1.19):
 * {@code summary} and {@code running} always, {@code queued}, {@code completed} and {@code
 * idle_segments} when named in {@code ?with=}. Segment names become name-based UUIDs, as the API
 * types them. Stateless.
 */
public final class OptimizationsJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> WITH = Set.of("queued", "completed", "idle_segments");

    private OptimizationsJson() {}

    /** Parses {@code ?with=a,b}; unknown names are a 400. */
    public static Set<String> parseWith(String with) {
        if (with == null || with.isBlank()) {
            return Set.of();
        }
        Set<String> out = new java.util.HashSet<>();
        for (String part : with.split(",")) {
            String p = part.trim();
            if (!WITH.contains(p)) {
                throw JsonFields.error(
                        "with", "unknown value '" + p + "', expected one of queued, completed, idle_segments");
            }
            out.add(p);
        }
        return out;
    }

    public static ObjectNode write(OptimizationsReport r, Set<String> with, int completedLimit) {
        ObjectNode out = F.objectNode();
        ObjectNode summary = out.putObject("summary");
        summary.put("queued_optimizations", r.queued().size());
        summary.put(
                "queued_segments",
                r.queued().stream().mapToInt(o -> o.segments().size()).sum());
        summary.put(
                "queued_points",
                r.queued().stream()
                        .flatMap(o -> o.segments().stream())
                        .mapToLong(OptimizationsReport.SegmentRef::points)
                        .sum());
        summary.put("idle_segments", r.idleSegments().size());
        writeAll(out.putArray("running"), r.running());
        if (with.contains("queued")) {
            ArrayNode q = out.putArray("queued");
            for (OptimizationsReport.Optimization o : r.queued()) {
                ObjectNode n = q.addObject();
                n.put("optimizer", o.optimizer());
                writeSegments(n.putArray("segments"), o.segments());
            }
        }
        if (with.contains("completed")) {
            writeAll(
                    out.putArray("completed"),
                    r.completed().stream().limit(completedLimit).toList());
        }
        if (with.contains("idle_segments")) {
            writeSegments(out.putArray("idle_segments"), r.idleSegments());
        }
        return out;
    }

    private static void writeAll(ArrayNode arr, List<OptimizationsReport.Optimization> list) {
        for (OptimizationsReport.Optimization o : list) {
            ObjectNode n = arr.addObject();
            n.put("uuid", o.id());
            n.put("optimizer", o.optimizer());
            if (o.status().equals("optimizing") || o.status().equals("done")) {
                n.put("status", o.status());
            } else {
                n.putObject("status").put("error", o.status());
            }
            writeSegments(n.putArray("segments"), o.segments());
            ObjectNode progress = n.putObject("progress");
            progress.put("name", o.optimizer());
            if (o.startedAt() != null) {
                progress.put("started_at", o.startedAt().toString());
            }
            if (o.finishedAt() != null) {
                progress.put("finished_at", o.finishedAt().toString());
                progress.put(
                        "duration_sec",
                        (o.finishedAt().toEpochMilli() - o.startedAt().toEpochMilli()) / 1000.0);
            }
        }
    }

    private static void writeSegments(ArrayNode arr, List<OptimizationsReport.SegmentRef> segs) {
        for (OptimizationsReport.SegmentRef s : segs) {
            arr.addObject()
                    .put(
                            "uuid",
                            UUID.nameUUIDFromBytes(s.name().getBytes(StandardCharsets.UTF_8))
                                    .toString())
                    .put("points_count", s.points());
        }
    }
}
