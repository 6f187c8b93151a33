package io.sextant.segment.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.vector.sparse.SparseVector;
import java.util.List;
import java.util.Map;

/**
 * A mutation of a shard, validated before it is written to the WAL: once in the WAL it always
 * applies. Vectors are keyed by vector name ("" is the unnamed default vector); Cosine vectors are
 * normalized by the shard on apply. All records are treated as immutable.
 */
public sealed interface PointOperation {

    /**
     * A point to upsert: its dense and sparse vectors (possibly a subset of the collection's) and its
     * payload.
     */
    record PointStruct(
            PointId id, Map<String, float[]> vectors, Map<String, SparseVector> sparseVectors, ObjectNode payload) {
        public PointStruct {
            sparseVectors = sparseVectors == null ? Map.of() : sparseVectors;
        }

        /** A point without sparse vectors. */
        public PointStruct(PointId id, Map<String, float[]> vectors, ObjectNode payload) {
            this(id, vectors, Map.of(), payload);
        }
    }

    /** Dense and sparse vectors to replace for one existing point. */
    record PointVectors(PointId id, Map<String, float[]> vectors, Map<String, SparseVector> sparseVectors) {
        public PointVectors {
            sparseVectors = sparseVectors == null ? Map.of() : sparseVectors;
        }

        /** Dense vectors only. */
        public PointVectors(PointId id, Map<String, float[]> vectors) {
            this(id, vectors, Map.of());
        }
    }

    /**
     * Insert or replace whole points. {@code mode} {@link UpdateMode#INSERT_ONLY} leaves existing
     * points unchanged, {@link UpdateMode#UPDATE_ONLY} creates no point; with {@code updateFilter} an
     * existing point is replaced only when it matches the filter (new points are inserted anyway).
     * The shard resolves mode and filter against its state under its update lock, so the WAL only
     * ever holds plain upserts ({@link #isPlain()}).
     *
     * @param mode null means {@link UpdateMode#UPSERT}
     * @param updateFilter null for none
     */
    record Upsert(List<PointStruct> points, UpdateMode mode, Filter updateFilter) implements PointOperation {
        public Upsert {
            mode = mode == null ? UpdateMode.UPSERT : mode;
        }

        /** A plain upsert. */
        public Upsert(List<PointStruct> points) {
            this(points, UpdateMode.UPSERT, null);
        }

        /** Whether this replaces and inserts unconditionally. */
        public boolean isPlain() {
            return mode == UpdateMode.UPSERT && updateFilter == null;
        }
    }

    /** How an upsert treats existing and missing points (Qdrant's {@code update_mode}). */
    enum UpdateMode {
        /** Insert missing points, replace existing ones. */
        UPSERT,
        /** Insert missing points only. */
        INSERT_ONLY,
        /** Replace existing points only. */
        UPDATE_ONLY
    }

    /** Delete points. */
    record Delete(PointsSelector selector) implements PointOperation {}

    /** Merge {@code payload} into the payload (at nested path {@code key} when non-null). */
    record SetPayload(ObjectNode payload, PointsSelector selector, String key) implements PointOperation {}

    /** Replace the whole payload. */
    record OverwritePayload(ObjectNode payload, PointsSelector selector) implements PointOperation {}

    /** Remove these payload keys (paths). */
    record DeletePayload(List<String> keys, PointsSelector selector) implements PointOperation {}

    /** Remove the whole payload. */
    record ClearPayload(PointsSelector selector) implements PointOperation {}

    /**
     * Replace named vectors of existing points; missing points are an error. With {@code
     * updateFilter} only points matching it are changed (resolved by the shard before the WAL, like
     * {@link Upsert}'s filter).
     */
    record UpdateVectors(List<PointVectors> points, Filter updateFilter) implements PointOperation {
        /** Unconditional. */
        public UpdateVectors(List<PointVectors> points) {
            this(points, null);
        }
    }

    /** Remove named vectors (dense or sparse) from points. */
    record DeleteVectors(PointsSelector selector, List<String> vectorNames) implements PointOperation {}

    /** Create (or replace) a payload index on {@code field}. */
    record CreateFieldIndex(String field, PayloadIndexSpec spec) implements PointOperation {}

    /** Drop the payload index on {@code field}. */
    record DeleteFieldIndex(String field) implements PointOperation {}
}
