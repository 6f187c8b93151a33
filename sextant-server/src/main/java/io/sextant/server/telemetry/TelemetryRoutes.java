package io.sextant.server.telemetry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.sextant.collection.Collection;
import io.sextant.collection.CollectionInfo;
import io.sextant.collection.TableOfContents;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.rest.ApiExchange;
import io.sextant.server.metrics.ServerMetrics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /telemetry?details_level=N} in Qdrant's {@code TelemetryData} shape: {@code id},
 * {@code app} (name, versions, feature flags, start time, uptime, JVM), {@code collections} (count;
 * from level 1 one entry per collection and {@code snapshots}, see {@link CollectionTelemetryJson}),
 * {@code cluster} ({@code enabled: false} on a standalone node; in cluster mode what {@link
 * #cluster(java.util.function.Supplier)} supplies), {@code requests.rest.responses} ({@code "METHOD route"
 * → status → count, avg/max/total, approximate p50/p95/p99 in microseconds and last response
 * time}, from the {@code rest_responses_duration_seconds} histogram), {@code requests.grpc} (no
 * figures kept yet), {@code quota} (off) and from level 1 {@code memory} (Qdrant's allocator keys
 * mapped onto the JVM's, plus heap and non-heap details), {@code hardware} and {@code
 * search_pool}. Thread-safe.
 */
public final class TelemetryRoutes {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final TableOfContents toc;
    private final ServerMetrics metrics;
    private final String version;
    private final String qdrantVersion;
    private final String id = UUID.randomUUID().toString();
    private final Instant startup = Instant.now();
    private volatile java.util.function.Supplier<ObjectNode> cluster;

    public TelemetryRoutes(TableOfContents toc, ServerMetrics metrics, String version, String qdrantVersion) {
        this.toc = toc;
        this.metrics = metrics;
        this.version = version;
        this.qdrantVersion = qdrantVersion;
    }

    /** In cluster mode: the source of the {@code cluster} section (Qdrant's {@code ClusterTelemetry}). */
    public void cluster(java.util.function.Supplier<ObjectNode> section) {
        this.cluster = section;
    }

    public void register(RoutesConfig r) {
        r.get("/telemetry", this::telemetry);
    }

    private void telemetry(Context ctx) {
        int level = detailsLevel(ctx.queryParam("details_level"));
        ObjectNode res = F.objectNode();
        res.put("id", id);
        ObjectNode app = res.putObject("app");
        app.put("name", "sextant");
        app.put("version", version);
        app.put("qdrant_api_version", qdrantVersion);
        app.putObject("features")
                .put("debug", false)
                .put("service_debug_feature", false)
                .put("recovery_mode", false)
                .put("gpu", false)
                .put("rocksdb", false)
                .put("staging", false);
        app.put("startup", startup.toString());
        app.put("uptime_seconds", (Instant.now().toEpochMilli() - startup.toEpochMilli()) / 1000.0);
        app.putObject("jvm")
                .put("version", Runtime.version().toString())
                .put("available_processors", Runtime.getRuntime().availableProcessors());
        res.set("collections", collections(level));
        java.util.function.Supplier<ObjectNode> clusterSection = cluster;
        if (clusterSection == null) {
            res.putObject("cluster").put("enabled", false);
        } else {
            res.set("cluster", clusterSection.get());
        }
        ObjectNode requests = res.putObject("requests");
        requests.putObject("rest").set("responses", responses());
        requests.putObject("grpc").putObject("responses");
        if (level >= 1) {
            res.set("memory", memory());
            res.putObject("hardware").putObject("collection_data");
            res.putObject("search_pool")
                    .put("mode", "virtual_threads")
                    .put("high_cpu_threads", Runtime.getRuntime().availableProcessors())
                    .put("high_io_threads", 0);
        }
        ObjectNode quota = res.putObject("quota");
        quota.putObject("config").put("enabled", false);
        quota.putObject("exceeded");
        ApiExchange.ok(ctx, res);
    }

    static int detailsLevel(String v) {
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw UserException.badRequest("details_level must be a non-negative integer, got '" + v + "'");
    }

    private ObjectNode collections(int level) {
        ObjectNode out = F.objectNode();
        var names = toc.list();
        out.put("number_of_collections", names.size());
        if (level < 1) {
            return out;
        }
        ArrayNode arr = out.putArray("collections");
        ArrayNode snapshots = out.putArray("snapshots");
        for (String name : names) {
            Collection c;
            CollectionInfo info;
            try {
                c = toc.get(name);
                info = c.info();
            } catch (UserException e) {
                continue;
            }
            arr.add(CollectionTelemetryJson.write(c, info, 0, level));
            snapshots.addObject().put("id", name);
        }
        return out;
    }

    private ObjectNode responses() {
        ObjectNode out = F.objectNode();
        for (Meter m : metrics.meters()) {
            if (!(m instanceof Timer t) || !m.getId().getName().equals("rest_responses_duration")) {
                continue;
            }
            String key = m.getId().getTag("method") + " " + m.getId().getTag("endpoint");
            ObjectNode byStatus = out.has(key) ? (ObjectNode) out.get(key) : out.putObject(key);
            HistogramSnapshot s = t.takeSnapshot();
            ObjectNode o = byStatus.putObject(m.getId().getTag("status"));
            o.put("count", s.count());
            o.put("avg_duration_micros", s.count() == 0 ? 0 : s.mean(TimeUnit.MICROSECONDS));
            o.put("max_duration_micros", s.max(TimeUnit.MICROSECONDS));
            o.put("p50_duration_micros", quantile(s, 0.50));
            o.put("p95_duration_micros", quantile(s, 0.95));
            o.put("p99_duration_micros", quantile(s, 0.99));
            o.put("total_duration_micros", (long) s.total(TimeUnit.MICROSECONDS));
            Instant last = metrics.lastResponded(
                    m.getId().getTag("method"),
                    m.getId().getTag("endpoint"),
                    m.getId().getTag("status"));
            if (last != null) {
                o.put("last_responded", last.toString());
            }
        }
        return out;
    }

    /** Upper bound (µs) of the first histogram bucket holding the q-quantile; the max when beyond all buckets. */
    static double quantile(HistogramSnapshot s, double q) {
        if (s.count() == 0) {
            return 0;
        }
        double target = q * s.count();
        for (CountAtBucket b : s.histogramCounts()) {
            if (b.count() >= target) {
                return Math.min(b.bucket(TimeUnit.MICROSECONDS), s.max(TimeUnit.MICROSECONDS));
            }
        }
        return s.max(TimeUnit.MICROSECONDS);
    }

    /**
     * Qdrant's allocator figures mapped onto the JVM's: active = heap + non-heap used, allocated =
     * heap + non-heap committed, metadata = non-heap used, resident = allocated plus direct and
     * mapped buffers, retained = committed but unused heap; then the JVM's own figures.
     */
    private static ObjectNode memory() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        ObjectNode m = F.objectNode();
        long heapUsed = mx.getHeapMemoryUsage().getUsed();
        long heapCommitted = mx.getHeapMemoryUsage().getCommitted();
        long nonHeapUsed = mx.getNonHeapMemoryUsage().getUsed();
        long nonHeapCommitted = mx.getNonHeapMemoryUsage().getCommitted();
        long buffers = 0;
        for (var pool : ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            buffers += Math.max(0, pool.getMemoryUsed());
        }
        m.put("active_bytes", heapUsed + nonHeapUsed);
        m.put("allocated_bytes", heapCommitted + nonHeapCommitted);
        m.put("metadata_bytes", nonHeapUsed);
        m.put("resident_bytes", heapCommitted + nonHeapCommitted + buffers);
        m.put("retained_bytes", Math.max(0, heapCommitted - heapUsed));
        m.put("heap_used_bytes", mx.getHeapMemoryUsage().getUsed());
        m.put("heap_committed_bytes", mx.getHeapMemoryUsage().getCommitted());
        m.put("heap_max_bytes", mx.getHeapMemoryUsage().getMax());
        m.put("non_heap_used_bytes", mx.getNonHeapMemoryUsage().getUsed());
        m.put("non_heap_committed_bytes", mx.getNonHeapMemoryUsage().getCommitted());
        for (var pool : ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            m.put("buffer_" + pool.getName().replaceAll("[^a-zA-Z0-9]+", "_") + "_bytes", pool.getMemoryUsed());
        }
        return m;
    }
}
