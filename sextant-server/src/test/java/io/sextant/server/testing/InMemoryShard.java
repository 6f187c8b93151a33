package io.sextant.server.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.FilterEvaluator;
import io.sextant.segment.filter.PointView;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadTypeCheck;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A brute-force, non-persistent {@link Shard} for API tests: exact search, id-ordered scroll, no
 * WAL. Validates payloads against indexed field types like the real shard. Thread-safe (every
 * method is synchronized).
 */
public final class InMemoryShard implements Shard {

    private record Stored(ObjectNode payload, Map<String, float[]> vectors, long version) {}

    private final TreeMap<PointId, Stored> points = new TreeMap<>();
    private final Map<String, PayloadIndexSpec> indexes = new LinkedHashMap<>();
    private ShardConfig config;
    private long seq;

    public InMemoryShard(ShardConfig config) {
        this.config = config;
    }

    @Override
    public synchronized UpdateResult update(PointOperation op, boolean wait) {
        validate(op);
        long v = ++seq;
        switch (op) {
            case PointOperation.Upsert u -> {
                for (var p : u.points()) {
                    points.put(p.id(), new Stored(copy(p.payload()), normalize(p.vectors()), v));
                }
            }
            case PointOperation.Delete d -> select(d.selector()).forEach(points::remove);
            case PointOperation.SetPayload s -> {
                for (PointId id : select(s.selector())) {
                    Stored st = points.get(id);
                    ObjectNode pl = copy(st.payload());
                    if (s.key() == null) {
                        pl.setAll(s.payload().deepCopy());
                    } else {
                        JsonPaths.set(pl, s.key(), s.payload());
                    }
                    points.put(id, new Stored(pl, st.vectors(), v));
                }
            }
            case PointOperation.OverwritePayload o ->
                select(o.selector())
                        .forEach(id -> points.put(
                                id, new Stored(copy(o.payload()), points.get(id).vectors(), v)));
            case PointOperation.DeletePayload d -> {
                for (PointId id : select(d.selector())) {
                    ObjectNode pl = copy(points.get(id).payload());
                    d.keys().forEach(k -> JsonPaths.delete(pl, k));
                    points.put(id, new Stored(pl, points.get(id).vectors(), v));
                }
            }
            case PointOperation.ClearPayload c ->
                select(c.selector())
                        .forEach(id -> points.put(
                                id, new Stored(copy(null), points.get(id).vectors(), v)));
            case PointOperation.UpdateVectors u -> {
                for (var p : u.points()) {
                    Stored st = points.get(p.id());
                    Map<String, float[]> vs = new HashMap<>(st.vectors());
                    vs.putAll(normalize(p.vectors()));
                    points.put(p.id(), new Stored(st.payload(), vs, v));
                }
            }
            case PointOperation.DeleteVectors d -> {
                for (PointId id : select(d.selector())) {
                    Map<String, float[]> vs = new HashMap<>(points.get(id).vectors());
                    d.vectorNames().forEach(vs::remove);
                    points.put(id, new Stored(points.get(id).payload(), vs, v));
                }
            }
            case PointOperation.CreateFieldIndex c -> indexes.put(c.field(), c.spec());
            case PointOperation.DeleteFieldIndex d -> indexes.remove(d.field());
        }
        return new UpdateResult(v, wait);
    }

    private void validate(PointOperation op) {
        switch (op) {
            case PointOperation.Upsert u -> u.points().forEach(p -> PayloadTypeCheck.check(indexes, p.payload()));
            case PointOperation.SetPayload s -> {
                if (s.key() == null) {
                    PayloadTypeCheck.check(indexes, s.payload());
                }
            }
            case PointOperation.OverwritePayload o -> PayloadTypeCheck.check(indexes, o.payload());
            case PointOperation.UpdateVectors u -> {
                for (var p : u.points()) {
                    if (!points.containsKey(p.id())) {
                        throw UserException.notFound("No point with id " + p.id() + " found");
                    }
                }
            }
            case PointOperation.DeleteFieldIndex d -> {
                if (!indexes.containsKey(d.field())) {
                    throw UserException.notFound("No index for field `" + d.field() + "`");
                }
            }
            default -> {}
        }
    }

    private static ObjectNode copy(ObjectNode p) {
        return p == null ? JsonNodeFactory.instance.objectNode() : p.deepCopy();
    }

    private Map<String, float[]> normalize(Map<String, float[]> vs) {
        Map<String, float[]> out = new HashMap<>();
        vs.forEach((name, v) -> out.put(
                name, config.vectors().get(name).distance() == Distance.COSINE ? Similarity.normalize(v) : v.clone()));
        return out;
    }

    private List<PointId> select(PointsSelector s) {
        return switch (s) {
            case PointsSelector.Ids ids ->
                ids.ids().stream().filter(points::containsKey).toList();
            case PointsSelector.ByFilter f -> matching(f.filter());
        };
    }

    private List<PointId> matching(Filter f) {
        List<PointId> out = new ArrayList<>();
        points.forEach((id, st) -> {
            if (f == null || FilterEvaluator.matches(f, view(id, st))) {
                out.add(id);
            }
        });
        return out;
    }

    private static PointView view(PointId id, Stored st) {
        return new PointView() {
            @Override
            public PointId id() {
                return id;
            }

            @Override
            public ObjectNode payload() {
                return st.payload();
            }

            @Override
            public boolean hasVector(String name) {
                return st.vectors().containsKey(name);
            }
        };
    }

    @Override
    public synchronized List<ScoredPoint> search(CoreSearch r) {
        Distance d = config.vectors().get(r.vectorName()).distance();
        float[] q = d == Distance.COSINE ? Similarity.normalize(r.vector()) : r.vector();
        List<ScoredPoint> hits = new ArrayList<>();
        for (PointId id : matching(r.filter())) {
            Stored st = points.get(id);
            float[] v = st.vectors().get(r.vectorName());
            if (v == null) {
                continue;
            }
            float score = Similarity.score(d, q, v);
            if (r.scoreThreshold() != null && Similarity.better(d, r.scoreThreshold(), score)) {
                continue;
            }
            hits.add(new ScoredPoint(
                    id, st.version(), score, payload(st, r.withPayload()), vectors(st, r.withVector())));
        }
        Comparator<ScoredPoint> best = (a, b) -> Similarity.better(d, a.score(), b.score())
                ? -1
                : Similarity.better(d, b.score(), a.score()) ? 1 : a.id().compareTo(b.id());
        hits.sort(best);
        return hits.subList(Math.min(r.offset(), hits.size()), Math.min(hits.size(), r.offset() + r.limit()));
    }

    private static ObjectNode payload(Stored st, PayloadSelector sel) {
        return sel instanceof PayloadSelector.None ? null : JsonPaths.select(st.payload(), sel);
    }

    private static Map<String, float[]> vectors(Stored st, VectorSelector sel) {
        return switch (sel) {
            case VectorSelector.None n -> null;
            case VectorSelector.All a -> st.vectors();
            case VectorSelector.Names n -> {
                Map<String, float[]> out = new LinkedHashMap<>();
                n.names().forEach(name -> {
                    if (st.vectors().containsKey(name)) {
                        out.put(name, st.vectors().get(name));
                    }
                });
                yield out;
            }
        };
    }

    @Override
    public synchronized List<PointRecord> retrieve(List<PointId> ids, PayloadSelector wp, VectorSelector wv) {
        List<PointRecord> out = new ArrayList<>();
        for (PointId id : ids) {
            Stored st = points.get(id);
            if (st != null) {
                out.add(new PointRecord(id, payload(st, wp), vectors(st, wv)));
            }
        }
        return out;
    }

    @Override
    public synchronized ScrollPage scroll(ScrollRequest r) {
        List<PointId> ids = matching(r.filter());
        List<PointRecord> page = new ArrayList<>();
        PointId next = null;
        for (PointId id : ids) {
            if (r.offset() != null && id.compareTo(r.offset()) < 0) {
                continue;
            }
            if (page.size() == r.limit()) {
                next = id;
                break;
            }
            Stored st = points.get(id);
            page.add(new PointRecord(id, payload(st, r.withPayload()), vectors(st, r.withVector())));
        }
        return new ScrollPage(page, next);
    }

    @Override
    public synchronized long count(Filter filter, boolean exact) {
        return matching(filter).size();
    }

    @Override
    public synchronized ShardInfo info() {
        Map<String, ShardInfo.FieldSchemaInfo> schema = new LinkedHashMap<>();
        indexes.forEach((field, spec) -> schema.put(
                field,
                new ShardInfo.FieldSchemaInfo(
                        spec,
                        points.values().stream()
                                .filter(st ->
                                        !JsonPaths.values(st.payload(), field).isEmpty())
                                .count())));
        return new ShardInfo("green", points.size(), 0, 1, schema, null);
    }

    @Override
    public synchronized void updateConfig(ShardConfig config) {
        this.config = config;
    }

    @Override
    public void close() {}
}
