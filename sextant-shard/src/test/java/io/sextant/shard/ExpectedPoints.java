package io.sextant.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a shard with one unnamed vector should hold after a sequence of acknowledged operations,
 * computed independently of the shard's code (a plain map of id → vector and payload). Supports the
 * operations of the power-cut workload: upsert, delete, set (with or without a one-level key),
 * overwrite, delete and clear payload, update and delete vectors; index operations change no
 * point. Not thread-safe.
 */
final class ExpectedPoints {
    /** One point: its vector (null once deleted) and payload (empty object for none). */
    record Point(float[] vector, ObjectNode payload) {
        String describe() {
            return payload + "|" + (vector == null ? "no vector" : Arrays.toString(vector));
        }

        boolean sameAs(Point o) {
            return o != null && Arrays.equals(vector, o.vector) && payload.equals(o.payload);
        }
    }

    private final TreeMap<PointId, Point> points = new TreeMap<>();

    ExpectedPoints copy() {
        ExpectedPoints c = new ExpectedPoints();
        points.forEach(
                (id, p) -> c.points.put(id, new Point(p.vector(), p.payload().deepCopy())));
        return c;
    }

    Point get(PointId id) {
        return points.get(id);
    }

    int size() {
        return points.size();
    }

    List<PointId> ids() {
        return new ArrayList<>(points.keySet());
    }

    /** Sets the expectation of {@code id} (null: absent), e.g. to what a reopened shard holds. */
    void put(PointId id, Point p) {
        if (p == null) {
            points.remove(id);
        } else {
            points.put(id, p);
        }
    }

    /** Ids an operation may change. */
    static Set<PointId> touched(PointOperation op) {
        Set<PointId> out = new LinkedHashSet<>();
        switch (op) {
            case PointOperation.Upsert u -> u.points().forEach(p -> out.add(p.id()));
            case PointOperation.UpdateVectors u -> u.points().forEach(p -> out.add(p.id()));
            case PointOperation.Delete d -> out.addAll(ids(d.selector()));
            case PointOperation.SetPayload s -> out.addAll(ids(s.selector()));
            case PointOperation.OverwritePayload o -> out.addAll(ids(o.selector()));
            case PointOperation.DeletePayload d -> out.addAll(ids(d.selector()));
            case PointOperation.ClearPayload c -> out.addAll(ids(c.selector()));
            case PointOperation.DeleteVectors d -> out.addAll(ids(d.selector()));
            case PointOperation.CreateFieldIndex c -> {}
            case PointOperation.DeleteFieldIndex d -> {}
        }
        return out;
    }

    private static List<PointId> ids(PointsSelector sel) {
        return ((PointsSelector.Ids) sel).ids();
    }

    /** Applies an acknowledged operation. */
    void apply(PointOperation op) {
        switch (op) {
            case PointOperation.Upsert u -> {
                for (PointOperation.PointStruct p : u.points()) {
                    points.put(
                            p.id(),
                            new Point(
                                    p.vectors().get("").clone(),
                                    p.payload() == null
                                            ? JsonNodeFactory.instance.objectNode()
                                            : p.payload().deepCopy()));
                }
            }
            case PointOperation.UpdateVectors u -> {
                for (PointOperation.PointVectors p : u.points()) {
                    Point old = points.get(p.id());
                    if (old != null) {
                        points.put(p.id(), new Point(p.vectors().get("").clone(), old.payload()));
                    }
                }
            }
            case PointOperation.Delete d -> ids(d.selector()).forEach(points::remove);
            case PointOperation.SetPayload s ->
                change(s.selector(), old -> {
                    ObjectNode p = old.deepCopy();
                    ObjectNode into = p;
                    if (s.key() != null) {
                        JsonNode child = p.get(s.key());
                        into = child instanceof ObjectNode o ? o : p.putObject(s.key());
                    }
                    into.setAll(s.payload().deepCopy());
                    return p;
                });
            case PointOperation.OverwritePayload o ->
                change(o.selector(), old -> o.payload().deepCopy());
            case PointOperation.DeletePayload d ->
                change(d.selector(), old -> {
                    ObjectNode p = old.deepCopy();
                    d.keys().forEach(p::remove);
                    return p;
                });
            case PointOperation.ClearPayload c -> change(c.selector(), old -> JsonNodeFactory.instance.objectNode());
            case PointOperation.DeleteVectors d -> {
                for (PointId id : ids(d.selector())) {
                    Point old = points.get(id);
                    if (old != null && d.vectorNames().contains("")) {
                        points.put(id, new Point(null, old.payload()));
                    }
                }
            }
            case PointOperation.CreateFieldIndex c -> {}
            case PointOperation.DeleteFieldIndex d -> {}
        }
    }

    private void change(PointsSelector sel, java.util.function.UnaryOperator<ObjectNode> f) {
        for (PointId id : ids(sel)) {
            Point old = points.get(id);
            if (old != null) {
                points.put(id, new Point(old.vector(), f.apply(old.payload())));
            }
        }
    }

    /** What {@code shard} holds for {@code ids}, in the same form (absent ids are missing). */
    static Map<PointId, Point> read(Shard shard, List<PointId> ids) {
        Map<PointId, Point> out = new HashMap<>();
        for (PointRecord r : shard.retrieve(ids, PayloadSelector.ALL, VectorSelector.ALL)) {
            out.put(
                    r.id(),
                    new Point(
                            r.vectors() == null ? null : r.vectors().get(""),
                            r.payload() == null ? JsonNodeFactory.instance.objectNode() : r.payload()));
        }
        return out;
    }
}
