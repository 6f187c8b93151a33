package io.sextant.server.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one list of configuration keys Sextant knows: every key of Qdrant's configuration file (v1.19,
 * including the ones its example file leaves commented out) and Sextant's own keys, each with what
 * Sextant does with it. {@link ConfigKeyCheck} refuses any key not listed here and any value a
 * {@link Support#DEFAULT_ONLY} key does not accept; the README's key table is {@link
 * #markdownTable()} (a test keeps them equal). Keys are dotted paths of leaves; a path's prefixes
 * are sections. Immutable and thread-safe.
 */
public final class ConfigKeys {

    /** What Sextant does with a key. */
    public enum Support {
        /** A Qdrant key whose values are wired to Sextant's behaviour. */
        HONOURED("honoured"),
        /** A Qdrant key accepted only with the listed values (Qdrant's default, which Sextant behaves as). */
        DEFAULT_ONLY("default only"),
        /** A key of Sextant's own (Qdrant has none). */
        SEXTANT("Sextant's own");

        private final String label;

        Support(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One key.
     *
     * @param path dotted path, e.g. {@code service.http_port}
     * @param support what Sextant does with it
     * @param accepted for {@link Support#DEFAULT_ONLY}: the values accepted, as normalised by {@link
     *     ConfigKeyCheck#normalise} ({@code null} stands for null, unset or empty); empty otherwise
     * @param note what the key does in Sextant, or why other values are refused
     */
    public record Key(String path, Support support, List<String> accepted, String note) {
        public Key {
            accepted = List.copyOf(accepted);
            if (support == Support.DEFAULT_ONLY && accepted.isEmpty()) {
                throw new IllegalArgumentException(path + ": a default-only key needs accepted values");
            }
        }
    }

    private static final List<Key> ALL = new ArrayList<>();

    /** Qdrant's S3 keys (Sextant adds {@code prefix}). */
    private static final List<String> S3_FIELDS =
            List.of("bucket", "region", "access_key", "secret_key", "endpoint_url");

    static {
        // top level and logging
        honoured("log_level", "root level, or directives like `INFO,io.sextant.shard=DEBUG` (a logger name = level)");
        honoured("logger.log_level", "same as `log_level`, and wins over it");
        honoured("logger.format", "`text` (default: time, level, logger, message) or `json` (one object a line)");
        defaultOnly("logger.color", "no colours in text lines", "null", "auto", "false");
        defaultOnly("logger.span_events", "Sextant has no tracing spans", "null", "[]");
        honoured("logger.on_disk.enabled", "also write the log to `log_file`");
        honoured("logger.on_disk.log_file", "path of the log file, required when enabled");
        honoured("logger.on_disk.log_level", "level directives of the file (default: those of the console)");
        honoured("logger.on_disk.format", "`text` (default) or `json`");
        honoured("logger.on_disk.buffer_size_bytes", "write buffer of the file in bytes (default 8192)");
        defaultOnly("logger.on_disk.span_events", "Sextant has no tracing spans", "null", "[]");
        sextant("logger.on_disk.max_file_mb", "the file is rotated when it reaches this size, default 100");
        sextant("logger.on_disk.max_files", "rotated files kept (`log_file.1` …), default 5");
        honoured("telemetry_disabled", "Sextant never reports usage anywhere, so both values behave alike");
        defaultOnly("debugger.pprof", "no profiler endpoint", "null");
        defaultOnly("debugger.gpu", "no GPU support", "null");
        defaultOnly("inference", "no inference service: documents are embedded by the built-in BM25 only", "null");
        defaultOnly("feature_flags", "no feature flags", "null", "{}");
        defaultOnly("gpu.indexing", "no GPU support", "null", "false");
        defaultOnly("gpu.force_half_precision", "no GPU support", "null", "false");
        defaultOnly("gpu.groups_count", "no GPU support", "null");
        defaultOnly("gpu.device_filter", "no GPU support", "null");
        defaultOnly("gpu.devices", "no GPU support", "null");
        defaultOnly("gpu.parallel_indexes", "no GPU support", "null");
        defaultOnly("gpu.allow_integrated", "no GPU support", "null", "false");
        defaultOnly("gpu.allow_emulated", "no GPU support", "null", "false");

        // service
        honoured("service.host", "address to bind");
        honoured("service.http_port", "REST port");
        honoured("service.grpc_port", "gRPC port; `null` turns gRPC off");
        defaultOnly("service.metrics_port", "`/metrics` is served on the REST port", "null");
        honoured("service.max_request_size_mb", "larger request bodies get 413");
        defaultOnly(
                "service.max_workers",
                "requests run on Jetty's thread pool (REST) and a cached pool (gRPC): sextant-server/docs/server-path.md",
                "null",
                "0");
        defaultOnly("service.http_keep_alive_timeout_sec", "Jetty's idle timeout applies", "null", "5");
        defaultOnly("service.http_client_request_timeout_sec", "Jetty's idle timeout applies", "null", "5");
        defaultOnly("service.http_client_disconnect_timeout_sec", "Jetty's idle timeout applies", "null", "5");
        honoured("service.enable_cors", "answer CORS preflights and allow any origin (default true)");
        honoured("service.enable_tls", "HTTPS and gRPC over TLS with `tls.*`");
        honoured("service.verify_https_client_certificate", "mutual TLS against `tls.ca_cert`");
        honoured("service.api_key", "key required in `api-key` or `Authorization: Bearer`");
        defaultOnly("service.alt_api_key", "one admin key only (rotate with a restart)", "null");
        honoured("service.read_only_api_key", "key for read-only access");
        honoured("service.jwt_rbac", "JWTs signed with `api_key` carry access rights");
        defaultOnly("service.enforce_internal_auth", "cluster traffic is not authenticated yet", "null", "false");
        defaultOnly("service.hide_jwt_dashboard", "no web UI", "null", "false", "true");
        defaultOnly("service.static_content_dir", "no web UI", "null");
        defaultOnly(
                "service.enable_static_content", "no web UI, so nothing is served either way", "null", "true", "false");
        honoured("service.slow_query_secs", "slow-request log threshold when `slow_request_threshold_ms` is unset");
        defaultOnly("service.hardware_reporting", "no hardware usage in responses", "null", "false");
        defaultOnly("service.metrics_prefix", "metric names are fixed", "null");
        honoured("service.enable_snapshot_url_recovery", "allow recovering snapshots from http(s) URLs");
        sextant("service.slow_request_threshold_ms", "requests at least this slow are logged, default 1000");

        // storage
        honoured("storage.storage_path", "data directory");
        honoured("storage.snapshots_path", "snapshot directory");
        honoured("storage.snapshots_config.snapshots_storage", "`local` or `s3`");
        for (String k : S3_FIELDS) {
            honoured("storage.snapshots_config.s3_config." + k, "S3 snapshot storage");
        }
        sextant("storage.snapshots_config.s3_config.prefix", "key prefix in the bucket");
        sextant("storage.snapshots_config.max_upload_bytes", "larger snapshot uploads get 413, default 64 GiB");
        sextant("storage.snapshots_config.max_restore_bytes", "archives expanding past this get 413, default 256 GiB");
        defaultOnly("storage.temp_path", "temporary files live in the storage directory", "null");
        honoured("storage.on_disk_payload", "default for new collections (true: payloads on disk)");
        defaultOnly("storage.payload.memory", "set `on_disk_payload` per collection instead", "null");
        defaultOnly("storage.update_concurrency", "one update worker per shard", "null");
        defaultOnly("storage.update_queue_size", "fixed update queue", "null");
        defaultOnly(
                "storage.handle_collection_load_errors",
                "a collection that fails to load stops the start",
                "null",
                "false");
        defaultOnly("storage.recovery_mode", "no recovery mode", "null");
        defaultOnly("storage.mmap_advice", "the operating system's default paging", "null", "normal", "random");
        defaultOnly("storage.low_memory_mode", "not available", "null", "disabled");
        defaultOnly("storage.node_type", "every node is a normal node", "normal");
        honoured(
                "storage.shard_transfer_method",
                "cluster mode: method of replicate_shard/move_shard without one, and of an automatic repair"
                        + " when no wal_delta is possible (null: stream_records)");
        honoured("storage.max_collections", "creating a collection beyond this many gets 400; null: no limit");
        String walNote = "default of `wal_config` for new collections";
        honoured("storage.wal.wal_capacity_mb", walNote);
        honoured("storage.wal.wal_segments_ahead", walNote);
        sextant("storage.wal.wal_retain_closed", walNote + ": closed WAL segments kept");
        String perf = "not tunable: Sextant sizes its pools from the cores it has";
        defaultOnly("storage.performance.max_search_threads", perf, "0");
        defaultOnly("storage.performance.max_optimization_runtime_threads", perf, "null", "0");
        defaultOnly("storage.performance.optimizer_cpu_budget", perf, "0");
        defaultOnly("storage.performance.optimizer_io_budget", perf, "null", "0");
        defaultOnly("storage.performance.update_rate_limit", "updates are not rate-limited", "null");
        defaultOnly("storage.performance.search_timeout_sec", "set `timeout` per request instead", "null");
        defaultOnly(
                "storage.performance.incoming_shard_transfers_limit", "shard transfers are not limited", "null", "1");
        defaultOnly(
                "storage.performance.outgoing_shard_transfers_limit", "shard transfers are not limited", "null", "1");
        defaultOnly("storage.performance.async_scorer", "no io_uring scorer", "null", "false");
        defaultOnly("storage.performance.io_uring", "no io_uring", "null", "disabled");
        for (String k : List.of(
                "max_concurrent_collection_loads", "max_concurrent_shard_loads", "max_concurrent_segment_loads")) {
            defaultOnly("storage.performance." + k, "collections load one after another", "null", "1", "8");
        }
        String optNote = "default of `optimizers_config` for new collections";
        for (String k : List.of(
                "deleted_threshold",
                "vacuum_min_vector_number",
                "default_segment_number",
                "max_segment_size_kb",
                "memmap_threshold_kb",
                "indexing_threshold_kb",
                "flush_interval_sec",
                "max_optimization_threads",
                "prevent_unoptimized")) {
            honoured("storage.optimizers." + k, optNote);
        }
        for (String k : List.of("max_segment_size", "memmap_threshold", "indexing_threshold")) {
            honoured("storage.optimizers." + k, optNote + " (same as `" + k + "_kb`)");
        }
        defaultOnly("storage.optimizers_overwrite", "set `optimizers_config` per collection instead", "null");
        String hnswNote = "default of `hnsw_config` for new collections";
        for (String k : List.of(
                "m",
                "ef_construct",
                "full_scan_threshold_kb",
                "max_indexing_threads",
                "on_disk",
                "payload_m",
                "inline_storage")) {
            honoured("storage.hnsw_index." + k, hnswNote);
        }
        honoured("storage.hnsw_index.full_scan_threshold", hnswNote + " (same as `full_scan_threshold_kb`)");
        defaultOnly("storage.hnsw_global_config.healing_threshold", "graphs are rebuilt by the optimizer", "null");
        honoured("storage.collection.replication_factor", "default for new collections");
        honoured("storage.collection.write_consistency_factor", "default for new collections");
        String nodeDefaults = "node-wide default not wired: set it per collection";
        defaultOnly("storage.collection.shard_number_per_node", nodeDefaults, "null", "1");
        defaultOnly("storage.collection.vectors.on_disk", nodeDefaults, "null");
        defaultOnly("storage.collection.vectors.memory", nodeDefaults, "null");
        defaultOnly("storage.collection.payload.memory", nodeDefaults, "null");
        defaultOnly("storage.collection.quantization", nodeDefaults, "null");
        defaultOnly("storage.collection.strict_mode.enabled", nodeDefaults, "null", "false");
        for (String k : List.of(
                "max_query_limit",
                "max_timeout",
                "unindexed_filtering_retrieve",
                "unindexed_filtering_update",
                "search_max_hnsw_ef",
                "search_allow_exact",
                "search_max_oversampling")) {
            defaultOnly("storage.collection.strict_mode." + k, nodeDefaults, "null");
        }
        defaultOnly("storage.quotas.enabled", "no disk or memory quotas", "null", "false");
        for (String k : List.of("max_resident_memory_percent", "max_disk_usage_percent", "release_margin_percent")) {
            defaultOnly("storage.quotas." + k, "no disk or memory quotas", "null");
        }

        // cluster
        honoured("cluster.enabled", "cluster mode (Raft on the p2p port)");
        honoured("cluster.p2p.port", "cluster port");
        honoured(
                "cluster.p2p.enable_tls",
                "mutual TLS on the p2p port (Raft and shard calls) with `tls.cert`, `tls.key`, `tls.ca_cert`");
        defaultOnly("cluster.p2p.connection_pool_size", "Ratis manages its connections", "null", "1");
        honoured("cluster.consensus.tick_period_ms", "Raft tick");
        defaultOnly("cluster.consensus.compact_wal_entries", "Ratis snapshots on its own schedule", "128");
        defaultOnly("cluster.consensus.max_message_queue_size", "Ratis manages its queues", "null", "100");
        defaultOnly("cluster.consensus.bootstrap_timeout_sec", "Ratis timeouts apply", "null", "15");
        defaultOnly("cluster.consensus.message_timeout_ticks", "Ratis timeouts apply", "null", "10");
        defaultOnly("cluster.peer_id", "peer ids are derived from the p2p URI", "null");
        defaultOnly("cluster.grpc_timeout_ms", "Ratis timeouts apply", "null", "60000");
        defaultOnly("cluster.connection_timeout_ms", "Ratis timeouts apply", "null", "2000");
        defaultOnly("cluster.resharding_enabled", "no resharding", "null", "false");
        sextant("cluster.uri", "this peer's p2p URI (`--uri`)");
        sextant("cluster.bootstrap", "p2p URI of a running peer to join (`--bootstrap`)");
        sextant(
                "cluster.transfer.points_per_second",
                "most points per second a transfer repairing a Dead replica streams (0: no limit), default 10000;"
                        + " a `snapshot` transfer ships that many points' worth of the shard's files per second");
        sextant(
                "cluster.peer_unresponsive_ms",
                "how long a peer may leave the Raft leader's RPCs (or its probe of the peer's shard service) unanswered before its replicas are marked Dead,"
                        + " default 3000");

        // tls
        honoured("tls.cert", "PEM certificate chain");
        honoured("tls.key", "PEM private key (PKCS#8)");
        honoured("tls.ca_cert", "PEM CA bundle for client certificates and, with `cluster.p2p.enable_tls`, for peers");
        honoured("tls.cert_ttl", "seconds between checks for renewed certificate files");

        // audit
        honoured("audit.enabled", "audit log of every request");
        honoured("audit.dir", "audit log directory");
        honoured("audit.max_log_files", "rotated audit files kept (same as `audit.max_files`)");
        defaultOnly("audit.rotation", "the audit log rotates by size (`audit.max_file_bytes`)", "null");
        defaultOnly("audit.trust_forwarded_headers", "the client address is the socket's", "null", "false");
        sextant("audit.max_file_bytes", "the audit file is rotated past this size, default 100 MiB");
        sextant("audit.max_files", "rotated audit files kept, default 10");

        // live retrieval quality
        sextant(
                "quality.live_recall.sample_rate",
                "share of approximate searches re-run exactly for live recall, default 0.01 (0 = off)");
        sextant("quality.live_recall.window", "live-recall samples kept per collection and vector, default 200");
        sextant("quality.live_recall.cpu_budget", "average share of one core the exact re-runs may use, default 0.01");
        sextant(
                "quality.live_recall.threshold",
                "live recall under which `/issues` and the alert report a collection, default 0.9");
        sextant("quality.live_recall.min_samples", "samples needed before live recall is judged, default 20");

        // scheduled backups
        for (String k : List.of("enabled", "interval", "collections", "full", "drill")) {
            sextant("backup." + k, "scheduled backups (see Snapshots and backups)");
        }
        sextant("backup.format", "incremental (content-addressed, the default) or snapshot (one archive per backup)");
        sextant("backup.retention.keep_last", "backups kept");
        sextant("backup.retention.max_age", "older backups are deleted");
        sextant("backup.target.local_dir", "backup directory");
        for (String k : S3_FIELDS) {
            sextant("backup.target.s3." + k, "S3 backup target");
        }
        sextant("backup.target.s3.prefix", "S3 backup target");
    }

    private static final Map<String, Key> BY_PATH;

    static {
        Map<String, Key> m = new LinkedHashMap<>();
        for (Key k : ALL) {
            if (m.put(k.path(), k) != null) {
                throw new IllegalStateException("duplicate config key " + k.path());
            }
        }
        BY_PATH = Collections.unmodifiableMap(m);
    }

    private ConfigKeys() {}

    /** Every key, in table order. */
    public static List<Key> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The key at {@code path}, or null when it is not a key (it may still be a section). */
    public static Key get(String path) {
        return BY_PATH.get(path);
    }

    /** Whether {@code path} is a section: a strict prefix of some key. */
    public static boolean isSection(String path) {
        String prefix = path + ".";
        for (String p : BY_PATH.keySet()) {
            if (p.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The README table: one row per key. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| key | Sextant | accepted values | notes |\n");
        sb.append("| --- | --- | --- | --- |\n");
        for (Key k : ALL) {
            String accepted = k.support() == Support.DEFAULT_ONLY
                    ? String.join(
                            ", ", k.accepted().stream().map(v -> "`" + v + "`").toList())
                    : "any valid";
            sb.append("| `")
                    .append(k.path())
                    .append("` | ")
                    .append(k.support().label())
                    .append(" | ")
                    .append(accepted)
                    .append(" | ")
                    .append(k.note())
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static void honoured(String path, String note) {
        ALL.add(new Key(path, Support.HONOURED, List.of(), note));
    }

    private static void sextant(String path, String note) {
        ALL.add(new Key(path, Support.SEXTANT, List.of(), note));
    }

    private static void defaultOnly(String path, String note, String... accepted) {
        ALL.add(new Key(path, Support.DEFAULT_ONLY, List.of(accepted), note));
    }
}
