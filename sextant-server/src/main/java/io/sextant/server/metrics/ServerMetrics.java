package io.sextant.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sextant.collection.CollectionInfo;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.backup.BackupStatus;
import io.sextant.segment.error.UserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The node's metrics on a Micrometer {@link PrometheusMeterRegistry}, exported in Prometheus text
 * format by {@link #scrape()}. Names follow Qdrant's where Qdrant has one:
 *
 * <ul>
 *   <li>{@code app_info{name="qdrant",version,sextant_version}} (version is the Qdrant API version
 *       served), {@code collections_total}, {@code collections_vector_total}, {@code
 *       collection_points{id}} (Qdrant labels collections {@code id} here);
 *   <li>{@code rest_responses_total{method,endpoint,status}} and the histogram {@code
 *       rest_responses_duration_seconds{method,endpoint,status}} (endpoint is the route template,
 *       e.g. {@code /collections/{collection_name}/points/query}, so the label set stays bounded);
 *       with {@code per_collection=true} the same two families carry a {@code collection} label
 *       and count only requests whose route names a collection, instead of the global ones;
 *   <li>JVM memory, GC, threads, CPU, file descriptors and uptime from Micrometer's binders
 *       ({@code jvm_*}, {@code process_*}, {@code system_*}).
 * </ul>
 *
 * Sextant's own: {@code sextant_collection_segments{collection}}, {@code
 * sextant_collection_indexed_vectors{collection}}, {@code
 * sextant_collection_indexing_lag_points{collection}} (vectors written but not yet in a vector
 * index), {@code sextant_collections_failed} (collections that failed to load at start-up and are
 * not served; alert on it being above 0) with {@code sextant_collection_load_failed{collection}} = 1
 * for each of them, {@code sextant_wal_bytes{collection}} (bytes of WAL files on disk), {@code
 * sextant_search_duration_seconds{collection}} with p50/p95/p99, {@code
 * sextant_live_recall{collection,vector}} (rolling recall@k of sampled searches against their exact
 * re-run, see {@code io.sextant.collection.quality.LiveRecall}) with {@code
 * sextant_live_recall_samples} and {@code sextant_live_recall_low} (1 under the threshold), {@code sextant_auth_failures_total}
 * and {@code sextant_slow_requests_total}; shard, snapshot and backup figures (running
 * optimizations, update queue, indexing lag in seconds, WAL fsync histogram, {@code
 * snapshot_creation_running}, backups) come from {@link OperationsExposition}. Collection figures
 * are read at scrape time.
 *
 * <p>Thread-safe: Micrometer meters are; {@link #scrape()} serializes the collection refresh.
 */
public final class ServerMetrics {

    private static final Duration[] SLO = {
        Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** REST request figures over all collections (the default scrape and telemetry). */
    private final PrometheusMeterRegistry restRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** The same figures with a {@code collection} label, for {@code per_collection=true}. */
    private final PrometheusMeterRegistry perCollectionRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private final TableOfContents toc;
    private final String version;
    private final String qdrantVersion;
    private final Map<String, java.time.Instant> lastResponded = new java.util.concurrent.ConcurrentHashMap<>();
    private final RestResponseMeters responseMeters = new RestResponseMeters(restRegistry, perCollectionRegistry, SLO);
    /** {@code sextant_search_duration} by collection name, registered once (as the REST meters). */
    private final Map<String, Timer> searchTimers = new java.util.concurrent.ConcurrentHashMap<>();

    private final AtomicLong collectionsTotal = new AtomicLong();
    private final AtomicLong vectorsTotal = new AtomicLong();
    private final MultiGauge points;
    private final MultiGauge segments;
    private final MultiGauge indexed;
    private final MultiGauge lag;
    private final MultiGauge walBytes;
    private final MultiGauge loadFailed;
    private final MultiGauge liveRecall;
    private final MultiGauge liveRecallSamples;
    private final MultiGauge liveRecallLow;
    private final AtomicLong failedTotal = new AtomicLong();
    private final Counter authFailures;
    private final Counter slowRequests;
    private final OperationsExposition operations;

    /**
     * @param version Sextant's version ({@code app_info}'s {@code sextant_version} label)
     * @param qdrantVersion the Qdrant API version served ({@code app_info}'s {@code version})
     */
    public ServerMetrics(TableOfContents toc, String version, String qdrantVersion) {
        this.toc = toc;
        this.version = version;
        this.qdrantVersion = qdrantVersion;
        this.operations = new OperationsExposition(toc);
        points = MultiGauge.builder("collection_points")
                .description("Approximate number of points in the collection")
                .register(registry);
        segments = MultiGauge.builder("sextant_collection_segments")
                .description("Segments of the collection")
                .register(registry);
        indexed = MultiGauge.builder("sextant_collection_indexed_vectors")
                .description("Vectors in vector indexes")
                .register(registry);
        lag = MultiGauge.builder("sextant_collection_indexing_lag_points")
                .description("Vectors written but not yet in a vector index")
                .register(registry);
        walBytes = MultiGauge.builder("sextant_wal_bytes")
                .description("Bytes of WAL files on disk")
                .baseUnit("bytes")
                .register(registry);
        loadFailed = MultiGauge.builder("sextant_collection_load_failed")
                .description("1 for each collection that failed to load and is not served (status red)")
                .register(registry);
        liveRecall = MultiGauge.builder("sextant_live_recall")
                .description("Rolling recall@k of sampled approximate searches against their exact re-run")
                .register(registry);
        liveRecallSamples = MultiGauge.builder("sextant_live_recall_samples")
                .description("Samples in the live-recall window")
                .register(registry);
        liveRecallLow = MultiGauge.builder("sextant_live_recall_low")
                .description("1 when live recall is under quality.live_recall.threshold with enough samples")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("sextant_collections_failed", failedTotal, AtomicLong::get)
                .description("Collections that failed to load at start-up and are not served")
                .register(registry);
        authFailures = Counter.builder("sextant_auth_failures")
                .description("Requests refused with 401 or 403")
                .register(registry);
        slowRequests = Counter.builder("sextant_slow_requests")
                .description("Requests slower than the slow-request threshold")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The underlying registry (for telemetry). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Records one finished REST request, globally and, when the route names a collection, per
     * collection (shown by {@code /metrics?per_collection=true} instead of the global figures).
     *
     * @param endpoint the route template, or "unmatched"
     * @param collection the collection named in the path, or null
     */
    public void recordRest(String method, String endpoint, int status, long nanos, String collection) {
        // only collections that exist (aliases resolved): a client must not grow the label set
        // with made-up names
        RestResponseMeters.Meters m = responseMeters.of(method, endpoint, status, realCollection(collection));
        m.record(nanos);
        lastResponded.put(m.respondedKey(), java.time.Instant.now());
        if (status == 401 || status == 403) {
            authFailures.increment();
        }
    }

    private String realCollection(String nameOrAlias) {
        if (nameOrAlias == null || !toc.exists(nameOrAlias)) {
            return null;
        }
        try {
            return toc.get(nameOrAlias).name();
        } catch (UserException e) {
            return null; // deleted meanwhile
        }
    }

    /** When a response with this method, route template and status was last sent, or null. */
    public java.time.Instant lastResponded(String method, String endpoint, String status) {
        return lastResponded.get(method + " " + endpoint + " " + status);
    }

    /** Records the duration of a successful search-like request on {@code collection}. */
    public void recordSearch(String collection, long nanos) {
        Timer t = searchTimers.get(collection);
        if (t == null) {
            t = searchTimers.computeIfAbsent(collection, c -> Timer.builder("sextant_search_duration")
                    .description("Search, query and recommend latency per collection")
                    .tag("collection", c)
                    .publishPercentiles(0.5, 0.95, 0.99)
                    .register(registry));
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void recordSlowRequest() {
        slowRequests.increment();
    }

    /** As {@link #scrape(boolean)} with the global request figures. */
    public String scrape() {
        return scrape(false);
    }

    /**
     * Refreshes the collection figures and renders every metric in Prometheus text format.
     *
     * @param perCollection render the REST request figures per collection (label {@code
     *     collection}, only requests whose route names one) instead of over all requests, as
     *     Qdrant's {@code /metrics?per_collection=true}
     */
    public synchronized String scrape(boolean perCollection) {
        refreshCollections();
        String requests = perCollection ? perCollectionRegistry.scrape() : restRegistry.scrape();
        return registry.scrape() + requests + qdrantGauges() + operations.render();
    }

    /**
     * Adds the snapshot and backup figures to the scrape ({@code snapshot_creation_running}, backup
     * times, durations, sizes and shrink warnings; see {@link OperationsExposition}).
     *
     * @param running snapshot creations running now by collection ({@code "full"} for full ones)
     * @param backups the scheduled backups' status registry
     */
    public void watchSnapshots(java.util.function.Supplier<Map<String, Integer>> running, BackupStatus backups) {
        operations.watchSnapshots(running, backups);
    }

    /**
     * Qdrant's {@code app_info}, {@code collections_total} and {@code collections_vector_total},
     * written directly in the text format: the Prometheus client behind Micrometer strips the
     * {@code _info} and {@code _total} suffixes from gauge names, which would break dashboards
     * built for Qdrant.
     */
    private String qdrantGauges() {
        return "# HELP app_info information about qdrant server\n"
                + "# TYPE app_info gauge\n"
                + "app_info{name=\"qdrant\",version=\"" + qdrantVersion + "\",sextant_version=\""
                + version.replaceAll("[^A-Za-z0-9._+-]", "_") + "\"} 1\n"
                + "# HELP collections_total Number of collections\n"
                + "# TYPE collections_total gauge\n"
                + "collections_total " + collectionsTotal.get() + "\n"
                + "# HELP collections_vector_total Total number of vectors in all collections\n"
                + "# TYPE collections_vector_total gauge\n"
                + "collections_vector_total " + vectorsTotal.get() + "\n";
    }

    private void refreshCollections() {
        List<MultiGauge.Row<?>> p = new ArrayList<>();
        List<MultiGauge.Row<?>> s = new ArrayList<>();
        List<MultiGauge.Row<?>> ix = new ArrayList<>();
        List<MultiGauge.Row<?>> lg = new ArrayList<>();
        List<MultiGauge.Row<?>> wal = new ArrayList<>();
        List<MultiGauge.Row<?>> lr = new ArrayList<>();
        List<MultiGauge.Row<?>> lrSamples = new ArrayList<>();
        List<MultiGauge.Row<?>> lrLow = new ArrayList<>();
        long vectors = 0;
        List<String> names = toc.list();
        for (String name : names) {
            CollectionInfo info;
            Path dir;
            try {
                var c = toc.get(name);
                info = c.info();
                dir = c.dir();
                var settings = c.liveRecall().settings();
                c.liveRecall().readings().forEach((vector, r) -> {
                    Tags vt = Tags.of("collection", name, "vector", vector);
                    lr.add(MultiGauge.Row.of(vt, r.recall()));
                    lrSamples.add(MultiGauge.Row.of(vt, r.samples()));
                    lrLow.add(MultiGauge.Row.of(vt, r.low(settings) ? 1 : 0));
                });
            } catch (UserException e) {
                continue; // deleted meanwhile
            }
            int perPoint = Math.max(1, info.config().params().vectors().size());
            long v = info.pointsCount() * perPoint;
            vectors += v;
            Tags t = Tags.of("collection", name);
            p.add(MultiGauge.Row.of(Tags.of("id", name), info.pointsCount()));
            s.add(MultiGauge.Row.of(t, info.segmentsCount()));
            ix.add(MultiGauge.Row.of(t, info.indexedVectorsCount()));
            lg.add(MultiGauge.Row.of(t, Math.max(0, v - info.indexedVectorsCount())));
            wal.add(MultiGauge.Row.of(t, walBytes(dir)));
        }
        collectionsTotal.set(names.size());
        java.util.Set<String> live = new java.util.HashSet<>(names);
        responseMeters.forgetCollectionsOtherThan(live);
        for (Meter m : perCollectionRegistry.getMeters()) { // deleted collections leave the figures
            if (!live.contains(m.getId().getTag("collection"))) {
                perCollectionRegistry.remove(m);
            }
        }
        vectorsTotal.set(vectors);
        points.register(p, true);
        segments.register(s, true);
        indexed.register(ix, true);
        lag.register(lg, true);
        walBytes.register(wal, true);
        liveRecall.register(lr, true);
        liveRecallSamples.register(lrSamples, true);
        liveRecallLow.register(lrLow, true);
        List<MultiGauge.Row<?>> bad = new ArrayList<>();
        toc.failedCollections().forEach(f -> bad.add(MultiGauge.Row.of(Tags.of("collection", f.name()), 1)));
        loadFailed.register(bad, true);
        failedTotal.set(bad.size());
    }

    /** Sum of the sizes of files under any {@code wal} directory of the collection. */
    static long walBytes(Path collectionDir) {
        try (Stream<Path> files = Files.walk(collectionDir, 6)) {
            return files.filter(f -> f.getParent() != null
                            && f.getParent().getFileName() != null
                            && f.getParent().getFileName().toString().equals("wal"))
                    .mapToLong(f -> {
                        try {
                            return Files.isRegularFile(f) ? Files.size(f) : 0;
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** All meters with the global request figures, for telemetry. */
    public List<Meter> meters() {
        List<Meter> all = new ArrayList<>(registry.getMeters());
        all.addAll(restRegistry.getMeters());
        return all;
    }

    /** Unused-tag helper kept small: the label names of a meter as a map. */
    static Map<String, String> tags(Meter m) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        m.getId().getTags().forEach(t -> out.put(t.getKey(), t.getValue()));
        return out;
    }
}
