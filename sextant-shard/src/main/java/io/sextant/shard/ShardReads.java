package io.sextant.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.FilterEvaluator;
import io.sextant.segment.index.OffsetFilter;
import io.sextant.segment.payload.JsonPaths;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.ExampleScore;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ResultWindow;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SparseStats;
import io.sextant.segment.query.VectorSelector;
import io.sextant.segment.storage.Segment;
import io.sextant.segment.vectorindex.SegmentIndexBuilder;
import io.sextant.segment.vectorindex.SegmentSearcher;
import io.sextant.segment.vectorindex.SparseSegmentSearcher;
import io.sextant.vector.Distance;
import io.sextant.vector.sparse.SparseVector;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.roaringbitmap.RoaringBitmap;

/**
 * The read paths of a shard (search, retrieve, scroll, count) over one {@link SegmentSet}
 * snapshot. A point present in two segments (transiently, while an update moves it, or after a
 * crash) counts once: the copy with the highest version wins. Memory is bounded by the points
 * found, never by a request's {@code limit} or {@code offset} alone. Stateless and thread-safe.
 */
final class ShardReads {
    private ShardReads() {}

    private record Hit(Segment segment, int offset, float score) {}

    /**
     * {@code indexed_only}: a segment is searched when it has its graph or is too small to need one
     * (Qdrant: "only indexed or small segments"); an unindexed big segment is skipped.
     */
    static boolean searchableWhenIndexedOnly(Segment seg, String name, ShardConfig.OptimizerSettings optimizer) {
        return seg.graph(name) != null
                || !seg.specs().get(name).hnsw().enabled()
                || !SegmentIndexBuilder.reachesThreshold(seg, name, optimizer.indexingThresholdKb());
    }

    static List<ScoredPoint> search(SegmentSet set, ShardConfig config, CoreSearch req) {
        if (req.sparse()) {
            return searchSparse(set, config, req);
        }
        Map<String, VectorSpec> vectors = config.vectors();
        ShardConfig.OptimizerSettings optimizer = config.optimizer();
        VectorSpec spec = vectors.get(req.vectorName());
        if (spec == null) {
            throw UserException.badRequest(
                    "Wrong input: Not existing vector name error: " + displayName(req.vectorName()));
        }
        if (!spec.validLength(req.vector().length)) {
            throw UserException.badRequest("Wrong input: Vector dimension error: expected dim: " + spec.size()
                    + ", got " + req.vector().length);
        }
        // saturating: offset + limit may exceed Integer.MAX_VALUE; segment top-ks grow with their hits
        int k = ResultWindow.end(req.offset(), req.limit());
        if (req.limit() == 0) {
            return List.of();
        }
        Distance d = spec.distance();
        float[] q = d == Distance.COSINE ? spec.normalizedQuery(req.vector()) : req.vector();
        ExampleScore examples = req.examples();
        if (examples != null) {
            if (spec.isMulti()) {
                throw new IllegalArgumentException("example-scored searches take single dense vectors");
            }
            List<float[]> normalized = new ArrayList<>();
            for (float[] e : examples.examples()) {
                if (!spec.validLength(e.length)) {
                    throw UserException.badRequest(
                            "Wrong input: Vector dimension error: expected dim: " + spec.size() + ", got " + e.length);
                }
                normalized.add(d == Distance.COSINE ? spec.normalizedQuery(e) : e);
            }
            examples = examples.withExamples(normalized);
        }
        // example scores are higher-is-better whatever the distance
        Comparator<Hit> worstFirst = examples != null || d.higherIsBetter()
                ? Comparator.comparingDouble(Hit::score)
                : Comparator.comparingDouble(Hit::score).reversed();
        List<Hit> candidates = new ArrayList<>();
        SegmentSearcher.Request segReq = new SegmentSearcher.Request(
                req.vectorName(), q, req.filter(), k, req.scoreThreshold(), req.params(), examples);
        for (Segment seg : set.all()) {
            if (req.params().indexedOnly() && !searchableWhenIndexedOnly(seg, req.vectorName(), optimizer)) {
                continue;
            }
            for (SegmentSearcher.Hit h : SegmentSearcher.search(seg, segReq)) {
                candidates.add(new Hit(seg, h.offset(), h.score()));
            }
        }
        return page(candidates, worstFirst.reversed(), req, k);
    }

    /** The newest copy of each point among {@code candidates}, ordered, windowed and rendered. */
    private static List<ScoredPoint> page(List<Hit> candidates, Comparator<Hit> bestFirst, CoreSearch req, int k) {
        Map<PointId, Hit> newest = new HashMap<>();
        for (Hit h : candidates) {
            newest.merge(h.segment().idAt(h.offset()), h, (a, b) -> version(a) >= version(b) ? a : b);
        }
        List<Hit> hits = new ArrayList<>(newest.values());
        hits.sort(bestFirst.thenComparing(h -> h.segment().idAt(h.offset())));
        List<ScoredPoint> out = new ArrayList<>();
        for (int i = req.offset(); i < hits.size() && i < k; i++) {
            Hit h = hits.get(i);
            Segment s = h.segment();
            out.add(new ScoredPoint(
                    s.idAt(h.offset()),
                    s.versionAt(h.offset()),
                    h.score(),
                    payload(s, h.offset(), req.withPayload()),
                    vectors(s, h.offset(), req.withVector()),
                    sparseVectors(s, h.offset(), req.withVector())));
        }
        return out;
    }

    private static SparseVectorSpec sparseSpec(ShardConfig config, String name) {
        SparseVectorSpec spec = config.sparseVectors().get(name);
        if (spec == null) {
            throw UserException.badRequest("Wrong input: Not existing vector name error: " + displayName(name));
        }
        return spec;
    }

    /** A sparse search; the query carries its idf weights already (the collection applies them). */
    private static List<ScoredPoint> searchSparse(SegmentSet set, ShardConfig config, CoreSearch req) {
        sparseSpec(config, req.vectorName());
        int k = ResultWindow.end(req.offset(), req.limit());
        if (req.limit() == 0) {
            return List.of();
        }
        SparseSegmentSearcher.Request segReq = new SparseSegmentSearcher.Request(
                req.vectorName(), req.sparseVector(), req.filter(), k, req.scoreThreshold(), req.params());
        List<Hit> candidates = new ArrayList<>();
        for (Segment seg : set.all()) {
            for (SegmentSearcher.Hit h : SparseSegmentSearcher.search(seg, segReq)) {
                candidates.add(new Hit(seg, h.offset(), h.score()));
            }
        }
        return page(candidates, Comparator.comparingDouble(Hit::score).reversed(), req, k);
    }

    /** Statistics of {@code dims} of sparse vector {@code name} over the shard's live points. */
    static SparseStats sparseStats(SegmentSet set, ShardConfig config, String name, int[] dims, Filter corpus) {
        sparseSpec(config, name);
        SparseStats total = new SparseStats(0, new long[dims.length]);
        for (Segment seg : set.all()) {
            total = total.plus(SparseSegmentSearcher.stats(seg, name, dims, corpus));
        }
        return total;
    }

    private static long version(Hit h) {
        return h.segment().versionAt(h.offset());
    }

    /**
     * Calls {@code action} for every live offset of {@code seg} matching {@code filter}; with {@code
     * visibleOnly} (reads) deferred offsets are skipped, without it (updates selecting points by
     * filter) they match too.
     */
    static void forEachMatch(Segment seg, Filter filter, boolean visibleOnly, IntConsumer action) {
        java.util.function.IntPredicate present = visibleOnly ? seg::isVisible : seg::isLive;
        if (filter == null || filter.isEmpty()) {
            // re-read the count: a point moved within the segment is appended before its old offset is deleted
            for (int off = 0; off < seg.offsetLimit(); off++) {
                if (present.test(off)) {
                    action.accept(off);
                }
            }
            return;
        }
        OffsetFilter f = visibleOnly ? seg.compileVisible(filter) : seg.compile(filter);
        int limit = seg.offsetLimit();
        RoaringBitmap exact = f.exactOrNull();
        if (exact != null) {
            for (org.roaringbitmap.IntIterator it = exact.getIntIterator(); it.hasNext(); ) {
                int off = it.next();
                if (off < limit && present.test(off)) {
                    action.accept(off);
                }
            }
            return;
        }
        for (int off = 0; off < limit; off++) { // the compiled filter knows offsets up to limit only
            if (present.test(off) && f.test(off)) {
                action.accept(off);
            }
        }
    }

    static List<PointRecord> retrieve(
            SegmentSet set, List<PointId> ids, PayloadSelector withPayload, VectorSelector withVector) {
        return retrieve(set, ids, withPayload, withVector, null);
    }

    /**
     * The visible points of {@code ids}, without those matching {@code hidden} (null hides none).
     * {@code hidden} is tested on the very offset read, so a concurrent delete of that offset cannot
     * make a hidden point slip through.
     */
    static List<PointRecord> retrieve(
            SegmentSet set, List<PointId> ids, PayloadSelector withPayload, VectorSelector withVector, Filter hidden) {
        List<PointRecord> out = new ArrayList<>();
        for (PointId id : new LinkedHashSet<>(ids)) {
            SegmentSet.Location loc = set.locateVisible(id);
            if (loc != null
                    && (hidden == null
                            || !FilterEvaluator.matches(hidden, loc.segment().view(loc.offset())))) {
                out.add(record(loc.segment(), loc.offset(), withPayload, withVector));
            }
        }
        return out;
    }

    static PointRecord record(Segment s, int off, PayloadSelector withPayload, VectorSelector withVector) {
        return new PointRecord(
                s.idAt(off),
                payload(s, off, withPayload),
                vectors(s, off, withVector),
                sparseVectors(s, off, withVector),
                s.versionAt(off));
    }

    static ObjectNode payload(Segment s, int off, PayloadSelector sel) {
        if (sel == null || sel instanceof PayloadSelector.None) {
            return null;
        }
        ObjectNode p = s.payloadAt(off);
        if (p == null) {
            p = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        return JsonPaths.select(p, sel);
    }

    static Map<String, float[]> vectors(Segment s, int off, VectorSelector sel) {
        if (sel == null || sel instanceof VectorSelector.None) {
            return null;
        }
        Map<String, float[]> all = s.vectors(off);
        if (sel instanceof VectorSelector.Names n) {
            Map<String, float[]> some = new LinkedHashMap<>();
            for (String name : n.names()) {
                if (all.containsKey(name)) {
                    some.put(name, all.get(name));
                }
            }
            return some;
        }
        return all;
    }

    static Map<String, SparseVector> sparseVectors(Segment s, int off, VectorSelector sel) {
        if (sel == null || sel instanceof VectorSelector.None) {
            return null;
        }
        Map<String, SparseVector> all = s.sparseVectors(off);
        if (sel instanceof VectorSelector.Names n) {
            Map<String, SparseVector> some = new LinkedHashMap<>();
            for (String name : n.names()) {
                if (all.containsKey(name)) {
                    some.put(name, all.get(name));
                }
            }
            return some;
        }
        return all;
    }

    static ScrollPage scroll(SegmentSet set, ScrollRequest req) {
        if (req.limit() < 0) {
            throw UserException.badRequest("limit must be >= 0, got " + req.limit());
        }
        if (req.orderBy() != null) {
            return scrollOrdered(set, req);
        }
        TreeMap<PointId, SegmentSet.Location> merged = new TreeMap<>();
        for (Segment seg : set.all()) {
            OffsetFilter f = req.filter() == null || req.filter().isEmpty() ? null : seg.compileVisible(req.filter());
            int taken = 0;
            for (PrimitiveIterator.OfInt it = seg.liveOffsetsById(req.offset());
                    it.hasNext() && taken <= req.limit(); ) {
                int off = it.nextInt();
                if (!seg.isVisible(off) || (f != null && !f.test(off))) {
                    continue;
                }
                taken++;
                SegmentSet.Location loc = new SegmentSet.Location(seg, off, seg.versionAt(off));
                merged.merge(seg.idAt(off), loc, (a, b) -> a.version() >= b.version() ? a : b);
            }
        }
        List<PointRecord> points = new ArrayList<>();
        PointId next = null;
        for (SegmentSet.Location loc : merged.values()) {
            if (points.size() == req.limit()) {
                next = loc.segment().idAt(loc.offset());
                break;
            }
            points.add(record(loc.segment(), loc.offset(), req.withPayload(), req.withVector()));
        }
        return new ScrollPage(points, next);
    }

    private record Ordered(SegmentSet.Location loc, PointId id, double value) {}

    private static ScrollPage scrollOrdered(SegmentSet set, ScrollRequest req) {
        if (req.offset() != null) {
            throw UserException.badRequest("Offset is not supported together with order_by, use start_from");
        }
        ScrollRequest.OrderBy ob = req.orderBy();
        Map<PointId, SegmentSet.Location> latest = new HashMap<>();
        for (Segment seg : set.all()) {
            forEachMatch(
                    seg,
                    req.filter(),
                    true,
                    off -> latest.merge(
                            seg.idAt(off),
                            new SegmentSet.Location(seg, off, seg.versionAt(off)),
                            (a, b) -> a.version() >= b.version() ? a : b));
        }
        // one entry per value: a point with several values of the field appears once for each (Qdrant)
        List<Ordered> all = new ArrayList<>();
        latest.forEach((id, loc) -> {
            for (double v : orderValues(loc.segment().payloadAt(loc.offset()), ob.key())) {
                if (ob.startFrom() == null || (ob.descending() ? v <= ob.startFrom() : v >= ob.startFrom())) {
                    all.add(new Ordered(loc, id, v));
                }
            }
        });
        Comparator<Ordered> cmp = Comparator.comparingDouble(Ordered::value);
        if (ob.descending()) {
            cmp = cmp.reversed();
        }
        all.sort(cmp.thenComparing(Ordered::id));
        List<PointRecord> points = new ArrayList<>();
        for (int i = 0; i < all.size() && i < req.limit(); i++) {
            Ordered o = all.get(i);
            points.add(record(o.loc().segment(), o.loc().offset(), req.withPayload(), req.withVector())
                    .withOrderValue(o.value()));
        }
        return new ScrollPage(points, null);
    }

    /** Every numeric or datetime (as epoch microseconds) value of {@code key}, duplicates included. */
    static List<Double> orderValues(ObjectNode payload, String key) {
        if (payload == null) {
            return List.of();
        }
        List<Double> out = new ArrayList<>();
        for (JsonNode n : JsonPaths.values(payload, key)) {
            Double v = n.isNumber() ? Double.valueOf(n.asDouble()) : n.isTextual() ? epochMicros(n.asText()) : null;
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** RFC 3339 / ISO-8601 datetime (timezone optional, UTC assumed) to epoch microseconds, or null. */
    static Double epochMicros(String s) {
        try {
            Instant i;
            try {
                i = OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    i = LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e2) {
                    i = LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
                }
            }
            return i.getEpochSecond() * 1_000_000.0 + i.getNano() / 1000;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Segments with at most this many live points are counted exactly even when an estimate is
     * allowed: matching them costs about as much as planning, and the planner's estimate is an
     * upper bound that is far off for conditions no index answers (it would report every point).
     */
    static final long EXACT_COUNT_BELOW = 10_000;

    static long count(SegmentSet set, Filter filter, boolean exact) {
        long n = 0;
        if (filter == null || filter.isEmpty()) {
            return set.visibleCount();
        }
        for (Segment seg : set.all()) {
            if (!exact && seg.liveCount() > EXACT_COUNT_BELOW) {
                n += seg.compileVisible(filter).estimate();
            } else {
                long[] c = {0};
                forEachMatch(seg, filter, true, off -> c[0]++);
                n += c[0];
            }
        }
        return n;
    }

    static String displayName(String vectorName) {
        return vectorName.isEmpty() ? "(default vector)" : vectorName;
    }
}
