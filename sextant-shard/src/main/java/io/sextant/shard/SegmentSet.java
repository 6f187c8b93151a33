package io.sextant.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.storage.Segment;
import java.util.List;

/**
 * An immutable snapshot of a shard's segments: readers take one and keep using it while the
 * update worker and optimizers publish new ones (copy-on-write), so reads never block.
 *
 * <p>The write target is always last in {@link #all}. An update moves a point by appending it to
 * the target first and deleting the old copy second, so a reader that visits the other segments
 * before the target (and re-reads the target's offset count as it goes) sees every point at least
 * once; duplicates are resolved by version.
 *
 * @param all every segment, the write target last
 * @param target the appendable segment that receives new points
 */
record SegmentSet(List<Segment> all, Segment target) {
    SegmentSet {
        if (!all.contains(target)) {
            throw new IllegalArgumentException("The write target " + target.name() + " is not among the segments");
        }
        List<Segment> ordered = new java.util.ArrayList<>(all);
        ordered.remove(target);
        ordered.add(target);
        all = List.copyOf(ordered);
    }

    /** Where a point lives: the live copy with the highest version, or null. */
    Location locate(PointId id) {
        Location best = null;
        for (Segment s : all) {
            int off = s.offsetOf(id);
            if (off >= 0) {
                long v = s.versionAt(off);
                if (best == null || v > best.version()) {
                    best = new Location(s, off, v);
                }
            }
        }
        return best;
    }

    /**
     * Where a point lives as reads see it: like {@link #locate}, but null when its newest copy is
     * deferred ({@link Segment#deferFrom}): an older copy is never shown in its place.
     */
    Location locateVisible(PointId id) {
        Location best = locate(id);
        return best == null || best.segment().isVisible(best.offset()) ? best : null;
    }

    /** Live points that reads see (deferred points excluded). */
    long visibleCount() {
        long n = 0;
        for (Segment s : all) {
            n += s.visibleCount();
        }
        return n;
    }

    long liveCount() {
        long n = 0;
        for (Segment s : all) {
            n += s.liveCount();
        }
        return n;
    }

    /** A live point in a segment. */
    record Location(Segment segment, int offset, long version) {}
}
