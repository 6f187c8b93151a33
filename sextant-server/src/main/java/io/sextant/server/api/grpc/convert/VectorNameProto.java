package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Points;
import io.sextant.collection.config.SparseVectorParams;
import io.sextant.collection.config.VectorDatatype;
import io.sextant.collection.config.VectorNameConfig;
import io.sextant.collection.config.VectorParams;

/**
 * {@code CreateVectorNameRequest} to the domain's {@link VectorNameConfig}: {@code dense_config}
 * (size in [1, 65536], distance, datatype) or {@code sparse_config} (modifier, datatype), exactly
 * one. Multi-vectors and the turbo4 datatype are refused. Stateless.
 */
public final class VectorNameProto {
    private VectorNameProto() {}

    public static VectorNameConfig parse(Points.CreateVectorNameRequest r) {
        return switch (r.getVectorConfigCase()) {
            case DENSE_CONFIG -> VectorNameConfig.dense(dense(r.getDenseConfig()));
            case SPARSE_CONFIG -> VectorNameConfig.sparse(sparse(r.getSparseConfig()));
            case VECTORCONFIG_NOT_SET ->
                throw ProtoChecks.bad("vector_config", "either dense_config or sparse_config is required");
        };
    }

    private static VectorParams dense(Points.DenseVectorCreationConfig d) {
        if (d.hasMultivectorConfig()) {
            throw ProtoChecks.unsupported("dense_config.multivector_config", "multi-vectors");
        }
        if (d.getSize() < 1 || d.getSize() > 65536) {
            throw ProtoChecks.bad(
                    "dense_config.size", "must be from 1 to 65536, got " + Long.toUnsignedString(d.getSize()));
        }
        return new VectorParams(
                (int) d.getSize(),
                CollectionProto.distance(d.getDistance(), "dense_config.distance"),
                null,
                null,
                null,
                d.hasDatatype() ? datatype(d.getDatatype(), "dense_config.datatype") : null,
                null,
                null);
    }

    private static SparseVectorParams sparse(Points.SparseVectorCreationConfig s) {
        SparseVectorParams.Modifier m = null;
        if (s.hasModifier()) {
            m = switch (s.getModifier()) {
                case None -> SparseVectorParams.Modifier.NONE;
                case Idf -> SparseVectorParams.Modifier.IDF;
                case UNRECOGNIZED ->
                    throw ProtoChecks.bad("sparse_config.modifier", "unknown modifier " + s.getModifierValue());
            };
        }
        return new SparseVectorParams(
                null, null, s.hasDatatype() ? datatype(s.getDatatype(), "sparse_config.datatype") : null, m);
    }

    private static VectorDatatype datatype(Collections.Datatype d, String field) {
        return switch (d) {
            case Float32 -> VectorDatatype.FLOAT32;
            case Float16 -> VectorDatatype.FLOAT16;
            case Uint8 -> VectorDatatype.UINT8;
            case Default -> null;
            default -> throw ProtoChecks.bad(field, "unsupported datatype " + d);
        };
    }
}
