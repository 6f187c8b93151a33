package io.sextant.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.storage.AtomicFiles;
import io.sextant.segment.storage.Segment;
import io.sextant.segment.storage.SegmentWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
 *       without its deleted points.
 * </ul>
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
        VACUUM
    }

    /** Sources to rewrite; {@code includesTarget} when the write target is among them. */
    record Plan(Kind kind, List<Segment> sources, boolean includesTarget) {}

    static Plan plan(LocalShard shard) {
        SegmentSet set = shard.segments();
        ShardConfig.OptimizerSettings o = shard.config().optimizer();
        Segment target = set.target();
        List<Segment> others = new ArrayList<>(set.all());
        others.remove(target);
        for (Segment s : others) {
            if (!s.immutable() || s.liveCount() == 0) {
                return new Plan(Kind.VACUUM, List.of(s), false);
            }
        }
        long thresholdBytes = Math.max(1, o.indexingThresholdKb()) * 1024L;
        if (o.maxSegmentSizeKb() != null) {
            thresholdBytes = Math.min(thresholdBytes, Math.max(1, o.maxSegmentSizeKb()) * 1024L);
        }
        if (target.liveCount() > 0 && (target.vectorBytes() >= thresholdBytes || tooManyDeleted(target, o))) {
            return new Plan(Kind.CONVERT, List.of(target), true);
        }
        for (Segment s : others) {
            if (tooManyDeleted(s, o)) {
                return new Plan(Kind.VACUUM, List.of(s), false);
            }
        }
        int maxSegments = o.defaultSegmentNumber() <= 0 ? 2 : o.defaultSegmentNumber();
        int allowedOthers = Math.max(1, maxSegments - 1);
        if (others.size() > allowedOthers) {
            others.sort(Comparator.comparingLong(Segment::liveCount));
            return new Plan(Kind.MERGE, List.copyOf(others.subList(0, others.size() - allowedOthers + 1)), false);
        }
        return null;
    }

    private static boolean tooManyDeleted(Segment s, ShardConfig.OptimizerSettings o) {
        int n = s.offsetLimit();
        return n > 0 && n >= o.vacuumMinVectorNumber() && (double) s.deletedCount() / n > o.deletedThreshold();
    }

    static void execute(LocalShard shard, Plan plan) {
        List<Segment> sources = plan.sources();
        List<RoaringBitmap> snapshot = new ArrayList<>();
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        Path newDir;
        long seq;
        shard.updateLock.lock();
        try {
            if (shard.closed()) {
                return;
            }
            SegmentSet set = shard.segments();
            if (!set.all().containsAll(sources)) {
                return; // the set changed since planning
            }
            if (plan.includesTarget()) {
                if (set.target() != sources.getFirst()) {
                    return;
                }
                Segment fresh = Segment.createAppendable(
                        shard.newSegmentDir(), shard.config().vectors());
                for (Map.Entry<String, io.sextant.segment.index.PayloadIndexSpec> e :
                        shard.schema().entrySet()) {
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

        int written = SegmentWriter.write(newDir, shard.config().vectors(), refs, seq);

        shard.updateLock.lock();
        try {
            if (shard.closed()) {
                AtomicFiles.deleteTree(newDir);
                return;
            }
            Segment merged = Segment.open(newDir, shard.config().vectors(), shard.schema());
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
    }
}
