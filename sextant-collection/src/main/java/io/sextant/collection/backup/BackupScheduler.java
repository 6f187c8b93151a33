package io.sextant.collection.backup;

import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotNames;
import io.sextant.collection.snapshot.SnapshotService;
import io.sextant.collection.snapshot.SnapshotStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled backups: every {@link BackupPolicy#interval()} it snapshots the chosen collections (or
 * takes one full snapshot) straight into the backup target (a {@link SnapshotService} over the
 * target's {@link SnapshotStore}, local directory or S3), rotates old backups ({@link
 * BackupRetention}), and, when the policy asks for it, proves each new backup with a {@link
 * RestoreDrill} against the live collection. Outcomes go to {@link BackupStatus}; a backup that
 * shrank by more than half is logged as a warning. One run at a time; a failing collection does not
 * stop the others. Thread-safe.
 */
public final class BackupScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);
    public static final String FULL_UNIT = "full";
    static final int DRILL_SAMPLE = 64;

    private final TableOfContents toc;
    private final SnapshotService target;
    private final BackupPolicy policy;
    private final BackupStatus status;
    private final Clock clock;
    private ScheduledExecutorService executor;

    public BackupScheduler(
            TableOfContents toc, SnapshotService target, BackupPolicy policy, BackupStatus status, Clock clock) {
        this.toc = toc;
        this.target = target;
        this.policy = policy;
        this.status = status;
        this.clock = clock;
    }

    public BackupStatus status() {
        return status;
    }

    public BackupPolicy policy() {
        return policy;
    }

    /** Starts the periodic runs (the first after one interval). */
    public synchronized BackupScheduler start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "backup-scheduler");
            t.setDaemon(true);
            return t;
        });
        long ms = policy.interval().toMillis();
        executor.scheduleWithFixedDelay(this::runSafely, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("Backups every {} to {}", policy.interval(), target.store().location());
        return this;
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.error("Backup run failed", e);
        }
    }

    /** One backup run now, on the calling thread. */
    public synchronized void runOnce() {
        if (policy.full()) {
            backup(FULL_UNIT, SnapshotNames.fullScope(), null);
            return;
        }
        List<String> names = policy.collections().isEmpty() ? toc.list() : policy.collections();
        for (String name : names) {
            backup(name, SnapshotNames.collectionScope(name), name);
        }
    }

    private void backup(String unit, String scope, String collection) {
        long start = System.nanoTime();
        SnapshotDescription d;
        try {
            d = collection == null ? target.createFull() : target.createCollection(collection);
        } catch (RuntimeException e) {
            LOG.error("Backup of {} failed", unit, e);
            status.failure(unit, clock.instant(), e.getMessage());
            return;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        status.success(unit, clock.instant(), millis, d.size(), d.name());
        BackupStatus.Backup b = status.backups().get(unit);
        if (b.shrinkWarning()) {
            LOG.warn(
                    "Backup {} of {} is {} bytes, less than half of the previous {} bytes",
                    d.name(),
                    unit,
                    d.size(),
                    b.previousSizeBytes());
        }
        rotate(scope);
        if (policy.drill() && collection != null) {
            drill(collection, scope, d);
        }
    }

    private void rotate(String scope) {
        SnapshotStore store = target.store();
        List<SnapshotDescription> old =
                BackupRetention.toDelete(store.list(scope), policy.keepLast(), policy.maxAge(), clock.instant());
        for (SnapshotDescription d : old) {
            try {
                store.delete(scope, d.name());
                LOG.info("Rotated out backup {}", d.name());
            } catch (RuntimeException e) {
                LOG.warn("Failed to delete old backup {}: {}", d.name(), e.getMessage());
            }
        }
    }

    /** Restores the newest backup of {@code collection} into a scratch node and compares it. */
    public BackupStatus.Drill drillNewest(String collection) {
        String scope = SnapshotNames.collectionScope(collection);
        List<SnapshotDescription> all = target.store().list(scope);
        if (all.isEmpty()) {
            throw io.sextant.segment.error.UserException.notFound("Not found: no backup of collection `" + collection
                    + "` in " + target.store().location());
        }
        return drill(collection, scope, all.getLast());
    }

    private BackupStatus.Drill drill(String collection, String scope, SnapshotDescription d) {
        Collection source = toc.exists(collection) ? toc.get(collection) : null;
        BackupStatus.Drill result = RestoreDrill.run(
                target.store(),
                scope,
                d,
                collection,
                toc.newWorkDir("drill-" + collection),
                source,
                DRILL_SAMPLE,
                Instant.now().toEpochMilli());
        status.drill(collection, result);
        if (result.ok()) {
            LOG.info(
                    "Restore drill of {} passed: {} points in {} ms",
                    d.name(),
                    result.restoredPoints(),
                    result.recoveryMillis());
        } else {
            LOG.error("Restore drill of {} FAILED: {}", d.name(), result.error());
        }
        return result;
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }
}
