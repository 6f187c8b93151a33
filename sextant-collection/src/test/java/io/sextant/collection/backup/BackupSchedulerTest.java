package io.sextant.collection.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.collection.snapshot.LocalSnapshotStore;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotService;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.shard.LocalShard;
import io.sextant.vector.Distance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupSchedulerTest {
    @TempDir
    Path tmp;

    @Test
    void backupsRotateDrillAndWarnOnShrink() throws Exception {
        try (TableOfContents toc = TableOfContents.open(tmp.resolve("storage"), LocalShard::open)) {
            Collection c =
                    toc.create("b", CollectionConfig.of(CollectionParams.single(VectorParams.of(2, Distance.COSINE))));
            List<PointOperation.PointStruct> pts = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                pts.add(new PointOperation.PointStruct(
                        PointId.of(i),
                        Map.of("", new float[] {i + 1, 1}),
                        JsonNodeFactory.instance.objectNode().put("i", i).put("text", "x".repeat(200))));
            }
            c.update(new PointOperation.Upsert(pts), true);
            Path target = tmp.resolve("backups");
            SnapshotService service = new SnapshotService(
                    toc, new LocalSnapshotStore(target), tmp.resolve("snapshots"), null, Clock.systemUTC());
            BackupPolicy policy = new BackupPolicy(Duration.ofHours(1), List.of(), false, 2, null, true, false);
            BackupScheduler scheduler =
                    new BackupScheduler(toc, service, policy, new BackupStatus(), Clock.systemUTC());

            scheduler.runOnce();
            BackupStatus.Drill drill = scheduler.status().drills().get("b");
            assertThat(drill.ok()).as(String.valueOf(drill)).isTrue();
            assertThat(drill.restoredPoints()).isEqualTo(300);
            assertThat(drill.expectedPoints()).isEqualTo(300);
            assertThat(drill.sampled()).isEqualTo(BackupScheduler.DRILL_SAMPLE);
            assertThat(drill.mismatched()).isZero();
            scheduler.runOnce();
            scheduler.runOnce();
            assertThat(service.listCollection("b")).hasSize(2); // keep_last 2
            assertThat(scheduler.status().backups().get("b").successes()).isEqualTo(3);
            assertThat(scheduler.status().backups().get("b").shrinkWarning()).isFalse();

            // a drill against a changed source reports the mismatch
            c.update(
                    new PointOperation.SetPayload(
                            JsonNodeFactory.instance.objectNode().put("i", -1),
                            new PointsSelector.ByFilter(Filter.ALL),
                            null),
                    true);
            BackupStatus.Drill stale = scheduler.drillNewest("b");
            assertThat(stale.ok()).isFalse();
            assertThat(stale.error()).contains("differ from the source");
            assertThat(Files.list(tmp.resolve("storage/.deleted")).toList()).isEmpty(); // scratch removed
        }
    }

    @Test
    void incrementalBackupsRotateSweepAndPassTheirDrill() throws Exception {
        try (TableOfContents toc = TableOfContents.open(tmp.resolve("storage"), LocalShard::open)) {
            Collection c =
                    toc.create("b", CollectionConfig.of(CollectionParams.single(VectorParams.of(2, Distance.COSINE))));
            c.update(new PointOperation.Upsert(points(0, 300, "v1")), true);
            SnapshotService service = new SnapshotService(
                    toc,
                    new LocalSnapshotStore(tmp.resolve("tars")),
                    tmp.resolve("snapshots"),
                    null,
                    Clock.systemUTC());
            IncrementalBackups incremental =
                    new IncrementalBackups(new LocalBlobStore(tmp.resolve("backups")), Clock.systemUTC());
            BackupPolicy policy = new BackupPolicy(Duration.ofHours(1), List.of(), false, 2, null, true, true);
            BackupScheduler scheduler =
                    new BackupScheduler(toc, service, incremental, policy, new BackupStatus(), Clock.systemUTC());

            scheduler.runOnce();
            BackupStatus.Drill drill = scheduler.status().drills().get("b");
            assertThat(drill.ok()).as(String.valueOf(drill)).isTrue();
            assertThat(drill.restoredPoints()).isEqualTo(300);
            assertThat(drill.sampled()).isEqualTo(BackupScheduler.DRILL_SAMPLE);
            String first = incremental.list("b").getFirst().name();
            java.util.Set<String> firstBlobs = new java.util.HashSet<>();
            incremental.manifest("b", first).files().forEach(f -> firstBlobs.addAll(f.chunks()));
            for (int run = 0; run < 2; run++) {
                c.update(new PointOperation.Upsert(points(run, run + 1, "v" + (run + 2))), true);
                scheduler.runOnce();
                assertThat(scheduler.status().drills().get("b").ok()).isTrue();
            }
            List<SnapshotDescription> kept = incremental.list("b");
            assertThat(kept).hasSize(2).extracting(SnapshotDescription::name).doesNotContain(first);
            java.util.Set<String> referenced = new java.util.HashSet<>();
            for (SnapshotDescription d : kept) {
                incremental.manifest("b", d.name()).files().forEach(f -> referenced.addAll(f.chunks()));
            }
            java.util.Set<String> stored = new java.util.HashSet<>();
            incremental
                    .store()
                    .list(IncrementalBackups.BLOBS)
                    .forEach(e -> stored.add(e.key().substring(e.key().lastIndexOf('/') + 1)));
            assertThat(stored).as("swept to what the kept backups name").isEqualTo(referenced);
            assertThat(firstBlobs)
                    .as("some blobs of the first backup are still shared")
                    .containsAnyElementsOf(stored);
            assertThat(service.listCollection("b")).as("no tar archives").isEmpty();
            assertThat(scheduler.status().backups().get("b").successes()).isEqualTo(3);
            BackupStatus.Backup last = scheduler.status().backups().get("b");
            assertThat(last.uploadedBytes()).isPositive().isLessThan(last.sizeBytes());

            c.update(new PointOperation.Upsert(points(0, 300, "v9")), true);
            BackupStatus.Drill stale = scheduler.drillNewest("b");
            assertThat(stale.ok()).isFalse();
            assertThat(stale.error()).contains("differ from the source");
            assertThat(Files.list(tmp.resolve("storage/.deleted")).toList()).isEmpty(); // scratch removed
        }
    }

    private static List<PointOperation.PointStruct> points(int from, int to, String rev) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pts.add(new PointOperation.PointStruct(
                    PointId.of(i),
                    Map.of("", new float[] {i + 1, 1}),
                    JsonNodeFactory.instance.objectNode().put("i", i).put("rev", rev)));
        }
        return pts;
    }

    @Test
    void shrinkingByMoreThanHalfRaisesTheWarning() {
        BackupStatus status = new BackupStatus();
        status.success("c", Instant.now(), 5, 1000, "a.snapshot");
        assertThat(status.backups().get("c").shrinkWarning()).isFalse();
        status.success("c", Instant.now(), 5, 600, "b.snapshot");
        assertThat(status.backups().get("c").shrinkWarning()).isFalse();
        status.success("c", Instant.now(), 5, 299, "c.snapshot");
        assertThat(status.backups().get("c").shrinkWarning()).isTrue();
        assertThat(status.backups().get("c").previousSizeBytes()).isEqualTo(600);
        status.failure("c", Instant.now(), "disk full");
        assertThat(status.backups().get("c").lastError()).isEqualTo("disk full");
        assertThat(status.backups().get("c").successes()).isEqualTo(3);
    }

    @Test
    void retentionKeepsTheNewestAndHonoursCountAndAge() {
        Instant now = Instant.parse("2024-05-10T12:00:00Z");
        List<SnapshotDescription> all = List.of(
                d("c-1-2024-05-01-00-00-00.snapshot"),
                d("c-2-2024-05-09-00-00-00.snapshot"),
                d("c-3-2024-05-10-11-00-00.snapshot"),
                d("c-4-2024-05-10-11-30-00.snapshot"));
        assertThat(BackupRetention.toDelete(all, 2, null, now))
                .extracting(SnapshotDescription::name)
                .containsExactlyInAnyOrder("c-1-2024-05-01-00-00-00.snapshot", "c-2-2024-05-09-00-00-00.snapshot");
        assertThat(BackupRetention.toDelete(all, 0, Duration.ofDays(2), now))
                .extracting(SnapshotDescription::name)
                .containsExactly("c-1-2024-05-01-00-00-00.snapshot");
        // the newest survives even when everything is too old
        assertThat(BackupRetention.toDelete(all, 0, Duration.ofMinutes(1), now))
                .extracting(SnapshotDescription::name)
                .doesNotContain("c-4-2024-05-10-11-30-00.snapshot")
                .hasSize(3);
    }

    private static SnapshotDescription d(String name) {
        return new SnapshotDescription(name, io.sextant.collection.snapshot.SnapshotNames.timeOf(name), 1, null);
    }

    @Test
    void scheduledRunsHappenOnlyWhileTheGateIsOpen() throws Exception {
        try (TableOfContents toc = TableOfContents.open(tmp.resolve("storage"), LocalShard::open)) {
            Collection c =
                    toc.create("g", CollectionConfig.of(CollectionParams.single(VectorParams.of(2, Distance.COSINE))));
            c.update(new PointOperation.Upsert(points(0, 10, "v1")), true);
            SnapshotService service = new SnapshotService(
                    toc,
                    new LocalSnapshotStore(tmp.resolve("gated")),
                    tmp.resolve("snapshots"),
                    null,
                    Clock.systemUTC());
            BackupPolicy policy = new BackupPolicy(Duration.ofHours(1), List.of(), false, 5, null, false, false);
            boolean[] leader = {false};
            BackupScheduler scheduler = new BackupScheduler(toc, service, policy, new BackupStatus(), Clock.systemUTC())
                    .runOnlyWhen(() -> leader[0]);

            assertThat(scheduler.runScheduled()).isFalse();
            assertThat(scheduler.status().backups()).isEmpty();
            assertThat(service.listCollection("g")).isEmpty();

            leader[0] = true;
            assertThat(scheduler.runScheduled()).isTrue();
            assertThat(service.listCollection("g")).hasSize(1);

            leader[0] = false; // leadership moved: this node stops, the explicit run still works
            assertThat(scheduler.runScheduled()).isFalse();
            assertThat(service.listCollection("g")).hasSize(1);
            scheduler.runOnce();
            assertThat(service.listCollection("g")).hasSize(2);
        }
    }
}
