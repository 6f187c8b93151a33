package io.sextant.server.metrics;

import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.backup.BackupStatus;
import io.sextant.segment.error.UserException;
import io.sextant.shard.Shard;
import io.sextant.shard.ShardStats;
import io.sextant.shard.wal.DurationHistogram;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Shard, snapshot and backup figures read at scrape time and written directly in the Prometheus
 * text format (like {@code app_info}: Qdrant's names must keep their {@code _total}-free form, and
 * the WAL fsync histogram is summed over shards, which Micrometer cannot take from outside):
 *
 * <ul>
 *   <li>Qdrant's {@code collection_running_optimizations}, {@code collection_update_queue_length}
 *       and {@code snapshot_creation_running} (by collection; {@code "full"} for full snapshots);
 *   <li>{@code sextant_collection_indexing_lag_seconds}: age of the oldest write still waiting for
 *       a pending or running indexing optimization, the maximum over the collection's shards;
 *   <li>the histogram {@code sextant_wal_fsync_duration_seconds} of group-commit fsyncs;
 *   <li>write freshness histograms ({@link io.sextant.shard.WriteFreshness}): {@code
 *       sextant_write_to_searchable_seconds} (0 for a write visible once applied, which is before
 *       its acknowledgement; the indexing time for a write deferred by {@code prevent_unoptimized})
 *       and {@code sextant_write_to_indexed_seconds} (applied to indexed, or found needing no index);
 *   <li>per backed-up unit (a collection, or {@code "full"}): {@code
 *       sextant_backup_last_success_timestamp_seconds}, {@code sextant_backup_duration_seconds},
 *       {@code sextant_backup_size_bytes}, {@code sextant_backup_uploaded_bytes} (new chunks of an
 *       incremental backup, the archive of a snapshot), {@code sextant_backup_shrink_warning} (1 when the last
 *       backup is under half the previous one), {@code sextant_backup_successes_total} and {@code
 *       sextant_backup_failures_total};
 *   <li>per unit with a restore drill: {@code sextant_restore_drill_ok} (1 when the last drill
 *       restored the snapshot and every sampled point matched) and {@code
 *       sextant_restore_drill_timestamp_seconds};
 *   <li>result health per collection and vector: {@code sextant_search_total}, {@code
 *       sextant_search_zero_results_total}, {@code sextant_search_filter_pass_ratio} and {@code
 *       sextant_search_top_score{quantile="0.1"|"0.5"|"0.9"}}, and the cost of live-recall sampling:
 *       {@code sextant_quality_sampling_cpu_seconds_total} (the exact re-runs' thread CPU time) and
 *       {@code sextant_quality_samples_run_total};
 *   <li>{@code sextant_storage_free_bytes} and {@code sextant_storage_total_bytes} of the file
 *       system holding the storage directory (for a disk-full alert before writes fail).
 * </ul>
 *
 * Labels use {@code collection} like the other collection metrics of this server (Qdrant labels
 * some of these {@code id}). Thread-safe: stateless apart from the sources, which are.
 */
final class OperationsExposition {

    private final TableOfContents toc;
    private volatile Supplier<Map<String, Integer>> snapshotsRunning = Map::of;
    private volatile BackupStatus backups;

    OperationsExposition(TableOfContents toc) {
        this.toc = toc;
    }

    void watchSnapshots(Supplier<Map<String, Integer>> running, BackupStatus status) {
        this.snapshotsRunning = running;
        this.backups = status;
    }

    String render() {
        StringBuilder running = header("collection_running_optimizations", "gauge", "Optimizations running now");
        StringBuilder queue = header("collection_update_queue_length", "gauge", "Updates waiting for a shard");
        StringBuilder lag = header(
                "sextant_collection_indexing_lag_seconds",
                "gauge",
                "Age of the oldest write waiting for indexing (0 when none waits)");
        StringBuilder fsync =
                header("sextant_wal_fsync_duration_seconds", "histogram", "WAL group-commit fsync duration");
        StringBuilder toSearchable =
                header("sextant_write_to_searchable_seconds", "histogram", "Time from a write applied to searchable");
        StringBuilder toIndexed =
                header("sextant_write_to_indexed_seconds", "histogram", "Time from a write applied to indexed");
        StringBuilder optFailures = header(
                "sextant_collection_optimizer_failures_total",
                "counter",
                "Optimizer runs that failed (any error, including OutOfMemoryError) since the node started");
        StringBuilder applyFailures = header(
                "sextant_collection_apply_failures_total",
                "counter",
                "Logged operations whose application failed (kept and retried) since the node started");
        StringBuilder red = header(
                "sextant_collection_red_shards",
                "gauge",
                "Shards whose status is red (failed optimizer or unapplied operation)");
        for (String name : toc.list()) {
            Collection c;
            try {
                c = toc.get(name);
            } catch (UserException e) {
                continue; // deleted meanwhile
            }
            int opt = 0;
            int q = 0;
            double maxLag = 0;
            DurationHistogram.Snapshot h = DurationHistogram.Snapshot.EMPTY;
            DurationHistogram.Snapshot searchable = DurationHistogram.Snapshot.EMPTY;
            DurationHistogram.Snapshot indexed = DurationHistogram.Snapshot.EMPTY;
            long optFailed = 0;
            long applyFailed = 0;
            int redShards = 0;
            for (Shard s : c.shards()) {
                ShardStats st = s.stats();
                optFailed += st.optimizerFailures();
                applyFailed += st.applyFailures();
                redShards += st.red() ? 1 : 0;
                opt += st.runningOptimizations();
                q += st.updateQueueLength();
                maxLag = Math.max(maxLag, st.indexingLagSeconds());
                h = h.plus(st.walFsync());
                searchable = searchable.plus(s.freshness().toSearchable());
                indexed = indexed.plus(s.freshness().toIndexed());
            }
            String l = "{collection=\"" + escape(name) + "\"}";
            sample(running, "collection_running_optimizations", l, opt);
            sample(queue, "collection_update_queue_length", l, q);
            sample(lag, "sextant_collection_indexing_lag_seconds", l, maxLag);
            String hl = "collection=\"" + escape(name) + "\"";
            histogram(fsync, "sextant_wal_fsync_duration_seconds", hl, h);
            histogram(toSearchable, "sextant_write_to_searchable_seconds", hl, searchable);
            histogram(toIndexed, "sextant_write_to_indexed_seconds", hl, indexed);
            sample(optFailures, "sextant_collection_optimizer_failures_total", l, optFailed);
            sample(applyFailures, "sextant_collection_apply_failures_total", l, applyFailed);
            sample(red, "sextant_collection_red_shards", l, redShards);
        }
        StringBuilder health = resultHealth();
        StringBuilder snaps =
                header("snapshot_creation_running", "gauge", "Snapshot creations running now, by collection");
        snapshotsRunning.get().forEach((unit, n) -> sample(snaps, "snapshot_creation_running", unitLabel(unit), n));
        StringBuilder out = new StringBuilder()
                .append(running)
                .append(queue)
                .append(lag)
                .append(fsync)
                .append(toSearchable)
                .append(toIndexed)
                .append(optFailures)
                .append(applyFailures)
                .append(red)
                .append(health)
                .append(snaps);
        BackupStatus b = backups;
        if (b != null) {
            out.append(backupFigures(b.backups()));
            out.append(drillFigures(b.drills()));
        }
        out.append(storageFigures(toc.storagePath()));
        return out.toString();
    }

    /** Result health per collection and vector ({@link io.sextant.collection.quality.ResultHealth}). */
    private StringBuilder resultHealth() {
        StringBuilder searches =
                header("sextant_search_total", "counter", "Searches answered since the node started, by vector");
        StringBuilder zero =
                header("sextant_search_zero_results_total", "counter", "Searches that returned no point, by vector");
        StringBuilder pass = header(
                "sextant_search_filter_pass_ratio",
                "gauge",
                "Share of the collection sampled filters let through (1 - filter drop-off), moving mean");
        StringBuilder top = header(
                "sextant_search_top_score", "gauge", "Quantiles of the top hit's score over the newest searches");
        for (String name : toc.list()) {
            Collection c;
            try {
                c = toc.get(name);
            } catch (UserException e) {
                continue;
            }
            c.resultHealth().readings().forEach((vector, r) -> {
                String l = "{collection=\"" + escape(name) + "\",vector=\"" + escape(vector) + "\"";
                sample(searches, "sextant_search_total", l + "}", r.searches());
                sample(zero, "sextant_search_zero_results_total", l + "}", r.zeroResults());
                if (!Double.isNaN(r.filterPassRatio())) {
                    sample(pass, "sextant_search_filter_pass_ratio", l + "}", r.filterPassRatio());
                }
                if (r.topScoreSamples() > 0) {
                    sample(top, "sextant_search_top_score", l + ",quantile=\"0.1\"}", r.topScoreP10());
                    sample(top, "sextant_search_top_score", l + ",quantile=\"0.5\"}", r.topScoreP50());
                    sample(top, "sextant_search_top_score", l + ",quantile=\"0.9\"}", r.topScoreP90());
                }
            });
        }
        var budget = io.sextant.collection.quality.SamplingBudget.PROCESS;
        StringBuilder cpu = header(
                "sextant_quality_sampling_cpu_seconds_total",
                "counter",
                "CPU time of the live-recall exact re-runs (the cost of sampling), process-wide");
        sample(cpu, "sextant_quality_sampling_cpu_seconds_total", "", budget.cpuSeconds());
        StringBuilder ran =
                header("sextant_quality_samples_run_total", "counter", "Live-recall exact re-runs done, process-wide");
        sample(ran, "sextant_quality_samples_run_total", "", budget.samplesRun());
        return searches.append(zero).append(pass).append(top).append(cpu).append(ran);
    }

    private static String backupFigures(Map<String, BackupStatus.Backup> all) {
        StringBuilder last = header(
                "sextant_backup_last_success_timestamp_seconds", "gauge", "Unix time of the last successful backup");
        StringBuilder dur = header("sextant_backup_duration_seconds", "gauge", "Duration of the last backup");
        StringBuilder size = header("sextant_backup_size_bytes", "gauge", "Size of the last backup");
        StringBuilder uploaded = header(
                "sextant_backup_uploaded_bytes", "gauge", "Bytes the last backup wrote to the target (new chunks)");
        StringBuilder shrink = header(
                "sextant_backup_shrink_warning", "gauge", "1 when the last backup is under half the previous one");
        StringBuilder ok = header("sextant_backup_successes_total", "counter", "Successful backups");
        StringBuilder failed = header("sextant_backup_failures_total", "counter", "Failed backups");
        all.forEach((unit, bk) -> {
            String l = unitLabel(unit);
            if (bk.lastSuccess() != null) {
                sample(
                        last,
                        "sextant_backup_last_success_timestamp_seconds",
                        l,
                        bk.lastSuccess().toEpochMilli() / 1e3);
                sample(dur, "sextant_backup_duration_seconds", l, bk.durationMillis() / 1e3);
                sample(size, "sextant_backup_size_bytes", l, bk.sizeBytes());
                sample(uploaded, "sextant_backup_uploaded_bytes", l, bk.uploadedBytes());
            }
            sample(shrink, "sextant_backup_shrink_warning", l, bk.shrinkWarning() ? 1 : 0);
            sample(ok, "sextant_backup_successes_total", l, bk.successes());
            sample(failed, "sextant_backup_failures_total", l, bk.failures());
        });
        return new StringBuilder()
                .append(last)
                .append(dur)
                .append(size)
                .append(uploaded)
                .append(shrink)
                .append(ok)
                .append(failed)
                .toString();
    }

    private static String drillFigures(Map<String, BackupStatus.Drill> all) {
        StringBuilder ok = header(
                "sextant_restore_drill_ok", "gauge", "1 when the last restore drill succeeded and matched, else 0");
        StringBuilder at =
                header("sextant_restore_drill_timestamp_seconds", "gauge", "Unix time of the last restore drill");
        all.forEach((unit, d) -> {
            String l = unitLabel(unit);
            sample(ok, "sextant_restore_drill_ok", l, d.ok() ? 1 : 0);
            if (d.time() != null) {
                sample(
                        at,
                        "sextant_restore_drill_timestamp_seconds",
                        l,
                        d.time().toEpochMilli() / 1e3);
            }
        });
        return ok.append(at).toString();
    }

    private static String storageFigures(java.nio.file.Path storage) {
        StringBuilder free = header(
                "sextant_storage_free_bytes", "gauge", "Bytes available to the server on the storage file system");
        StringBuilder total =
                header("sextant_storage_total_bytes", "gauge", "Size of the file system holding the storage directory");
        try {
            java.nio.file.FileStore fs = java.nio.file.Files.getFileStore(storage);
            sample(free, "sextant_storage_free_bytes", "", fs.getUsableSpace());
            sample(total, "sextant_storage_total_bytes", "", fs.getTotalSpace());
        } catch (java.io.IOException e) {
            return ""; // storage gone (tests) or unreadable: no figure rather than a wrong one
        }
        return free.append(total).toString();
    }

    private static String unitLabel(String unit) {
        return "{collection=\"" + escape(unit) + "\"}";
    }

    private static StringBuilder header(String name, String type, String help) {
        return new StringBuilder("# HELP ")
                .append(name)
                .append(' ')
                .append(help)
                .append("\n# TYPE ")
                .append(name)
                .append(' ')
                .append(type)
                .append('\n');
    }

    private static void sample(StringBuilder b, String name, String labels, double value) {
        b.append(name).append(labels).append(' ').append(number(value)).append('\n');
    }

    private static void histogram(StringBuilder b, String name, String labels, DurationHistogram.Snapshot h) {
        long cumulative = 0;
        long[] counts = h.bucketCounts();
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i];
            String le =
                    i < DurationHistogram.BOUNDS_SECONDS.length ? number(DurationHistogram.BOUNDS_SECONDS[i]) : "+Inf";
            b.append(name)
                    .append("_bucket{")
                    .append(labels)
                    .append(",le=\"")
                    .append(le)
                    .append("\"} ")
                    .append(cumulative)
                    .append('\n');
        }
        b.append(name)
                .append("_sum{")
                .append(labels)
                .append("} ")
                .append(number(h.sumSeconds()))
                .append('\n');
        b.append(name)
                .append("_count{")
                .append(labels)
                .append("} ")
                .append(cumulative)
                .append('\n');
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    /** Escapes a label value (backslash, quote, newline) as the text format requires. */
    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
