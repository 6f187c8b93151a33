package io.sextant.collection.backup;

import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotNames;
import io.sextant.collection.snapshot.SnapshotService;
import io.sextant.collection.snapshot.SnapshotStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled backups: every {@link BackupPolicy#interval()} it backs up the chosen collections
 * (incrementally, {@link IncrementalBackups}, by default; or as snapshot archives) or takes one full
 * snapshot, straight into the backup target (local directory or S3), rotates old backups ({@link
 * BackupRetention}; incremental ones: manifests first, then a sweep of the blobs no kept backup
 * names), and, when the policy asks for it, proves each new backup with a {@link
 * RestoreDrill} against the live collection. Outcomes go to {@link BackupStatus}; a backup that
 * shrank by more than half is logged as a warning. One run at a time; a failing collection does not
 * stop the others. A scheduled run can be gated ({@link #runOnlyWhen}): in cluster mode only the
 * metadata group's leader runs it, so each shard is backed up once per interval, from one of its
 * readable replicas, not once per peer. Thread-safe.
 */
public final class BackupScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);
    public static final String FULL_UNIT = "full";
    static final int DRILL_SAMPLE = 64;

    private final TableOfContents toc;
    private final SnapshotService target;
    private final IncrementalBackups incremental;
    private final BackupPolicy policy;
    private final BackupStatus status;
    private final Clock clock;
    private ScheduledExecutorService executor;
    private volatile java.util.function.BooleanSupplier gate = () -> true;
    private volatile boolean gateOpen = true;

    public BackupScheduler(
            TableOfContents toc, SnapshotService target, BackupPolicy policy, BackupStatus status, Clock clock) {
        this(toc, target, null, policy, status, clock);
    }

    /**
     * @param target snapshot archives (full backups, or per collection when not incremental)
     * @param incremental the incremental target; required when the policy is incremental
     */
    public BackupScheduler(
            TableOfContents toc,
            SnapshotService target,
            IncrementalBackups incremental,
            BackupPolicy policy,
            BackupStatus status,
            Clock clock) {
        if (policy.incremental() && incremental == null) {
            throw new IllegalArgumentException("an incremental backup policy needs an incremental target");
        }
        this.toc = toc;
        this.target = target;
        this.incremental = policy.incremental() ? incremental : null;
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

    /**
     * Scheduled runs happen only while {@code gate} is true (e.g. "this peer leads the cluster");
     * a skipped run is logged when the gate closes. {@link #runOnce()} is not gated.
     */
    public BackupScheduler runOnlyWhen(java.util.function.BooleanSupplier gate) {
        this.gate = gate;
        return this;
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
        LOG.info(
                "{} backups every {} to {}",
                incremental != null ? "Incremental" : "Snapshot",
                policy.interval(),
                incremental != null ? incremental.location() : target.store().location());
        return this;
    }

    /** One scheduled run: {@link #runOnce()} if the gate is open; true when it ran. */
    boolean runScheduled() {
        boolean open = gate.getAsBoolean();
        if (open != gateOpen) {
            LOG.info(
                    open
                            ? "Scheduled backups run on this node again"
                            : "Scheduled backups skipped on this node"
                                    + " (another node runs them: this one does not lead the cluster)");
            gateOpen = open;
        }
        if (open) {
            runOnce();
        }
        return open;
    }

    private void runSafely() {
        try {
            runScheduled();
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
        long[] uploaded = {-1};
        try {
            d = collection == null
                    ? target.createFull()
                    : incremental != null
                            ? createIncremental(collection, uploaded)
                            : target.createCollection(collection);
        } catch (RuntimeException e) {
            LOG.error("Backup of {} failed", unit, e);
            status.failure(unit, clock.instant(), e.getMessage());
            return;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        status.success(unit, clock.instant(), millis, d.size(), uploaded[0] < 0 ? d.size() : uploaded[0], d.name());
        BackupStatus.Backup b = status.backups().get(unit);
        if (b.shrinkWarning()) {
            LOG.warn(
                    "Backup {} of {} is {} bytes, less than half of the previous {} bytes",
                    d.name(),
                    unit,
                    d.size(),
                    b.previousSizeBytes());
        }
        if (incremental != null && collection != null) {
            rotateIncremental(collection);
        } else {
            rotate(scope);
        }
        if (policy.drill() && collection != null) {
            drill(collection, scope, d);
        }
    }

    private SnapshotDescription createIncremental(String collection, long[] uploaded) {
        IncrementalBackups.Created c = incremental.create(toc.get(collection), toc.newWorkDir("backup-" + collection));
        LOG.info(
                "Incremental backup {} of {}: {} files, {} bytes, uploaded {} new blobs of {} bytes",
                c.description().name(),
                collection,
                c.manifest().files().size(),
                c.manifest().bytes(),
                c.newBlobs(),
                c.newBytes());
        uploaded[0] = c.newBytes();
        return c.description();
    }

    private void rotateIncremental(String collection) {
        List<SnapshotDescription> old = BackupRetention.toDelete(
                incremental.list(collection), policy.keepLast(), policy.maxAge(), clock.instant());
        if (old.isEmpty()) {
            return;
        }
        try {
            IncrementalBackups.Swept s = incremental.delete(
                    collection, old.stream().map(SnapshotDescription::name).toList());
            LOG.info(
                    "Rotated out {} backups of {}; swept {} unreferenced blobs ({} bytes), {} kept",
                    old.size(),
                    collection,
                    s.deletedBlobs(),
                    s.deletedBytes(),
                    s.keptBlobs());
        } catch (RuntimeException e) {
            LOG.warn("Failed to rotate backups of {}: {}", collection, e.getMessage());
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
        List<SnapshotDescription> all = incremental != null
                ? incremental.list(collection)
                : target.store().list(scope);
        if (all.isEmpty()) {
            throw io.sextant.segment.error.UserException.notFound(
                    "Not found: no backup of collection `" + collection + "` in "
                            + (incremental != null
                                    ? incremental.location()
                                    : target.store().location()));
        }
        return drill(collection, scope, all.getLast());
    }

    private BackupStatus.Drill drill(String collection, String scope, SnapshotDescription d) {
        Collection source = toc.exists(collection) ? toc.get(collection) : null;
        Path scratch = toc.newWorkDir("drill-" + collection);
        long seed = Instant.now().toEpochMilli();
        BackupStatus.Drill result = incremental != null
                ? RestoreDrill.run(incremental, d.name(), collection, scratch, source, DRILL_SAMPLE, seed)
                : RestoreDrill.run(target.store(), scope, d, collection, scratch, source, DRILL_SAMPLE, seed);
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
