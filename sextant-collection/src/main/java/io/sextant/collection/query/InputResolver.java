package io.sextant.collection.query;

import io.sextant.collection.OperationValidator;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.vector.sparse.SparseVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Resolves a query's vector inputs for the {@link QueryEngine}: literal vectors are checked against
 * the queried vector, point ids are looked up in this collection or in {@code lookup_from} (a
 * missing collection is 404 "Collection X not found", a missing point 404 before an unknown vector
 * name 400, as Qdrant orders them). Thread-safe: holds no mutable state.
 */
final class InputResolver {
    private final QueryTarget self;
    private final Function<String, ? extends QueryTarget> resolver;

    InputResolver(QueryTarget self, Function<String, ? extends QueryTarget> resolver) {
        this.self = self;
        this.resolver = resolver;
    }

    /**
     * Resolves vector inputs to vectors of {@code vp}'s dimension (normalized for Cosine). Ids of
     * this collection's points used as inputs are added to {@code excluded}.
     */
    List<float[]> dense(List<VectorInput> inputs, QueryRequest req, VectorParams vp, Set<PointId> excluded) {
        Map<PointId, float[]> byId = byId(
                inputs,
                req,
                excluded,
                (t, name) -> t.config().vector(name) != null,
                (r, name) -> r.vectors() == null ? null : r.vectors().get(name));
        List<float[]> out = new ArrayList<>();
        for (VectorInput in : inputs) {
            float[] v =
                    switch (in) {
                        case VectorInput.Dense d -> d.vector();
                        case VectorInput.ById b -> byId.get(b.id());
                        case VectorInput.Sparse sp ->
                            throw UserException.badRequest("Wrong input: a sparse vector was given to query the dense"
                                    + " vector \"" + req.using() + "\"");
                    };
            OperationValidator.checkVector(self.config(), req.using(), v);
            out.add(vp.toSpec().normalizedQuery(v));
        }
        return out;
    }

    /**
     * Resolves inputs for the sparse vector {@code req.using()}; ids of this collection's points used
     * as inputs are added to {@code excluded}.
     */
    List<SparseVector> sparse(List<VectorInput> inputs, QueryRequest req, Set<PointId> excluded) {
        Map<PointId, SparseVector> byId = byId(
                inputs,
                req,
                excluded,
                (t, name) -> t.config().sparseVector(name) != null,
                (r, name) ->
                        r.sparseVectors() == null ? null : r.sparseVectors().get(name));
        List<SparseVector> out = new ArrayList<>();
        for (VectorInput in : inputs) {
            out.add(
                    switch (in) {
                        case VectorInput.Sparse sp -> sp.vector();
                        case VectorInput.ById b -> byId.get(b.id());
                        case VectorInput.Dense d ->
                            throw UserException.badRequest("Wrong input: a dense vector was given to query the sparse"
                                    + " vector \"" + req.using() + "\"");
                    });
        }
        return out;
    }

    /**
     * The vectors of the point-id inputs, from {@code lookup_from} (its {@code vector}, else {@code
     * using}) or this collection; ids of this collection are added to {@code excluded}.
     */
    private <V> Map<PointId, V> byId(
            List<VectorInput> inputs,
            QueryRequest req,
            Set<PointId> excluded,
            BiPredicate<QueryTarget, String> hasVector,
            BiFunction<PointRecord, String, V> vectorOf) {
        List<PointId> ids = new ArrayList<>();
        for (VectorInput in : inputs) {
            if (in instanceof VectorInput.ById b) {
                ids.add(b.id());
            }
        }
        Map<PointId, V> byId = new HashMap<>();
        if (ids.isEmpty()) {
            return byId;
        }
        LookupLocation loc = req.lookupFrom();
        QueryTarget target = loc == null ? self : collection(loc.collection());
        String vecName = loc == null || loc.vector() == null ? req.using() : loc.vector();
        for (PointRecord r : lookupRecords(target, ids, vecName, hasVector.test(target, vecName))) {
            V v = vectorOf.apply(r, vecName);
            if (v == null) {
                throw UserException.badRequest("Wrong input: Point " + r.id() + " has no vector \"" + vecName + "\"");
            }
            byId.put(r.id(), v);
        }
        if (loc == null) {
            excluded.addAll(ids);
        }
        return byId;
    }

    /**
     * The points {@code ids} of {@code target} with the vector {@code vecName}: a missing point is
     * 404 (checked first, as Qdrant), then a vector name the collection lacks is 400.
     */
    private static List<PointRecord> lookupRecords(
            QueryTarget target, List<PointId> ids, String vecName, boolean vectorExists) {
        List<PointRecord> records = target.retrieve(
                ids,
                PayloadSelector.NONE,
                vectorExists ? new VectorSelector.Names(List.of(vecName)) : VectorSelector.NONE);
        Set<PointId> found = new HashSet<>();
        records.forEach(r -> found.add(r.id()));
        for (PointId id : ids) {
            if (!found.contains(id)) {
                throw UserException.notFound("Not found: No point with id " + id + " found");
            }
        }
        if (!vectorExists) {
            throw UserException.badRequest("Wrong input: Not existing vector name error: " + vecName);
        }
        return records;
    }

    /** The collection {@code name} of a {@code lookup_from} or {@code with_lookup}; 404 if missing. */
    QueryTarget collection(String name) {
        QueryTarget t;
        try {
            t = resolver.apply(name);
        } catch (UserException e) {
            if (e.kind() != UserException.Kind.NOT_FOUND) {
                throw e;
            }
            t = null;
        }
        if (t == null) {
            throw UserException.notFound("Not found: Collection " + name + " not found");
        }
        return t;
    }
}
