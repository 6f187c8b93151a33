package io.sextant.shard;

import io.sextant.index.hnsw.BuildCancelledException;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.storage.AtomicFiles;
import io.sextant.segment.storage.Segment;
import io.sextant.segment.storage.SegmentWriter;
import io.sextant.segment.vectorindex.GraphDonor;
import io.sextant.segment.vectorindex.SegmentIndexBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment optimizations of a shard and how they run. Every optimization rewrites some source
 * segments into one new immutable segment:
 *
 * <ul>
 *   <li><b>convert</b>: the write target holds more vector data than {@code indexingThresholdKb}
 *       (or has too many deleted offsets); a fresh appendable segment becomes the target and the
 *       old one is rewritten as an immutable segment;
 *   <li><b>merge</b>: more than {@code defaultSegmentNumber} segments (0 = automatic, 2); the
 *       smallest non-target segments are merged into one;
 *   <li><b>vacuum</b>: a non-target segment whose deleted fraction exceeds {@code
 *       deletedThreshold} (and that has at least {@code vacuumMinVectorNumber} offsets) is rewritten
 *       without its deleted points;
 *   <li><b>reindex</b>: a segment written for other vector parameters (a PATCH changed {@code
 *       hnsw_config}, {@code quantization_config} or {@code on_disk}) is rewritten like a vacuum;
 *   <li><b>index</b>: an immutable segment whose vectors reach {@code indexingThresholdKb} but that
 *       lacks its graph or codes (file missing or found corrupt at open, threshold lowered) gets them
 *       built in place; searches scan it until the graph is attached. A graph without the {@code
 *       payload_m} links of a keyword, integer or uuid index created after it was built is rebuilt
 *       the same way, and the old graph serves searches until the new one is attached.
 * </ul>
 *
 * <p>Every rewritten segment gets its graph and codes built (when it reaches the indexing
 * threshold) before it is published, so a search never sees an optimized segment without its
 * index. A merge, vacuum or reindex starts each graph from the graph of its largest eligible source
 * ({@link GraphDonor}: same graph parameters, at most 30% of its nodes gone; their in-links are
 * repaired) and inserts only the other points; the files written and the swap are the same either
 * way. Merges pick the smallest segments and never produce one above {@code max_segment_size}
 * (automatic: {@value #DEFAULT_MAX_SEGMENT_KB} KB); the automatic segment number is the CPU count,
 * as in Qdrant. With {@code indexing_threshold = 0} the write target is converted only at the
 * maximum segment size.
 *
 * <p>Execution: under the update lock, snapshot the sources' deleted offsets and live points;
 * without the lock, write the new segment (sources meanwhile only receive deletions, since updates
 * always go to the write target); under the lock again, replay onto the new segment every deletion
 * the sources received since the snapshot, publish the new segment set, checkpoint (the manifest
 * now lists the new segment instead of the sources) and only then delete the sources'
 * directories. A crash before the manifest is written leaves an unlisted directory that the next
 * open deletes. Readers holding an older snapshot keep reading the sources' mappings, which stay
 * valid until unreachable. Stateless; callers serialize executions (one optimizer thread per shard).
 */
final class SegmentOptimizations {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentOptimizations.class);

    private SegmentOptimizations() {}

    enum Kind {
        CONVERT,
        MERGE,
        VACUUM,
        /** Build the missing graph or codes of an immutable segment in place. */
        INDEX,
        /** Rewrite a segment written for other vector parameters (PATCH of hnsw or quantization config). */
        REINDEX,
        /**
         * Open a segment's unchanged files again for parameters that differ only in memory placement
         * or search-time settings (PATCH of {@code memory}, {@code on_disk}, {@code always_ram}, …).
         */
        REOPEN
    }

    /** Qdrant's automatic {@code max_segment_size}, in KB, used when the config leaves it unset. */
    static final long DEFAULT_MAX_SEGMENT_KB = 200_000;

    /** Sources to rewrite; {@code includesTarget} when the write target is among them. */
    record Plan(Kind kind, List<Segment> sources, boolean includesTarget) {}

    static Plan plan(LocalShard shard) {
        SegmentSet set = shard.segments();
        ShardConfig config = shard.config();
        ShardConfig.OptimizerSettings o = config.optimizer();
        Segment target = set.target();
        List<Segment> others = new ArrayList<>(set.all());
        others.remove(target);
        for (Segment s : others) {
            if (!s.immutable() || s.liveCount() == 0) {
                return new Plan(Kind.VACUUM, List.of(s), false);
            }
        }
        long maxSegmentBytes =
                (o.maxSegmentSizeKb() != null ? Math.max(1, o.maxSegmentSizeKb()) : DEFAULT_MAX_SEGMENT_KB) * 1024L;
        long thresholdBytes =
                o.indexingEnabled() ? Math.min(o.indexingThresholdKb() * 1024L, maxSegmentBytes) : maxSegmentBytes;
        if (target.liveCount() > 0 && (target.vectorBytes() >= thresholdBytes || tooManyDeleted(target, o))) {
            return new Plan(Kind.CONVERT, List.of(target), true);
        }
        for (Segment s : others) {
            if (tooManyDeleted(s, o)) {
                return new Plan(Kind.VACUUM, List.of(s), false);
            }
        }
        for (Segment s : others) {
            if (!s.specs().equals(config.vectors()) || !s.sparseSpecs().equals(config.sparseVectors())) {
                return new Plan(sameStoredForm(s, config) ? Kind.REOPEN : Kind.REINDEX, List.of(s), false);
            }
            if (s.immutable() && s.payloadPlacement() != config.payloadMemory()) {
                return new Plan(Kind.REOPEN, List.of(s), false); // on_disk_payload / payload.memory changed
            }
        }
        for (Segment s : others) {
            if (missingIndex(s, o, shard.schema())) {
                return new Plan(Kind.INDEX, List.of(s), false);
            }
        }
        int maxSegments = o.defaultSegmentNumber() <= 0
                ? Math.max(2, Runtime.getRuntime().availableProcessors())
                : o.defaultSegmentNumber();
        int allowedOthers = Math.max(1, maxSegments - 1);
        if (others.size() > allowedOthers) {
            others.sort(Comparator.comparingLong(Segment::vectorBytes));
            int want = others.size() - allowedOthers + 1;
            List<Segment> pick = new ArrayList<>();
            long bytes = 0;
            for (Segment s : others) { // smallest first, never past max_segment_size
                if (pick.size() == want || (pick.size() >= 2 && bytes + s.vectorBytes() > maxSegmentBytes)) {
                    break;
                }
                pick.add(s);
                bytes += s.vectorBytes();
            }
            if (pick.size() >= 2) {
                return new Plan(Kind.MERGE, List.copyOf(pick), false);
            }
        }
        return null;
    }

    /** Whether the files of {@code s} serve {@code config} as they are (only placement or search settings differ). */
    static boolean sameStoredForm(Segment s, ShardConfig config) {
        for (Map.Entry<String, VectorSpec> e : config.vectors().entrySet()) {
            VectorSpec old = s.specs().get(e.getKey());
            if (old == null || !old.sameStoredForm(e.getValue())) {
                return false;
            }
        }
        for (Map.Entry<String, SparseVectorSpec> e : config.sparseVectors().entrySet()) {
            SparseVectorSpec old = s.sparseSpecs().get(e.getKey());
            if (old == null || !old.sameStoredForm(e.getValue())) {
                return false;
            }
        }
        return s.specs().size() == config.vectors().size()
                && s.sparseSpecs().size() == config.sparseVectors().size();
    }

    /**
     * Replaces immutable segment {@code s} by a new instance over the same directory opened for the
     * shard's current config, so its files take their new placement without being rewritten. The
     * open happens outside the update lock; deletions that reached {@code s} meanwhile are applied
     * to the new instance before it is published. Searches still inside the old instance finish on
     * it (mappings of automatic arenas) or fall back to a scan when its graph was closed.
     */
    static void reopen(LocalShard shard, Segment s) {
        shard.updateLock.lock();
        try {
            if (shard.closed() || !shard.segments().all().contains(s)) {
                return;
            }
        } finally {
            shard.updateLock.unlock();
        }
        ShardConfig config = shard.config();
        Segment fresh = DeferredPoints.apply(
                Segment.open(s.dir(), config.segmentVectors(), shard.schema(), config.payloadMemory()), config);
        shard.updateLock.lock();
        try {
            SegmentSet set = shard.segments();
            if (shard.closed() || !set.all().contains(s)) {
                fresh.close();
                return;
            }
            RoaringBitmap since = RoaringBitmap.andNot(s.deletedOffsets(), fresh.deletedOffsets());
            for (IntIterator it = since.getIntIterator(); it.hasNext(); ) {
                fresh.delete(it.next());
            }
            syncIndexes(fresh, shard.schema());
            List<Segment> all = new ArrayList<>(set.all());
            all.set(all.indexOf(s), fresh);
            shard.publish(new SegmentSet(all, set.target()));
            shard.checkpointLocked();
            s.close();
            LOG.info("Shard {}: reopened segment {} for its new placement", shard.dir(), s.name());
        } finally {
            shard.updateLock.unlock();
        }
    }

    /** Makes the payload indexes of {@code seg} match {@code schema}. Caller holds the update lock. */
    private static void syncIndexes(Segment seg, Map<String, PayloadIndexSpec> schema) {
        for (String key : seg.indexes().specs().keySet()) {
            if (!schema.containsKey(key)) {
                seg.dropIndex(key);
            }
        }
        for (Map.Entry<String, PayloadIndexSpec> e : schema.entrySet()) {
            if (!e.getValue().equals(seg.indexes().specs().get(e.getKey()))) {
                seg.createIndex(e.getKey(), e.getValue());
            }
        }
    }

    /** Whether {@code s} lacks a graph or codes it should have, or its graph lacks payload links of {@code schema}. */
    static boolean missingIndex(Segment s, ShardConfig.OptimizerSettings o, Map<String, PayloadIndexSpec> schema) {
        for (String name : s.vectorNames()) {
            if (SegmentIndexBuilder.missingGraph(s, name, o.indexingThresholdKb())
                    || SegmentIndexBuilder.staleGraph(s, name, schema)
                    || SegmentIndexBuilder.missingCodes(s, name, o.indexingThresholdKb())) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the graph builds of one optimization did, summed over the named vectors.
     *
     * @param donatedNodes graph nodes carried over from a source segment's graph ({@link GraphDonor})
     * @param insertedNodes graph nodes inserted by search
     */
    record Outcome(long donatedNodes, long insertedNodes) {
        static final Outcome NONE = new Outcome(0, 0);

        Outcome plus(SegmentIndexBuilder.BuildStats stats) {
            return new Outcome(donatedNodes + stats.donatedNodes, insertedNodes + stats.insertedNodes);
        }
    }

    /**
     * Builds every graph and code file {@code s} lacks, attaching each as it completes; stops with
     * {@link BuildCancelledException} soon after {@code cancelled} turns true. A graph starts from
     * the best {@link GraphDonor} among {@code sources} (the segments {@code s} was written from,
     * still open), if any.
     */
    static Outcome buildIndexes(
            Segment s,
            Map<String, PayloadIndexSpec> schema,
            ShardConfig.OptimizerSettings o,
            BooleanSupplier cancelled,
            List<Segment> sources) {
        long thr = o.indexingThresholdKb();
        Outcome outcome = Outcome.NONE;
        for (String name : s.vectorNames()) {
            checkCancelled(cancelled);
            if (SegmentIndexBuilder.missingGraph(s, name, thr) || SegmentIndexBuilder.staleGraph(s, name, schema)) {
                try {
                    GraphDonor donor = s.graph(name) == null ? GraphDonor.find(s, name, sources) : null;
                    SegmentIndexBuilder.BuildStats stats = new SegmentIndexBuilder.BuildStats();
                    s.attachGraph(name, SegmentIndexBuilder.buildGraph(s, name, schema, cancelled, stats, donor));
                    outcome = outcome.plus(stats);
                    if (donor != null) {
                        LOG.info(
                                "Segment {}: graph of '{}' reused {} nodes of segment {} ({} left out), inserted {}",
                                s.name(),
                                name,
                                stats.donatedNodes,
                                donor.source().name(),
                                stats.removedNodes,
                                stats.insertedNodes);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ServiceException("Interrupted while building the HNSW index of " + s.dir(), e);
                }
            }
            checkCancelled(cancelled);
            if (SegmentIndexBuilder.missingCodes(s, name, thr)) {
                s.attachQuantized(name, SegmentIndexBuilder.buildCodes(s, name));
            }
        }
        return outcome;
    }

    private static void checkCancelled(BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            throw new BuildCancelledException();
        }
    }

    private static boolean tooManyDeleted(Segment s, ShardConfig.OptimizerSettings o) {
        int n = s.offsetLimit();
        return n > 0 && n >= o.vacuumMinVectorNumber() && (double) s.deletedCount() / n > o.deletedThreshold();
    }

    /**
     * Runs {@code plan}. Every step that writes files checks {@code cancelled} first (and the index
     * builds check it every few nodes), so a closing shard's optimizer stops within moments and
     * removes the directory of a segment it had not published; it never writes after that.
     */
    static Outcome execute(LocalShard shard, Plan plan, BooleanSupplier cancelled) {
        if (plan.kind() == Kind.REOPEN) {
            reopen(shard, plan.sources().getFirst());
            return Outcome.NONE;
        }
        if (plan.kind() == Kind.INDEX) {
            Segment s = plan.sources().getFirst();
            long t0 = System.nanoTime();
            Outcome outcome = buildIndexes(s, shard.schema(), shard.config().optimizer(), cancelled, List.of());
            LOG.info(
                    "Shard {}: indexed segment {} in {} ms",
                    shard.dir(),
                    s.name(),
                    (System.nanoTime() - t0) / 1_000_000);
            return outcome;
        }
        List<Segment> sources = plan.sources();
        List<RoaringBitmap> snapshot = new ArrayList<>();
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        Path newDir;
        long seq;
        shard.updateLock.lock();
        try {
            if (shard.closed()) {
                return Outcome.NONE;
            }
            SegmentSet set = shard.segments();
            if (!set.all().containsAll(sources)) {
                return Outcome.NONE; // the set changed since planning
            }
            if (plan.includesTarget()) {
                if (set.target() != sources.getFirst()) {
                    return Outcome.NONE;
                }
                Segment fresh = DeferredPoints.apply(
                        Segment.createAppendable(
                                shard.newSegmentDir(), shard.config().segmentVectors()),
                        shard.config());
                for (Map.Entry<String, PayloadIndexSpec> e : shard.schema().entrySet()) {
                    fresh.createIndex(e.getKey(), e.getValue());
                }
                List<Segment> all = new ArrayList<>(set.all());
                all.add(fresh);
                shard.publish(new SegmentSet(all, fresh));
                shard.checkpointLocked();
            }
            for (Segment s : sources) {
                snapshot.add(s.deletedOffsets());
                for (var it = s.liveOffsetsById(null); it.hasNext(); ) {
                    refs.add(new SegmentWriter.PointRef(s, it.nextInt()));
                }
            }
            newDir = shard.newSegmentDir();
            seq = shard.lastApplied();
        } finally {
            shard.updateLock.unlock();
        }

        ShardConfig config = shard.config();
        int written;
        Segment merged = null;
        Outcome outcome;
        try {
            checkCancelled(cancelled);
            written = SegmentWriter.write(newDir, config.segmentVectors(), refs, seq);
            checkCancelled(cancelled);
            merged = Segment.open(newDir, config.segmentVectors(), shard.schema(), config.payloadMemory());
            outcome = buildIndexes(merged, shard.schema(), config.optimizer(), cancelled, sources);
        } catch (RuntimeException | Error e) {
            if (merged != null) {
                merged.close();
            }
            AtomicFiles.deleteTree(newDir); // unpublished: no manifest names it, no reader holds it
            throw e;
        }

        shard.updateLock.lock();
        try {
            if (shard.closed()) {
                merged.close();
                AtomicFiles.deleteTree(newDir);
                return Outcome.NONE;
            }
            syncIndexes(merged, shard.schema()); // payload indexes changed meanwhile?
            for (int i = 0; i < sources.size(); i++) {
                Segment s = sources.get(i);
                RoaringBitmap since = RoaringBitmap.andNot(s.deletedOffsets(), snapshot.get(i));
                for (IntIterator it = since.getIntIterator(); it.hasNext(); ) {
                    PointId id = s.idAt(it.next());
                    int off = merged.offsetOf(id);
                    if (off >= 0) {
                        merged.delete(off);
                    }
                }
            }
            SegmentSet set = shard.segments();
            List<Segment> all = new ArrayList<>(set.all());
            all.removeAll(sources);
            if (merged.liveCount() > 0) {
                all.add(merged);
            }
            shard.publish(new SegmentSet(all, set.target()));
            shard.checkpointLocked();
            if (merged.liveCount() == 0) {
                merged.close();
                AtomicFiles.deleteTree(newDir);
            }
            for (Segment s : sources) {
                s.close();
                AtomicFiles.deleteTree(s.dir());
            }
            LOG.info(
                    "Shard {}: {} of {} segment(s) into {} with {} points",
                    shard.dir(),
                    plan.kind(),
                    sources.size(),
                    newDir.getFileName(),
                    written);
        } finally {
            shard.updateLock.unlock();
        }
        return outcome;
    }
}
