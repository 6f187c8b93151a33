package io.sextant.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.TtlSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SparseStats;
import io.sextant.segment.query.VectorSelector;
import io.sextant.segment.storage.Segment;
import io.sextant.shard.wal.OperationCodec;
import io.sextant.shard.wal.Wal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard stored on this node: a {@link Wal}, a set of {@link Segment}s and background
 * optimizers ({@link ShardOptimizer}).
 *
 * <p><b>Directory layout.</b>
 *
 * <pre>
 * &lt;dir&gt;/manifest.bin            {@link ShardManifest}: checkpoint seq, segment list, write target, index schema
 * &lt;dir&gt;/wal/&lt;seq&gt;.wal           {@link Wal} files
 * &lt;dir&gt;/segments/seg-&lt;n&gt;/       one directory per {@link Segment}
 * </pre>
 *
 * <p><b>Updates.</b> {@link #update} validates first (unknown vector names, dimensions, NaN and
 * infinities, payload types against the index schema); a {@link UserException} leaves nothing
 * written. Under the update lock the operation's filter selector is resolved to ids (so the WAL
 * record replays deterministically), the record is appended to the WAL and applied to the
 * segments, in WAL order; the lock is then released and the caller waits for the WAL fsync,
 * which concurrent callers share (group commit). Both {@code wait=true} and {@code wait=false}
 * therefore return after the fsync with the change already applied. Readers may briefly see a
 * change before it is durable.
 *
 * <p><b>I/O errors (disk full) never take the shard down.</b> Each step fails differently:
 *
 * <ul>
 *   <li><em>WAL append fails</em>: the {@link Wal} cuts the partial record off and consumes no
 *       sequence number; nothing was applied, the caller gets the error, the shard stays usable
 *       and the next update simply tries again.
 *   <li><em>WAL fsync fails</em>: the operation is already applied in memory (other writers'
 *       selectors may already have resolved against it), so it cannot be taken back. The WAL
 *       truncates its file to the last durable record and rewrites the cut-off records from memory
 *       before its next append or fsync; the caller gets the error (no acknowledgement), and the
 *       change becomes durable with the next successful fsync, or is lost with a crash before
 *       that — either way nothing acknowledged is lost and memory never runs ahead of what a
 *       restart would replay except for unacknowledged records.
 *   <li><em>Applying fails after the append</em> (e.g. a vector file cannot grow): the record is
 *       in the WAL and may already be durable (another writer's fsync covers it), so it must
 *       never be dropped: a restart would replay it anyway. The shard keeps it as {@code
 *       unapplied} and applies it again, idempotently (per-point versions skip what the first
 *       attempt did), before the next update and at every checkpoint; until that succeeds,
 *       updates answer the error, {@code lastApplied} stays before the record (so a checkpoint
 *       never claims it and WAL truncation keeps it), and the shard's status is red.
 *   <li><em>A checkpoint fails</em> (flush of segment files): the manifest still names the
 *       previous checkpoint, whose WAL suffix is still on disk, so a restart replays it; the next
 *       checkpoint tries again.
 * </ul>
 *
 * <p><b>Versions and replay.</b> Every point carries the seq of its last change. Applying an
 * operation with seq ≤ a point's version skips that point, so replaying records already reflected
 * in segment files is harmless. A checkpoint flushes every segment, the write target first (see
 * {@link #flushOrder}: a segment that receives copies before those that lose them), and writes the manifest with
 * the last applied seq while holding the update lock, so all files reflect exactly the same
 * prefix of the WAL; recovery replays the WAL from checkpoint + 1. Deleted points need no
 * tombstones: the replayed suffix contains every delete newer than the checkpoint, and per-point
 * versions only ever skip changes the files already contain. Duplicates of one id (an update moves
 * a point from an immutable segment to the write target by copy + delete) are resolved by version
 * at open and on every read.
 *
 * <p>Thread-safe. Readers never block: they use a copy-on-write {@link SegmentSet} snapshot.
 */
public final class LocalShard implements Shard {
    private static final Logger LOG = LoggerFactory.getLogger(LocalShard.class);
    static final String SEGMENTS = "segments";
    static final String WAL = "wal";
    /** Longest a {@code wait=true} update waits for indexing under {@code prevent_unoptimized}. */
    static final long PREVENT_UNOPTIMIZED_WAIT_MILLIS = 60_000;

    private final Path dir;
    final ReentrantLock updateLock = new ReentrantLock();
    private final Wal wal;
    private volatile ShardConfig config;
    private volatile SegmentSet segments;
    private volatile Map<String, PayloadIndexSpec> schema;
    private volatile long lastApplied;
    private volatile boolean closed;
    /** A logged operation whose application failed; applied again before anything else. */
    private volatile Unapplied unapplied;
    /** Set when WAL recovery at open quarantined corrupt data: the shard is red until the next open. */
    private volatile String walCorruption;
    /** Indexing lag: nanoTime of the oldest write not yet seen indexed (0 = none) and of the last. */
    private final java.util.concurrent.atomic.AtomicLong oldestUnindexedWrite =
            new java.util.concurrent.atomic.AtomicLong();

    private volatile long lastWriteNanos;
    private final IndexingFreshness freshness = new IndexingFreshness(() -> lastApplied);
    /** Logged operations whose first application failed, since open (a metric). */
    private final java.util.concurrent.atomic.AtomicLong applyFailures = new java.util.concurrent.atomic.AtomicLong();

    private long segmentCounter;
    private final ShardOptimizer optimizer;

    private LocalShard(
            Path dir,
            ShardConfig config,
            Wal wal,
            SegmentSet segments,
            Map<String, PayloadIndexSpec> schema,
            long counter) {
        this.dir = dir;
        this.config = config;
        this.wal = wal;
        this.segments = segments;
        this.schema = schema;
        this.segmentCounter = counter;
        this.optimizer = new ShardOptimizer(this);
    }

    private record Unapplied(long seq, PointOperation op, String error) {}

    /** Opens the shard in {@code dir}, creating it when missing, and replays its WAL. */
    public static LocalShard open(Path dir, ShardConfig config) {
        return open(dir, config, true);
    }

    /** As {@link #open(Path, ShardConfig)}; {@code optimize=false} starts no background thread (tests). */
    static LocalShard open(Path dir, ShardConfig config, boolean optimize) {
        ShardSegmentsLoader.Loaded loaded = ShardSegmentsLoader.load(dir, config);
        ShardManifest manifest = loaded.manifest();
        List<Segment> segs = loaded.segments();
        Segment target = loaded.target();
        long counter = loaded.counter();
        long walCapacity = Math.max(1, config.wal().capacityMb()) * 1024L * 1024L;
        Wal wal = Wal.open(dir.resolve(WAL), walCapacity, manifest.checkpoint() + 1);
        LocalShard shard = new LocalShard(
                dir, config, wal, new SegmentSet(segs, target), new LinkedHashMap<>(manifest.schema()), counter);
        shard.lastApplied = manifest.checkpoint();
        if (!wal.quarantinedFilesAtOpen().isEmpty()) {
            shard.walCorruption = "WAL corruption found at open: "
                    + wal.quarantinedFilesAtOpen().size()
                    + " file(s) set aside in " + dir.resolve(WAL).resolve("quarantine")
                    + "; operations after the corruption were not replayed";
            LOG.error("Shard {}: {}", dir, shard.walCorruption);
        }
        long[] replayed = {0};
        long openedAt = System.nanoTime();
        wal.replay(manifest.checkpoint() + 1, (seq, bytes) -> {
            shard.apply(seq, OperationCodec.decode(bytes));
            shard.freshness.applied(seq, openedAt, false); // replayed: pending until the optimizer checks
            shard.lastApplied = seq;
            replayed[0]++;
        });
        shard.lastApplied = Math.max(shard.lastApplied, wal.lastSeq());
        if (replayed[0] > 0 || wal.truncatedBytesAtOpen() > 0) {
            LOG.info(
                    "Shard {}: replayed {} WAL records after checkpoint {}, dropped {} bytes of torn WAL tail",
                    dir,
                    replayed[0],
                    manifest.checkpoint(),
                    wal.truncatedBytesAtOpen());
        }
        if (optimize) {
            shard.optimizer.start();
        }
        return shard;
    }

    static String segmentName(long n) {
        return ShardSegmentsLoader.segmentName(n);
    }

    // ------------------------------------------------------------------ updates

    @Override
    public long lastOperationId() {
        return Math.max(lastApplied, wal.lastSeq());
    }

    @Override
    public UpdateResult update(PointOperation operation, boolean wait) {
        return update(operation, wait, PREVENT_UNOPTIMIZED_WAIT_MILLIS);
    }

    @Override
    public UpdateResult update(PointOperation operation, boolean wait, long waitMillis) {
        long seq = appendAndApply(operation);
        wal.sync(seq); // on failure the WAL repairs itself; the caller gets the error, no acknowledgement
        return afterSync(wait, waitMillis, seq);
    }

    /**
     * Applies {@code operations} in order with one WAL fsync for all of them (a replica catching up
     * by a batch of writes): each is validated, logged and applied as by {@link #update}; the call
     * returns once the last one is durable. When one fails, those before it stay applied (and are
     * made durable) and its error is thrown.
     */
    @Override
    public UpdateResult updateAll(List<PointOperation> operations, boolean wait) {
        if (operations.isEmpty()) {
            throw new IllegalArgumentException("updateAll needs at least one operation");
        }
        long seq = -1;
        try {
            for (PointOperation op : operations) {
                seq = appendAndApply(op);
            }
        } finally {
            if (seq >= 0) {
                wal.sync(seq);
            }
        }
        return afterSync(wait, PREVENT_UNOPTIMIZED_WAIT_MILLIS, seq);
    }

    private UpdateResult afterSync(boolean wait, long waitMillis, long seq) {
        optimizer.nudge();
        boolean visible = true;
        if (wait && segments.target().deferredCount() > 0) { // prevent_unoptimized: wait until visible
            visible = optimizer.awaitIndexed(waitMillis);
        }
        // Applied and durable either way; without wait the caller asked only for the acknowledgement,
        // and Qdrant reports that as "acknowledged".
        return new UpdateResult(seq, wait && visible, !visible);
    }

    /** Validates, logs and applies {@code operation} under the update lock; its WAL seq (not synced yet). */
    private long appendAndApply(PointOperation operation) {
        checkUsable();
        ShardConfig checked = config;
        OperationChecks.validate(operation, checked, schema, segments);
        long seq;
        updateLock.lock();
        try {
            checkUsable();
            if (config != checked) { // named vectors created or dropped meanwhile: check against them
                OperationChecks.validate(operation, config, schema, segments);
            }
            reapplyLocked();
            PointOperation resolved = ConditionalUpdates.resolve(
                    resolveSelectors(
                            PointExpiry.withDefaultExpiry(operation, config.ttl(), System.currentTimeMillis())),
                    segments);
            byte[] record = OperationCodec.encode(resolved);
            seq = wal.append(record); // on failure nothing was logged or applied
            noteWrite();
            try {
                beforeApply.accept(resolved);
                apply(seq, resolved);
                freshness.applied(seq, System.nanoTime(), segments.target().deferredCount() > 0);
            } catch (Throwable e) {
                // InternalError: a fault on a mapped page, e.g. a vector file on a full tmpfs; any
                // Error (OutOfMemoryError) likewise: the record is logged, so it must be kept
                unapplied = new Unapplied(seq, resolved, e.toString());
                applyFailures.incrementAndGet();
                LOG.error("Shard {}: operation {} is logged but could not be applied", dir, seq, e);
                throw new ServiceException(
                        "Failed to apply operation " + seq + " (it is kept in the WAL and applied again before the"
                                + " next update): " + e.getMessage(),
                        e);
            }
            lastApplied = seq;
        } finally {
            updateLock.unlock();
        }
        return seq;
    }

    /**
     * Applies again the operation whose application failed, if any. Caller holds the update lock.
     *
     * @throws ServiceException when it fails again
     */
    private void reapplyLocked() {
        Unapplied u = unapplied;
        if (u == null) {
            return;
        }
        try {
            apply(u.seq(), u.op());
            freshness.applied(u.seq(), System.nanoTime(), segments.target().deferredCount() > 0);
        } catch (Throwable e) {
            unapplied = new Unapplied(u.seq(), u.op(), e.toString());
            throw new ServiceException(
                    "Shard " + dir + " cannot apply logged operation " + u.seq() + " yet: " + e.getMessage(), e);
        }
        unapplied = null;
        lastApplied = u.seq();
        LOG.info("Shard {}: operation {} applied on retry", dir, u.seq());
    }

    private void noteWrite() {
        long now = System.nanoTime();
        lastWriteNanos = now;
        oldestUnindexedWrite.compareAndSet(0, now);
    }

    /**
     * Called by the optimizer when no indexing is pending: every write up to the one observed as
     * {@code lastWriteSeen} (before the plan was checked), and every operation up to {@code
     * appliedSeen} (read at the same time), is indexed, or needs no index.
     */
    void indexingCaughtUp(long lastWriteSeen, long appliedSeen) {
        freshness.indexedThrough(appliedSeen, System.nanoTime());
        long last = lastWriteNanos;
        if (last == lastWriteSeen) {
            oldestUnindexedWrite.set(0);
        } else {
            oldestUnindexedWrite.set(last); // writes after the check: the oldest is at most this old
        }
    }

    /**
     * Called by the optimizer after each optimization: when nothing in the write target is deferred
     * any more, every operation applied so far is visible to searches.
     */
    void noteVisibility() {
        long seq = lastApplied; // read first: operations applied later may be deferred again
        if (segments.target().deferredCount() == 0) {
            freshness.visibleThrough(seq, System.nanoTime());
        }
    }

    long lastWriteNanos() {
        return lastWriteNanos;
    }

    @Override
    public WriteFreshness freshness() {
        return freshness;
    }

    @Override
    public ShardStats stats() {
        long oldest = oldestUnindexedWrite.get();
        double lag = oldest == 0 ? 0 : Math.max(0, System.nanoTime() - oldest) / 1e9;
        return new ShardStats(
                updateLock.getQueueLength(),
                optimizer.running() ? 1 : 0,
                lag,
                wal.fsyncDurations().snapshot(),
                optimizer.failures(),
                applyFailures.get(),
                lastApplied,
                unapplied != null || walCorruption != null || optimizer.lastError() != null);
    }

    @Override
    public long payloadStorageBytes() {
        long n = 0;
        for (Segment s : segments.all()) {
            n += s.payloadStorageBytes();
        }
        return n;
    }

    @Override
    public List<SegmentSummary> segmentSummaries() {
        return SegmentSummaries.of(segments);
    }

    private void checkUsable() {
        if (closed) {
            throw new ServiceException("Shard " + dir + " is closed");
        }
    }

    private PointOperation resolveSelectors(PointOperation op) {
        return FilterSelectors.resolve(op, segments);
    }

    /** Applies a logged operation. Caller holds the update lock (or is the recovery thread). */
    private void apply(long seq, PointOperation op) {
        schema = OperationApplier.apply(segments, config, schema, seq, op);
    }

    // ------------------------------------------------------------------ reads

    /**
     * Runs a read on a snapshot and repeats it (a few times at most) when a new segment set was
     * published meanwhile: a snapshot taken before a new write target appeared would miss points
     * moved into that target while the read ran.
     */
    private <T> T read(java.util.function.Function<SegmentSet, T> reader) {
        for (int attempt = 0; ; attempt++) {
            SegmentSet set = segments;
            T result = reader.apply(set);
            if (segments == set || attempt >= 3) {
                return result;
            }
        }
    }

    // Reads of a shard with a TTL see only points not expired now (PointExpiry).

    @Override
    public List<ScoredPoint> search(CoreSearch request) {
        ShardConfig c = config;
        CoreSearch r = c.ttl() == null
                ? request
                : request.withFilter(PointExpiry.visible(c.ttl(), request.filter(), PointExpiry.nowSeconds()));
        return read(set -> ShardReads.search(set, c, r));
    }

    @Override
    public SparseStats sparseStats(String name, int[] dims, Filter corpus) {
        ShardConfig c = config;
        Filter f = PointExpiry.visible(c.ttl(), corpus, PointExpiry.nowSeconds());
        return read(set -> ShardReads.sparseStats(set, c, name, dims, f));
    }

    @Override
    public List<PointRecord> retrieve(List<PointId> ids, PayloadSelector withPayload, VectorSelector withVector) {
        TtlSpec ttl = config.ttl();
        Filter expired = ttl == null ? null : PointExpiry.expired(ttl, PointExpiry.nowSeconds());
        return read(set -> ShardReads.retrieve(set, ids, withPayload, withVector, expired));
    }

    @Override
    public ScrollPage scroll(ScrollRequest request) {
        TtlSpec ttl = config.ttl();
        ScrollRequest r = ttl == null
                ? request
                : request.withFilter(PointExpiry.visible(ttl, request.filter(), PointExpiry.nowSeconds()));
        return read(set -> ShardReads.scroll(set, r));
    }

    @Override
    public long count(Filter filter, boolean exact) {
        Filter f = PointExpiry.visible(config.ttl(), filter, PointExpiry.nowSeconds());
        return read(set -> ShardReads.count(set, f, exact));
    }

    /**
     * Deletes the points expired now through the WAL like any delete (called by the optimizer
     * thread about once a second); a no-op without a TTL or without expired points.
     *
     * @return the number of points found expired
     */
    long removeExpired() {
        TtlSpec ttl = config.ttl();
        if (ttl == null || closed) {
            return 0;
        }
        Filter expired = PointExpiry.expired(ttl, PointExpiry.nowSeconds());
        long n = read(set -> ShardReads.count(set, expired, true));
        if (n > 0) {
            update(new PointOperation.Delete(new PointsSelector.ByFilter(expired)), false);
        }
        return n;
    }

    @Override
    public Map<String, PayloadIndexSpec> payloadSchema() {
        return schema;
    }

    @Override
    public ShardInfo info() {
        SegmentSet set = segments;
        Map<String, ShardInfo.FieldSchemaInfo> fields = new LinkedHashMap<>();
        for (Map.Entry<String, PayloadIndexSpec> e : schema.entrySet()) {
            long n = 0;
            for (Segment s : set.all()) {
                n += s.indexes().pointsWithValue(e.getKey());
            }
            fields.put(e.getKey(), new ShardInfo.FieldSchemaInfo(e.getValue(), n));
        }
        Unapplied u = unapplied;
        String error = u != null
                ? "Operation " + u.seq() + " is logged but not applied: " + u.error()
                : walCorruption != null ? walCorruption : optimizer.lastError();
        String status = error != null ? "red" : optimizer.running() ? "yellow" : optimizer.pending() ? "grey" : "green";
        long indexed = 0;
        for (Segment s : set.all()) {
            for (String name : s.vectorNames()) {
                indexed += s.indexedVectorCount(name);
            }
        }
        return new ShardInfo(status, set.liveCount(), indexed, set.all().size(), fields, error);
    }

    @Override
    public io.sextant.shard.snapshot.ShardFileCapture.CapturedShard captureFiles(java.nio.file.Path stagingDir) {
        return io.sextant.shard.snapshot.ShardFileCapture.capture(this, stagingDir);
    }

    @Override
    public OptimizationsReport optimizations() {
        return optimizer.report();
    }

    @Override
    public void updateConfig(ShardConfig newConfig) {
        if (!newConfig.vectors().keySet().equals(config.vectors().keySet())) {
            throw UserException.badRequest("Changing the set of named vectors of a shard is not supported: "
                    + config.vectors().keySet() + " vs " + newConfig.vectors().keySet());
        }
        if (!newConfig.sparseVectors().keySet().equals(config.sparseVectors().keySet())) {
            throw UserException.badRequest("Changing the set of sparse vectors of a shard is not supported: "
                    + config.sparseVectors().keySet() + " vs "
                    + newConfig.sparseVectors().keySet());
        }
        for (Map.Entry<String, VectorSpec> e : newConfig.vectors().entrySet()) {
            VectorSpec old = config.vectors().get(e.getKey());
            if (old.size() != e.getValue().size()
                    || old.distance() != e.getValue().distance()) {
                throw UserException.badRequest("Vector " + ShardReads.displayName(e.getKey())
                        + " cannot change size or distance: " + old + " vs " + e.getValue());
            }
        }
        this.config = newConfig;
    }

    /**
     * Switches the shard to the named vectors of {@code next} (vectors created or dropped on the live
     * collection; everything else must be as {@link #updateConfig} allows). In update order: the
     * optimizer is held off and the update lock taken, so every update before is applied with the old
     * vectors and every update after is checked against the new ones; a checkpoint makes the segment
     * files reflect every applied operation, then each segment is reopened with the new vectors
     * ({@link Segment#open} remaps presence bits, creates empty files for added vectors and removes
     * dropped vectors' files) and the new set is published and checkpointed. Points simply lack an
     * added vector. Readers keep using the old segments' mappings until they finish.
     *
     * <p>Crash safety: the caller persists {@code next} first (the collection's config); a restart
     * opens every segment with it, which is exactly what this method does, and replays the WAL
     * suffix, whose records naming a dropped vector apply without it ({@code OperationApplier.normalized}).
     *
     * @throws ServiceException when the shard is closed or a segment cannot be reopened (the shard
     *     then keeps its old segments and vectors; the next open applies the persisted config)
     */
    @Override
    public void changeVectors(ShardConfig next) {
        optimizer.exclusive(() -> {
            updateLock.lock();
            try {
                checkUsable();
                checkpointLocked();
                SegmentSet set = segments;
                List<Segment> reopened = new ArrayList<>();
                Segment target = null;
                try {
                    for (Segment s : set.all()) {
                        Segment r = DeferredPoints.apply(
                                Segment.open(s.dir(), next.segmentVectors(), schema, next.payloadMemory()), next);
                        reopened.add(r);
                        if (s == set.target()) {
                            target = r;
                        }
                    }
                } catch (RuntimeException e) {
                    reopened.forEach(Segment::close);
                    throw e;
                }
                config = next;
                publish(new SegmentSet(reopened, target));
                for (Segment s : set.all()) {
                    s.close();
                }
                checkpointLocked();
            } finally {
                updateLock.unlock();
            }
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        optimizer.stop();
        updateLock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                checkpointLocked();
            } catch (RuntimeException e) {
                // the previous checkpoint and its WAL suffix are on disk: reopening replays them
                LOG.warn("Shard {}: final checkpoint failed, the WAL will be replayed at open: {}", dir, e.toString());
            }
            closed = true;
            wal.close();
            for (Segment s : segments.all()) {
                s.close();
            }
        } finally {
            updateLock.unlock();
        }
    }

    // ------------------------------------------------------------------ for the optimizer

    Path dir() {
        return dir;
    }

    ShardConfig config() {
        return config;
    }

    SegmentSet segments() {
        return segments;
    }

    Map<String, PayloadIndexSpec> schema() {
        return schema;
    }

    long lastApplied() {
        return lastApplied;
    }

    boolean closed() {
        return closed;
    }

    /** A fresh segment directory name. Caller holds the update lock. */
    Path newSegmentDir() {
        return dir.resolve(SEGMENTS).resolve(segmentName(++segmentCounter));
    }

    /** Publishes a new segment set. Caller holds the update lock. */
    void publish(SegmentSet set) {
        segments = set;
    }

    /**
     * Flushes every segment, makes the WAL durable up to the last applied seq, writes the manifest
     * with that checkpoint and drops WAL files before it. Caller holds the update lock.
     */
    void checkpointLocked() {
        if (unapplied != null) {
            try {
                reapplyLocked();
            } catch (ServiceException e) {
                LOG.warn("{}; checkpointing before it", e.getMessage());
            }
        }
        long seq = lastApplied;
        wal.sync(seq);
        SegmentSet set = segments;
        for (Segment s : flushOrder(set)) {
            s.flush(seq);
            afterSegmentFlush.accept(s);
        }
        new ShardManifest(
                        seq,
                        set.all().stream().map(Segment::name).toList(),
                        set.target().name(),
                        schema)
                .write(dir);
        wal.truncateBefore(seq + 1);
    }

    /**
     * The order in which a checkpoint flushes segments: a segment that received copies before every
     * segment that lost them. An operation that changes a point stored outside the write target
     * appends the new copy to the target and marks the old copy deleted where it was; so the target
     * comes first, then the earlier targets that are still appendable (a convert in progress, or a
     * crash in one, leaves the old target appendable beside the fresh one), newest first, since each
     * received copies from everything older; immutable segments (which never receive copies) last.
     * A crash between two flushes can then leave both copies durable (resolved by version at open)
     * but never a deletion without its copy, which a replay of the operation could not repair (it
     * finds no live copy to change).
     */
    static List<Segment> flushOrder(SegmentSet set) {
        List<Segment> order = new ArrayList<>(set.all().size());
        order.add(set.target());
        List<Segment> appendable = new ArrayList<>();
        List<Segment> immutable = new ArrayList<>();
        for (Segment s : set.all()) {
            if (s != set.target()) {
                (s.immutable() ? immutable : appendable).add(s);
            }
        }
        appendable.sort(java.util.Comparator.comparing(Segment::name).reversed()); // names grow with creation
        order.addAll(appendable);
        order.addAll(immutable);
        return order;
    }

    /** Test hook: called before an update applies its logged operation (a test throws to simulate a fault). */
    volatile java.util.function.Consumer<PointOperation> beforeApply = op -> {};

    /** Test hook: called after each segment flush of a checkpoint (a test throws to simulate a kill). */
    volatile java.util.function.Consumer<Segment> afterSegmentFlush = s -> {};

    /** Flush + checkpoint, taking the update lock. */
    public void flush() {
        updateLock.lock();
        try {
            if (!closed) {
                checkpointLocked();
            }
        } finally {
            updateLock.unlock();
        }
    }

    /**
     * What {@link #withUpdatesPaused} hands its action: the shard directory and the WAL seq the
     * on-disk state reflects.
     *
     * @param seq the last applied operation; recovery of the files (manifest + segments + WAL up to
     *     their current lengths) yields exactly the state at {@code seq}
     * @param walNeeded whether the WAL files are part of that state: {@code false} when the pause
     *     ran a full checkpoint (the segments then hold everything), {@code true} when the WAL
     *     records after the manifest's checkpoint carry the rest
     */
    public record PausedShard(Path dir, long seq, boolean walNeeded) {}

    /**
     * Pauses updates (reads continue) and makes the on-disk files a crash-consistent image of every
     * applied operation, then runs {@code action} before updates resume. Snapshots use it to
     * hard-link the shard's files at one point in time; the action must be short.
     *
     * <p>The pause is short because nothing is flushed under it: the WAL is fsynced up to the last
     * applied seq (normally already durable: updates fsync before they return), and the image is
     * what a restart would recover: the manifest of the last checkpoint, the segment files it lists
     * (replaced atomically or append-only, see {@code Segment}) and the WAL, whose records after
     * that checkpoint recovery replays. Only when a logged operation could not be applied ({@code
     * unapplied}) does the pause fall back to a full checkpoint, so that the captured state never
     * includes a record that is logged but not applied.
     *
     * @throws ServiceException when the shard is closed or the WAL fsync or checkpoint fails
     */
    public <T> T withUpdatesPaused(java.util.function.Function<PausedShard, T> action) {
        updateLock.lock();
        try {
            checkUsable();
            if (unapplied != null) {
                try {
                    reapplyLocked();
                } catch (ServiceException e) {
                    LOG.warn("{}; checkpointing before the snapshot", e.getMessage());
                }
            }
            if (unapplied != null) {
                checkpointLocked();
                return action.apply(new PausedShard(dir, lastApplied, false));
            }
            wal.sync(lastApplied);
            return action.apply(new PausedShard(dir, lastApplied, true));
        } finally {
            updateLock.unlock();
        }
    }

    /** Runs every pending optimization now, on the calling thread (tests, admin tools). */
    public void optimizeNow() {
        optimizer.runOptimizations();
    }

    /** Number of WAL files (tests). */
    int walFiles() {
        return wal.fileCount();
    }
}
