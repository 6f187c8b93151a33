package io.sextant.server.api.grpc.convert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qdrant.client.grpc.Points;
import io.sextant.collection.query.VectorInput;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.VectorSelector;
import io.sextant.server.api.convert.VectorShapes;
import io.sextant.vector.sparse.SparseVector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Points on the gRPC wire: {@code PointStruct} and {@code Vectors} in, {@code RetrievedPoint} and
 * {@code ScoredPoint} out, and the {@code with_payload}/{@code with_vectors} selectors. A single
 * {@code Vectors.vector} is the unnamed default vector (name ""); vectors of an unnamed-vector
 * collection are written back the same way. Named vectors may be dense or sparse (the {@code
 * sparse} variant or the deprecated {@code data} + {@code indices} form, see {@link
 * SparseVectorProto}); sparse vectors are written back as the {@code sparse} variant, as Qdrant
 * 1.19 does. BM25 documents become sparse vectors; multi-dense vectors are concatenated (and written back as
 * {@code multi_dense} where the collection's shapes say so); image and object inputs are refused as
 * unsupported. Dimension and name checks
 * happen in the collection layer. Stateless and thread-safe.
 */
public final class PointProto {

    private PointProto() {}

    public static List<PointOperation.PointStruct> points(List<Points.PointStruct> in, String field) {
        List<PointOperation.PointStruct> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            Points.PointStruct p = in.get(i);
            String f = field + "[" + i + "]";
            if (!p.hasId()) {
                throw ProtoChecks.bad(f, "missing field `id`");
            }
            PointId id = PointIdProto.parse(p.getId(), f + ".id");
            VectorMaps vectors = p.hasVectors() ? vectors(p.getVectors(), f + ".vectors") : VectorMaps.EMPTY;
            ObjectNode payload = ValueProto.toObject(p.getPayloadMap());
            out.add(new PointOperation.PointStruct(id, vectors.dense(), vectors.sparse(), payload));
        }
        return out;
    }

    /**
     * The vectors of one point, split by kind.
     *
     * @param dense dense vectors by name ("" = the unnamed default vector)
     * @param sparse sparse vectors by name (never "")
     */
    public record VectorMaps(Map<String, float[]> dense, Map<String, SparseVector> sparse) {
        static final VectorMaps EMPTY = new VectorMaps(Map.of(), Map.of());
    }

    /**
     * {@code Vectors}: one unnamed dense vector, or named vectors each dense or sparse. A sparse
     * vector must be named, as in Qdrant.
     */
    public static VectorMaps vectors(Points.Vectors v, String field) {
        Map<String, Points.Vector> given =
                switch (v.getVectorsOptionsCase()) {
                    case VECTOR -> Map.of("", v.getVector());
                    case VECTORS -> v.getVectors().getVectorsMap();
                    case VECTORSOPTIONS_NOT_SET -> Map.of();
                };
        Map<String, float[]> dense = new LinkedHashMap<>();
        Map<String, SparseVector> sparse = new LinkedHashMap<>();
        given.forEach((name, vec) -> {
            String f = v.hasVector() ? field + ".vector" : field + ".vectors." + name;
            VectorInput in = vector(vec, f);
            if (in instanceof VectorInput.Sparse s) {
                if (name.isEmpty()) {
                    throw ProtoChecks.bad(f, "Sparse vector must be named");
                }
                sparse.put(name, s.vector());
            } else {
                dense.put(name, ((VectorInput.Dense) in).vector());
            }
        });
        return new VectorMaps(dense, sparse);
    }

    /**
     * A {@code Vector} as Qdrant reads it: the {@code dense} or {@code sparse} variant, or the
     * deprecated fields ({@code data} with {@code indices} is sparse, {@code data} alone dense).
     * Multi-vectors and inference inputs are refused as unsupported.
     *
     * @return a {@link VectorInput.Dense} or a {@link VectorInput.Sparse}
     */
    @SuppressWarnings("deprecation")
    public static VectorInput vector(Points.Vector v, String field) {
        return switch (v.getVectorCase()) {
            case DENSE -> new VectorInput.Dense(floats(v.getDense().getDataList()));
            case SPARSE -> new VectorInput.Sparse(SparseVectorProto.parse(v.getSparse(), field + ".sparse"));
            case MULTI_DENSE -> new VectorInput.Dense(multi(v.getMultiDense(), field + ".multi_dense"));
            case DOCUMENT ->
                new VectorInput.Sparse(DocumentProto.parse(v.getDocument()).asPointVector());
            case IMAGE, OBJECT -> throw inference(field);
            case VECTOR_NOT_SET -> {
                if (v.hasIndices() && v.hasVectorsCount()) {
                    throw ProtoChecks.bad(field, "`indices` and `vectors_count` cannot be both specified");
                }
                if (v.hasIndices()) {
                    yield new VectorInput.Sparse(
                            SparseVectorProto.parse(v.getIndices().getDataList(), v.getDataList(), field));
                }
                if (v.hasVectorsCount()) { // deprecated multivector form: data holds vectors_count vectors
                    int n = v.getVectorsCount();
                    if (n <= 0 || v.getDataCount() == 0 || v.getDataCount() % n != 0) {
                        throw ProtoChecks.bad(
                                field,
                                "`data` of " + v.getDataCount() + " floats cannot hold `vectors_count` " + n
                                        + " vectors of one dimension");
                    }
                }
                yield new VectorInput.Dense(floats(v.getDataList()));
            }
        };
    }

    /**
     * The error for an image or object input: only the local BM25 model runs server-side, there is
     * no inference service for other models.
     */
    public static UserException inference(String field) {
        return ProtoChecks.unsupported(field, "inference of images and objects");
    }

    /** A {@code MultiDenseVector}: one or more non-empty vectors of one length, concatenated. */
    public static float[] multi(Points.MultiDenseVector m, String field) {
        if (m.getVectorsCount() == 0) {
            throw ProtoChecks.bad(field, "a multivector must not be empty");
        }
        int len = m.getVectors(0).getDataCount();
        float[] out = new float[len * m.getVectorsCount()];
        for (int i = 0; i < m.getVectorsCount(); i++) {
            List<Float> d = m.getVectors(i).getDataList();
            if (d.isEmpty()) {
                throw ProtoChecks.bad(field + ".vectors[" + i + "]", "all vectors must be non-empty");
            }
            if (d.size() != len) {
                throw ProtoChecks.bad(
                        field + ".vectors[" + i + "]",
                        "all vectors must have the same dimension, found vector with dimension " + d.size());
            }
            for (int j = 0; j < len; j++) {
                out[i * len + j] = d.get(j);
            }
        }
        return out;
    }

    public static float[] floats(List<Float> list) {
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    // ---------------------------------------------------------------- selectors

    public static PayloadSelector payloadSelector(boolean present, Points.WithPayloadSelector s, PayloadSelector dflt) {
        if (!present) {
            return dflt;
        }
        return switch (s.getSelectorOptionsCase()) {
            case ENABLE -> s.getEnable() ? PayloadSelector.ALL : PayloadSelector.NONE;
            case INCLUDE ->
                new PayloadSelector.Include(List.copyOf(s.getInclude().getFieldsList()));
            case EXCLUDE ->
                new PayloadSelector.Exclude(List.copyOf(s.getExclude().getFieldsList()));
            case SELECTOROPTIONS_NOT_SET -> dflt;
        };
    }

    public static VectorSelector vectorSelector(boolean present, Points.WithVectorsSelector s, VectorSelector dflt) {
        if (!present) {
            return dflt;
        }
        return switch (s.getSelectorOptionsCase()) {
            case ENABLE -> s.getEnable() ? VectorSelector.ALL : VectorSelector.NONE;
            case INCLUDE -> new VectorSelector.Names(List.copyOf(s.getInclude().getNamesList()));
            case SELECTOROPTIONS_NOT_SET -> dflt;
        };
    }

    // ---------------------------------------------------------------- output

    public static Points.RetrievedPoint retrieved(PointRecord r) {
        return retrieved(r, VectorShapes.NONE);
    }

    /** A {@code RetrievedPoint}, multivectors written as {@code multi_dense} per {@code shapes}. */
    public static Points.RetrievedPoint retrieved(PointRecord r, VectorShapes shapes) {
        Points.RetrievedPoint.Builder b = Points.RetrievedPoint.newBuilder().setId(PointIdProto.write(r.id()));
        if (r.payload() != null) {
            b.putAllPayload(ValueProto.toProtoMap(r.payload()));
        }
        if (r.vectors() != null || r.sparseVectors() != null) {
            b.setVectors(vectorsOutput(r.vectors(), r.sparseVectors(), shapes));
        }
        if (r.orderValue() != null) { // ordered scroll: integral values as int, as over REST
            double v = r.orderValue();
            b.setOrderValue(
                    v == Math.rint(v) && Math.abs(v) < 9.0e15
                            ? Points.OrderValue.newBuilder().setInt((long) v).build()
                            : Points.OrderValue.newBuilder().setFloat(v).build());
        }
        return b.build();
    }

    public static List<Points.RetrievedPoint> retrievedAll(List<PointRecord> records) {
        return retrievedAll(records, VectorShapes.NONE);
    }

    public static List<Points.RetrievedPoint> retrievedAll(List<PointRecord> records, VectorShapes shapes) {
        List<Points.RetrievedPoint> out = new ArrayList<>(records.size());
        records.forEach(r -> out.add(retrieved(r, shapes)));
        return out;
    }

    public static Points.ScoredPoint scored(ScoredPoint p) {
        return scored(p, VectorShapes.NONE);
    }

    /** A {@code ScoredPoint}, multivectors written as {@code multi_dense} per {@code shapes}. */
    public static Points.ScoredPoint scored(ScoredPoint p, VectorShapes shapes) {
        Points.ScoredPoint.Builder b = Points.ScoredPoint.newBuilder()
                .setId(PointIdProto.write(p.id()))
                .setScore(p.score())
                .setVersion(p.version());
        if (p.payload() != null) {
            b.putAllPayload(ValueProto.toProtoMap(p.payload()));
        }
        if (p.vectors() != null || p.sparseVectors() != null) {
            b.setVectors(vectorsOutput(p.vectors(), p.sparseVectors(), shapes));
        }
        return b.build();
    }

    public static List<Points.ScoredPoint> scoredAll(List<ScoredPoint> hits) {
        return scoredAll(hits, VectorShapes.NONE);
    }

    public static List<Points.ScoredPoint> scoredAll(List<ScoredPoint> hits, VectorShapes shapes) {
        List<Points.ScoredPoint> out = new ArrayList<>(hits.size());
        hits.forEach(h -> out.add(scored(h, shapes)));
        return out;
    }

    /**
     * Vectors of a point as Qdrant writes them: the unnamed dense vector alone as {@code vector},
     * otherwise every vector by name in {@code vectors} (sparse ones as the {@code sparse} variant).
     *
     * @param dense dense vectors by name, or null
     * @param sparse sparse vectors by name, or null
     */
    public static Points.VectorsOutput vectorsOutput(Map<String, float[]> dense, Map<String, SparseVector> sparse) {
        return vectorsOutput(dense, sparse, VectorShapes.NONE);
    }

    /** As {@link #vectorsOutput(Map, Map)}, multivectors as {@code multi_dense}. */
    public static Points.VectorsOutput vectorsOutput(
            Map<String, float[]> dense, Map<String, SparseVector> sparse, VectorShapes shapes) {
        Map<String, float[]> d = dense == null ? Map.of() : dense;
        Map<String, SparseVector> s = sparse == null ? Map.of() : sparse;
        Points.VectorsOutput.Builder b = Points.VectorsOutput.newBuilder();
        if (s.isEmpty() && d.size() == 1 && d.containsKey("")) {
            return b.setVector(output(d.get(""), shapes.multiDim(""))).build();
        }
        Points.NamedVectorsOutput.Builder named = Points.NamedVectorsOutput.newBuilder();
        d.forEach((name, v) -> named.putVectors(name, output(v, shapes.multiDim(name))));
        s.forEach((name, v) -> named.putVectors(
                name,
                Points.VectorOutput.newBuilder()
                        .setSparse(SparseVectorProto.write(v))
                        .build()));
        return b.setVectors(named).build();
    }

    private static Points.VectorOutput output(float[] v, int multiDim) {
        if (multiDim == 0) {
            return Points.VectorOutput.newBuilder()
                    .setDense(dense(v, 0, v.length))
                    .build();
        }
        Points.MultiDenseVector.Builder m = Points.MultiDenseVector.newBuilder();
        for (int i = 0; i < v.length; i += multiDim) {
            m.addVectors(dense(v, i, i + multiDim));
        }
        return Points.VectorOutput.newBuilder().setMultiDense(m).build();
    }

    private static Points.DenseVector.Builder dense(float[] v, int from, int to) {
        Points.DenseVector.Builder d = Points.DenseVector.newBuilder();
        for (int i = from; i < to; i++) {
            d.addData(v[i]);
        }
        return d;
    }
}
