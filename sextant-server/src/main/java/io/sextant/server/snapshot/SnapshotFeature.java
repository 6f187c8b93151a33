package io.sextant.server.snapshot;

import io.javalin.config.RoutesConfig;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.backup.BackupScheduler;
import io.sextant.collection.backup.BackupStatus;
import io.sextant.collection.backup.BlobStore;
import io.sextant.collection.backup.IncrementalBackups;
import io.sextant.collection.backup.LocalBlobStore;
import io.sextant.collection.backup.S3BlobStore;
import io.sextant.collection.snapshot.LocalSnapshotStore;
import io.sextant.collection.snapshot.S3SnapshotStore;
import io.sextant.collection.snapshot.SnapshotService;
import io.sextant.collection.snapshot.SnapshotStore;
import io.sextant.server.api.rest.ApiExchange;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Wires snapshots and scheduled backups into a node: the {@link SnapshotService} over the
 * configured store (local {@code storage.snapshots_path} or S3), its REST routes, and, when
 * {@code backup:} is enabled, a {@link BackupScheduler} writing to the backup target. {@link
 * #backupStatus()} is the registry the metrics endpoint reads. Thread-safe; close once.
 */
public final class SnapshotFeature implements AutoCloseable {
    private final SnapshotService service;
    private final SnapshotRoutes routes;
    private final BackupScheduler scheduler;
    private final BackupStatus status = new BackupStatus();
    private final SnapshotStore store;
    private final SnapshotStore backupStore;
    private final SnapshotService backupService;
    private final IncrementalBackups incremental;

    public SnapshotFeature(TableOfContents toc, Path snapshotsPath, SnapshotSettings settings, long maxBodyBytes) {
        Clock clock = Clock.systemUTC();
        this.store = settings.s3() == null ? new LocalSnapshotStore(snapshotsPath) : new S3SnapshotStore(settings.s3());
        this.service = new SnapshotService(toc, store, snapshotsPath, settings.urlRecovery(), clock, settings.limits());
        this.routes = new SnapshotRoutes(service, new ApiExchange(maxBodyBytes));
        SnapshotSettings.Backup b = settings.backup();
        if (b == null) {
            this.scheduler = null;
            this.backupStore = null;
            this.backupService = null;
            this.incremental = null;
        } else {
            this.backupStore = b.s3() != null ? new S3SnapshotStore(b.s3()) : new LocalSnapshotStore(b.localDir());
            SnapshotService target = new SnapshotService(
                    toc,
                    backupStore,
                    snapshotsPath.resolve("backup-staging"),
                    settings.urlRecovery(),
                    clock,
                    settings.limits());
            this.backupService = target;
            this.incremental = b.policy().incremental() ? new IncrementalBackups(blobStore(b), clock) : null;
            this.scheduler = new BackupScheduler(toc, target, incremental, b.policy(), status, clock).start();
        }
    }

    /** The backup target's blob store: its local directory or its S3 bucket. */
    public static BlobStore blobStore(SnapshotSettings.Backup b) {
        return b.s3() != null ? new S3BlobStore(b.s3()) : new LocalBlobStore(b.localDir());
    }

    public SnapshotService service() {
        return service;
    }

    /**
     * Scheduled backups run only while {@code gate} is true (cluster mode: while this peer leads
     * the metadata group, so the cluster's shards are backed up once); no-op without backups.
     */
    public void backupsOnlyWhen(java.util.function.BooleanSupplier gate) {
        if (scheduler != null) {
            scheduler.runOnlyWhen(gate);
        }
    }

    public BackupStatus backupStatus() {
        return status;
    }

    /**
     * Snapshot creations running now (API requests and scheduled backups) by collection name,
     * {@code "full"} for full snapshots; for the {@code snapshot_creation_running} metric.
     */
    public java.util.Map<String, Integer> runningCreations() {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>(service.runningCreations());
        if (backupService != null) {
            backupService.runningCreations().forEach((k, v) -> out.merge(k, v, Integer::sum));
        }
        return out;
    }

    /** The backup scheduler, or null when backups are off. */
    public BackupScheduler scheduler() {
        return scheduler;
    }

    /** Registers the snapshot routes (pass as {@code feature::register}). */
    public void register(RoutesConfig r) {
        routes.register(r);
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.close();
        }
        routes.close();
        if (incremental != null) {
            incremental.close();
        }
        for (SnapshotStore s : new SnapshotStore[] {store, backupStore}) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing an HTTP client; nothing to recover
                }
            }
        }
    }
}
