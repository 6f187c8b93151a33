package io.sextant.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.SextantServer;
import io.sextant.server.auth.HttpProbe;
import io.sextant.server.config.ConfigLoader;
import io.sextant.shard.LocalShard;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shard, snapshot and backup figures on {@code /metrics}: WAL fsync histogram, indexing lag in
 * seconds, update queue length, running optimizations, snapshot creations running and the backup
 * figures, present with sane values after real writes, a snapshot and a scheduled backup run.
 */
class OperationalMetricsTest {

    @TempDir
    Path tmp;

    @Test
    void shardSnapshotAndBackupFiguresAppearWithSaneValues() throws Exception {
        Path yaml = tmp.resolve("config.yaml");
        Files.writeString(
                yaml,
                "storage: {snapshots_path: \"" + tmp.resolve("snapshots") + "\"}\n"
                        + "backup:\n  interval: 1h\n  target: {local_dir: \"" + tmp.resolve("backups") + "\"}\n");
        SextantServer server = SextantServer.start(
                ConfigLoader.load(
                        yaml, Map.of(), new ConfigLoader.CliOverrides("127.0.0.1", 0, null, tmp.resolve("storage"))),
                LocalShard::open);
        try {
            HttpProbe http = new HttpProbe("http://127.0.0.1:" + server.httpPort());
            assertThat(http.send("PUT", "/collections/docs", "{\"vectors\":{\"size\":8,\"distance\":\"Dot\"}}")
                            .status())
                    .isEqualTo(200);
            long seed = System.nanoTime();
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int batch = 0; batch < 5; batch++) {
                StringBuilder b = new StringBuilder("{\"points\":[");
                for (int i = 0; i < 20; i++) {
                    b.append(i == 0 ? "" : ",")
                            .append("{\"id\":")
                            .append(batch * 20 + i)
                            .append(",\"vector\":[");
                    for (int d = 0; d < 8; d++) {
                        b.append(d == 0 ? "" : ",").append(rnd.nextDouble());
                    }
                    b.append("]}");
                }
                assertThat(http.send(
                                        "PUT",
                                        "/collections/docs/points?wait=true",
                                        b.append("]}").toString())
                                .status())
                        .as("seed %d", seed)
                        .isEqualTo(200);
            }
            assertThat(http.send("POST", "/collections/docs/snapshots", null).status())
                    .isEqualTo(200);
            long before = System.currentTimeMillis() / 1000;
            server.snapshots().scheduler().runOnce();

            String text = http.send("GET", "/metrics", null).text();
            String c = "{collection=\"docs\"}";
            assertThat(value(text, "collection_running_optimizations" + c)).isBetween(0.0, 1.0);
            assertThat(value(text, "collection_update_queue_length" + c)).isZero();
            assertThat(value(text, "sextant_collection_indexing_lag_seconds" + c))
                    .isBetween(0.0, 60.0);
            double fsyncs = value(text, "sextant_wal_fsync_duration_seconds_count" + c);
            assertThat(fsyncs)
                    .as("one group commit per acknowledged write at most")
                    .isBetween(1.0, 5.0);
            assertThat(value(text, "sextant_wal_fsync_duration_seconds_bucket{collection=\"docs\",le=\"+Inf\"}"))
                    .isEqualTo(fsyncs);
            assertThat(value(text, "sextant_wal_fsync_duration_seconds_sum" + c))
                    .isBetween(0.0, 60.0);
            assertThat(value(text, "sextant_collection_optimizer_failures_total" + c))
                    .isZero();
            assertThat(value(text, "sextant_collection_apply_failures_total" + c))
                    .isZero();
            assertThat(value(text, "sextant_collection_red_shards" + c)).isZero();
            assertThat(text).contains("# TYPE sextant_collection_optimizer_failures_total counter\n");
            assertThat(text).contains("# TYPE sextant_wal_fsync_duration_seconds histogram\n");
            assertThat(text).contains("# TYPE snapshot_creation_running gauge\n");
            assertThat(text).doesNotContainPattern("snapshot_creation_running\\{[^}]*\\} [1-9]");
            assertThat(value(text, "sextant_backup_last_success_timestamp_seconds" + c))
                    .isBetween(before - 1.0, System.currentTimeMillis() / 1000 + 1.0);
            assertThat(value(text, "sextant_backup_size_bytes" + c)).isPositive();
            assertThat(value(text, "sextant_backup_uploaded_bytes" + c))
                    .as("first incremental backup uploads every chunk")
                    .isPositive()
                    .isLessThanOrEqualTo(value(text, "sextant_backup_size_bytes" + c));
            assertThat(value(text, "sextant_backup_duration_seconds" + c)).isBetween(0.0, 60.0);
            assertThat(value(text, "sextant_backup_shrink_warning" + c)).isZero();
            assertThat(value(text, "sextant_backup_successes_total" + c)).isEqualTo(1.0);
            assertThat(value(text, "sextant_backup_failures_total" + c)).isZero();
            double free = value(text, "sextant_storage_free_bytes");
            assertThat(free).isPositive().isLessThanOrEqualTo(value(text, "sextant_storage_total_bytes"));
            server.snapshots().scheduler().drillNewest("docs");
            text = http.send("GET", "/metrics", null).text();
            assertThat(value(text, "sextant_restore_drill_ok" + c)).isEqualTo(1.0);
            assertThat(value(text, "sextant_restore_drill_timestamp_seconds" + c))
                    .isBetween(before - 1.0, System.currentTimeMillis() / 1000 + 1.0);
            assertThat(parsesWithPrometheusClient(text)).isTrue();
        } finally {
            server.close();
        }
    }

    /** The value of the one sample {@code series} (name with labels) in the scrape. */
    private static double value(String text, String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertThat(m.find()).as("%s in the scrape", series).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** True when Prometheus's Python parser accepts the text, or when it is not installed. */
    private static boolean parsesWithPrometheusClient(String text) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(
                            "python3",
                            "-c",
                            "import sys\nfrom prometheus_client.parser import text_string_to_metric_families\n"
                                    + "list(text_string_to_metric_families(sys.stdin.read()))")
                    .start();
        } catch (java.io.IOException e) {
            return true;
        }
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (err.contains("No module named")) {
            return true;
        }
        assertThat(p.exitValue()).as("parser stderr: %s", err).isZero();
        return true;
    }
}
