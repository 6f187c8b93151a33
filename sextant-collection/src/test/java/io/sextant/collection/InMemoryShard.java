package io.sextant.collection;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.FilterEvaluator;
import io.sextant.segment.filter.PointView;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.payload.JsonPaths;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import io.sextant.shard.Shard;
import io.sextant.shard.ShardInfo;
import io.sextant.shard.UpdateResult;
import io.sextant.vector.Distance;
import io.sextant.vector.Similarity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A brute-force, non-durable shard for testing the collection layer's logic. Thread-safe (synchronized). */
final class InMemoryShard implements Shard {
    private record Point(PointId id, Map<String, float[]> vectors, ObjectNode payload) implements PointView {
        @Override
        public boolean hasVector(String name) {
            return vectors.containsKey(name);
        }
    }

    private final TreeMap<PointId, Point> points = new TreeMap<>();
    private ShardConfig config;
    private long seq; // also reported as every point's version
    boolean closed;

    InMemoryShard(ShardConfig config) {
        this.config = config;
    }

    @Override
    public synchronized UpdateResult update(PointOperation op, boolean wait) {
        switch (op) {
            case PointOperation.Upsert u -> {
                for (PointOperation.PointStruct p : u.points()) {
                    Map<String, float[]> vs = new HashMap<>();
                    p.vectors().forEach((k, v) -> vs.put(k, prep(k, v)));
                    points.put(
                            p.id(),
                            new Point(
                                    p.id(),
                                    vs,
                                    p.payload() == null ? obj() : p.payload().deepCopy()));
                }
            }
            case PointOperation.Delete d -> select(d.selector()).forEach(points::remove);
            case PointOperation.SetPayload s ->
                select(s.selector()).forEach(id -> points.get(id).payload().setAll(s.payload()));
            case PointOperation.OverwritePayload s ->
                select(s.selector()).forEach(id -> {
                    Point p = points.get(id);
                    points.put(id, new Point(id, p.vectors(), s.payload().deepCopy()));
                });
            case PointOperation.ClearPayload s ->
                select(s.selector()).forEach(id -> points.get(id).payload().removeAll());
            case PointOperation.DeletePayload s ->
                select(s.selector()).forEach(id -> s.keys()
                        .forEach(k -> points.get(id).payload().remove(k)));
            case PointOperation.UpdateVectors u ->
                u.points().forEach(p -> p.vectors()
                        .forEach((k, v) -> points.get(p.id()).vectors().put(k, prep(k, v))));
            case PointOperation.DeleteVectors d ->
                select(d.selector())
                        .forEach(id -> d.vectorNames().forEach(points.get(id).vectors()::remove));
            default -> {}
        }
        return new UpdateResult(++seq, wait);
    }

    private float[] prep(String name, float[] v) {
        return config.vectors().get(name).distance() == Distance.COSINE ? Similarity.normalize(v) : v.clone();
    }

    private List<PointId> select(PointsSelector sel) {
        if (sel instanceof PointsSelector.Ids ids) {
            return ids.ids().stream().filter(points::containsKey).toList();
        }
        Filter f = ((PointsSelector.ByFilter) sel).filter();
        return points.values().stream()
                .filter(p -> FilterEvaluator.matches(f, p))
                .map(Point::id)
                .toList();
    }

    @Override
    public synchronized List<ScoredPoint> search(CoreSearch r) {
        VectorSpec spec = config.vectors().get(r.vectorName());
        List<ScoredPoint> hits = new ArrayList<>();
        for (Point p : points.values()) {
            float[] v = p.vectors().get(r.vectorName());
            if (v == null || !FilterEvaluator.matches(r.filter(), p)) {
                continue;
            }
            float s;
            boolean higherBetter = r.examples() != null || spec.distance().higherIsBetter();
            if (r.examples() != null) { // example-scored: the score of its similarities, higher is better
                List<float[]> ex = r.examples().examples();
                float[] sims = new float[ex.size()];
                for (int i = 0; i < sims.length; i++) {
                    float x = Similarity.score(spec.distance(), ex.get(i), v);
                    sims[i] = spec.distance().higherIsBetter() ? x : -x;
                }
                s = r.examples().combine(sims);
            } else {
                s = Similarity.score(spec.distance(), r.vector(), v);
            }
            if (r.scoreThreshold() != null && (higherBetter ? s < r.scoreThreshold() : s > r.scoreThreshold())) {
                continue;
            }
            hits.add(new ScoredPoint(p.id(), seq, s, payload(p, r.withPayload()), vectors(p, r.withVector()), null));
        }
        hits.sort(io.sextant.collection.query.QueryEngine.byScore(
                r.examples() != null || spec.distance().higherIsBetter()));
        return io.sextant.segment.query.ResultWindow.page(hits, r.offset(), r.limit());
    }

    private static ObjectNode payload(Point p, PayloadSelector sel) {
        return sel == null || sel instanceof PayloadSelector.None ? null : JsonPaths.select(p.payload(), sel);
    }

    private static Map<String, float[]> vectors(Point p, VectorSelector sel) {
        return switch (sel) {
            case null -> null;
            case VectorSelector.None n -> null;
            case VectorSelector.All a -> Map.copyOf(p.vectors());
            case VectorSelector.Names n -> {
                Map<String, float[]> m = new HashMap<>();
                n.names().forEach(k -> {
                    if (p.vectors().containsKey(k)) {
                        m.put(k, p.vectors().get(k));
                    }
                });
                yield m;
            }
        };
    }

    @Override
    public synchronized List<PointRecord> retrieve(List<PointId> ids, PayloadSelector wp, VectorSelector wv) {
        List<PointRecord> out = new ArrayList<>();
        for (PointId id : ids) {
            Point p = points.get(id);
            if (p != null) {
                out.add(new PointRecord(id, payload(p, wp), vectors(p, wv), null, seq));
            }
        }
        return out;
    }

    @Override
    public io.sextant.segment.query.SparseStats sparseStats(
            String name, int[] dims, io.sextant.segment.filter.Filter corpus) {
        throw new UnsupportedOperationException("this test shard has no sparse vectors");
    }

    @Override
    public synchronized ScrollPage scroll(ScrollRequest r) {
        List<Point> matching = points.values().stream()
                .filter(p -> r.offset() == null || p.id().compareTo(r.offset()) >= 0)
                .filter(p -> FilterEvaluator.matches(r.filter(), p))
                .toList();
        if (r.orderBy() != null) {
            var ob = r.orderBy();
            record Entry(Point p, double v) {}
            List<Entry> sorted = new ArrayList<>();
            for (Point p : matching) { // one entry per value, as LocalShard
                for (var n : io.sextant.collection.query.PayloadValues.values(p.payload(), ob.key())) {
                    Double v = io.sextant.collection.query.PayloadValues.numeric(n);
                    if (v != null
                            && (ob.startFrom() == null
                                    || (ob.descending() ? v <= ob.startFrom() : v >= ob.startFrom()))) {
                        sorted.add(new Entry(p, v));
                    }
                }
            }
            java.util.Comparator<Entry> c = java.util.Comparator.comparingDouble(Entry::v);
            sorted.sort((ob.descending() ? c.reversed() : c).thenComparing(e -> e.p().id()));
            return new ScrollPage(
                    sorted.stream()
                            .limit(r.limit())
                            .map(e -> new PointRecord(
                                            e.p().id(),
                                            payload(e.p(), r.withPayload()),
                                            vectors(e.p(), r.withVector()),
                                            null,
                                            seq)
                                    .withOrderValue(e.v()))
                            .toList(),
                    null);
        }
        List<PointRecord> page = matching.stream()
                .limit(r.limit())
                .map(p -> new PointRecord(p.id(), payload(p, r.withPayload()), vectors(p, r.withVector()), null, seq))
                .toList();
        PointId next = matching.size() > r.limit() ? matching.get(r.limit()).id() : null;
        return new ScrollPage(page, next);
    }

    @Override
    public synchronized long count(Filter filter, boolean exact) {
        return points.values().stream()
                .filter(p -> FilterEvaluator.matches(filter, p))
                .count();
    }

    @Override
    public synchronized ShardInfo info() {
        return new ShardInfo("green", points.size(), 0, 1, Map.of(), null);
    }

    @Override
    public synchronized void updateConfig(ShardConfig config) {
        this.config = config;
    }

    @Override
    public synchronized void changeVectors(ShardConfig config) {
        this.config = config;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private static ObjectNode obj() {
        return JsonNodeFactory.instance.objectNode();
    }
}
