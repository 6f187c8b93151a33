package io.sextant.shard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.payload.JsonPaths;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.sparse.SparseVector;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applies logged point operations to a shard's segments: the one place where a WAL record changes
 * data, used for new writes, for a retried failed application and for WAL replay at open. Points
 * are never changed in place in an immutable segment: the new version is appended to the write
 * target and the old offset deleted (copy on write). A record is idempotent by sequence number: a
 * point whose version is at or past {@code seq} is left alone, so replaying a record is harmless.
 * Stateless; the caller holds the shard's update lock (or is the recovery thread).
 */
final class OperationApplier {
    private OperationApplier() {}

    /**
     * Applies logged operation {@code seq} to {@code set} and returns the payload schema after it
     * ({@code schema} itself unless the operation creates or drops a field index).
     */
    static Map<String, PayloadIndexSpec> apply(
            SegmentSet set, ShardConfig config, Map<String, PayloadIndexSpec> schema, long seq, PointOperation op) {
        switch (op) {
            case PointOperation.Upsert u -> {
                for (PointOperation.PointStruct p : u.points()) {
                    SegmentSet.Location loc = set.locate(p.id());
                    if (loc != null && loc.version() > seq) {
                        continue; // a whole-point replace: re-applying the same seq is harmless, and the
                        // last occurrence of an id within one batch must win
                    }
                    ObjectNode payload =
                            p.payload() == null ? null : p.payload().deepCopy();
                    set.target()
                            .append(
                                    p.id(),
                                    seq,
                                    normalized(config, p.vectors()),
                                    knownSparse(config, p.sparseVectors()),
                                    payload);
                    if (loc != null) {
                        loc.segment().delete(loc.offset());
                    }
                }
            }
            case PointOperation.Delete d ->
                forEachPoint(set, seq, d.selector(), loc -> loc.segment().delete(loc.offset()));
            case PointOperation.SetPayload s ->
                forEachPoint(set, seq, s.selector(), loc -> {
                    ObjectNode p = copyPayload(loc);
                    JsonPaths.set(
                            p,
                            s.key(),
                            s.payload() == null
                                    ? JsonNodeFactory.instance.objectNode()
                                    : s.payload().deepCopy());
                    writePayload(set, loc, p, seq);
                });
            case PointOperation.OverwritePayload o ->
                forEachPoint(
                        set,
                        seq,
                        o.selector(),
                        loc -> writePayload(
                                set,
                                loc,
                                o.payload() == null ? null : o.payload().deepCopy(),
                                seq));
            case PointOperation.DeletePayload d ->
                forEachPoint(set, seq, d.selector(), loc -> {
                    ObjectNode p = copyPayload(loc);
                    for (String k : d.keys()) {
                        JsonPaths.delete(p, k);
                    }
                    writePayload(set, loc, p, seq);
                });
            case PointOperation.ClearPayload c ->
                forEachPoint(set, seq, c.selector(), loc -> writePayload(set, loc, null, seq));
            case PointOperation.UpdateVectors u -> {
                for (PointOperation.PointVectors p : u.points()) {
                    SegmentSet.Location loc = set.locate(p.id());
                    if (loc == null || loc.version() > seq) {
                        continue;
                    }
                    Map<String, float[]> vecs = new HashMap<>(loc.segment().vectors(loc.offset()));
                    vecs.putAll(normalized(config, p.vectors()));
                    Map<String, SparseVector> sparse =
                            new HashMap<>(loc.segment().sparseVectors(loc.offset()));
                    sparse.putAll(knownSparse(config, p.sparseVectors()));
                    set.target().append(p.id(), seq, vecs, sparse, loc.segment().payloadAt(loc.offset()));
                    loc.segment().delete(loc.offset());
                }
            }
            case PointOperation.DeleteVectors d ->
                forEachPoint(set, seq, d.selector(), loc -> {
                    if (loc.segment() == set.target()) {
                        loc.segment().removeVectors(loc.offset(), d.vectorNames(), seq);
                    } else {
                        Map<String, float[]> vecs = new HashMap<>(loc.segment().vectors(loc.offset()));
                        d.vectorNames().forEach(vecs::remove);
                        Map<String, SparseVector> sparse =
                                new HashMap<>(loc.segment().sparseVectors(loc.offset()));
                        d.vectorNames().forEach(sparse::remove);
                        set.target()
                                .append(
                                        loc.segment().idAt(loc.offset()),
                                        seq,
                                        vecs,
                                        sparse,
                                        loc.segment().payloadAt(loc.offset()));
                        loc.segment().delete(loc.offset());
                    }
                });
            case PointOperation.CreateFieldIndex c -> {
                Map<String, PayloadIndexSpec> next = new LinkedHashMap<>(schema);
                next.put(c.field(), c.spec());
                for (Segment s : set.all()) {
                    s.createIndex(c.field(), c.spec());
                }
                return next;
            }
            case PointOperation.DeleteFieldIndex d -> {
                Map<String, PayloadIndexSpec> next = new LinkedHashMap<>(schema);
                next.remove(d.field());
                for (Segment s : set.all()) {
                    s.dropIndex(d.field());
                }
                return next;
            }
        }
        return schema;
    }

    private static ObjectNode copyPayload(SegmentSet.Location loc) {
        ObjectNode p = loc.segment().payloadAt(loc.offset());
        return p == null ? JsonNodeFactory.instance.objectNode() : p.deepCopy();
    }

    private static void writePayload(SegmentSet set, SegmentSet.Location loc, ObjectNode payload, long seq) {
        Segment s = loc.segment();
        if (s == set.target()) {
            s.setPayload(loc.offset(), payload, seq);
        } else {
            set.target()
                    .append(s.idAt(loc.offset()), seq, s.vectors(loc.offset()), s.sparseVectors(loc.offset()), payload);
            s.delete(loc.offset());
        }
    }

    private static void forEachPoint(
            SegmentSet set, long seq, PointsSelector sel, java.util.function.Consumer<SegmentSet.Location> action) {
        for (PointId id : ((PointsSelector.Ids) sel).ids()) {
            SegmentSet.Location loc = set.locate(id);
            if (loc != null && loc.version() < seq) {
                action.accept(loc);
            }
        }
    }

    /**
     * The dense vectors of a logged operation, normalized for Cosine. Vectors the shard no longer has
     * (or has with another size) are left out: a WAL record written before the vector was dropped
     * (and re-created) replays after the segments already took the new set of vectors.
     */
    private static Map<String, float[]> normalized(ShardConfig config, Map<String, float[]> vectors) {
        if (vectors == null) {
            return Map.of();
        }
        Map<String, VectorSpec> specs = config.vectors();
        Map<String, float[]> out = new HashMap<>();
        for (Map.Entry<String, float[]> e : vectors.entrySet()) {
            VectorSpec spec = specs.get(e.getKey());
            if (spec == null || !spec.validLength(e.getValue().length)) {
                continue;
            }
            out.put(e.getKey(), spec.normalized(e.getValue()));
        }
        return out;
    }

    /** The sparse vectors of a logged operation that the shard still has (see {@link #normalized(ShardConfig, Map)}). */
    private static Map<String, SparseVector> knownSparse(ShardConfig config, Map<String, SparseVector> vectors) {
        if (vectors == null || vectors.isEmpty()) {
            return Map.of();
        }
        Map<String, SparseVector> out = new HashMap<>(vectors);
        out.keySet().retainAll(config.sparseVectors().keySet());
        return out;
    }
}
