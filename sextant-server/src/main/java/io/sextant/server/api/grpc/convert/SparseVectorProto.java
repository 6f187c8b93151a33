package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.Points;
import io.sextant.vector.sparse.SparseVector;
import java.util.List;

/**
 * Sparse vectors on the gRPC wire: {@code SparseVector{values, indices}} (and the deprecated {@code
 * Vector{data, indices}} form, which carries the same two lists) to a validated, sorted {@link
 * SparseVector}, and back. Dimension ids are protobuf {@code uint32}, which Java holds in an {@code
 * int}: ids >= 2^31 arrive negative and are kept as they are (unsigned, as {@link SparseVector}
 * reads them). Invalid vectors (lengths differ, repeated ids, non-finite weights) are refused with
 * Qdrant's wording as a bad request. Stateless and thread-safe.
 */
public final class SparseVectorProto {

    private SparseVectorProto() {}

    /** A sparse vector from its wire lists, validated and sorted by id. */
    public static SparseVector parse(List<Integer> indices, List<Float> values, String field) {
        int[] ids = new int[indices.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = indices.get(i);
        }
        float[] weights = PointProto.floats(values);
        try {
            return SparseVector.of(ids, weights);
        } catch (IllegalArgumentException e) {
            throw ProtoChecks.bad(field, "Sparse indices does not match sparse vector conditions: " + e.getMessage());
        }
    }

    /** {@code SparseVector} message: {@code values} and {@code indices}. */
    public static SparseVector parse(Points.SparseVector v, String field) {
        return parse(v.getIndicesList(), v.getValuesList(), field);
    }

    /** The wire form of {@code v}; ids are written back as the same uint32 bits. */
    public static Points.SparseVector write(SparseVector v) {
        Points.SparseVector.Builder b = Points.SparseVector.newBuilder();
        int[] ids = v.indices();
        float[] values = v.values();
        for (int i = 0; i < ids.length; i++) {
            b.addIndices(ids[i]);
            b.addValues(values[i]);
        }
        return b.build();
    }
}
