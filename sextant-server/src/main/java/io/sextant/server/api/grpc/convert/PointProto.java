package io.sextant.server.api.grpc.convert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qdrant.client.grpc.Points;
import io.sextant.segment.PointId;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.VectorSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Points on the gRPC wire: {@code PointStruct} and {@code Vectors} in, {@code RetrievedPoint} and
 * {@code ScoredPoint} out, and the {@code with_payload}/{@code with_vectors} selectors. A single
 * {@code Vectors.vector} is the unnamed default vector (name ""); vectors of an unnamed-vector
 * collection are written back the same way. Dense vectors only: sparse, multi-dense and inference
 * inputs are refused as unsupported. Dimension checks happen in the collection layer. Stateless
 * and thread-safe.
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
            Map<String, float[]> vectors = p.hasVectors() ? vectors(p.getVectors(), f + ".vectors") : Map.of();
            ObjectNode payload = ValueProto.toObject(p.getPayloadMap());
            out.add(new PointOperation.PointStruct(id, vectors, payload));
        }
        return out;
    }

    /** {@code Vectors}: one unnamed vector, or named vectors. */
    public static Map<String, float[]> vectors(Points.Vectors v, String field) {
        Map<String, float[]> out = new LinkedHashMap<>();
        switch (v.getVectorsOptionsCase()) {
            case VECTOR -> out.put("", dense(v.getVector(), field + ".vector"));
            case VECTORS ->
                v.getVectors()
                        .getVectorsMap()
                        .forEach((name, vec) -> out.put(name, dense(vec, field + ".vectors." + name)));
            case VECTORSOPTIONS_NOT_SET -> {}
        }
        return out;
    }

    /** A dense {@code Vector}: the {@code dense} variant or the legacy {@code data} field. */
    @SuppressWarnings("deprecation")
    public static float[] dense(Points.Vector v, String field) {
        switch (v.getVectorCase()) {
            case DENSE -> {
                return floats(v.getDense().getDataList());
            }
            case SPARSE -> throw ProtoChecks.unsupported(field, "sparse vectors");
            case MULTI_DENSE -> throw ProtoChecks.unsupported(field, "multi-vectors");
            case DOCUMENT, IMAGE, OBJECT ->
                throw ProtoChecks.unsupported(field, "inference (documents, images, objects)");
            case VECTOR_NOT_SET -> {
                if (v.hasIndices()) {
                    throw ProtoChecks.unsupported(field, "sparse vectors");
                }
                if (v.hasVectorsCount()) {
                    throw ProtoChecks.unsupported(field, "multi-vectors");
                }
                return floats(v.getDataList());
            }
        }
        throw ProtoChecks.bad(field, "unknown vector kind " + v.getVectorCase());
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
        Points.RetrievedPoint.Builder b = Points.RetrievedPoint.newBuilder().setId(PointIdProto.write(r.id()));
        if (r.payload() != null) {
            b.putAllPayload(ValueProto.toProtoMap(r.payload()));
        }
        if (r.vectors() != null) {
            b.setVectors(vectorsOutput(r.vectors()));
        }
        return b.build();
    }

    public static List<Points.RetrievedPoint> retrievedAll(List<PointRecord> records) {
        List<Points.RetrievedPoint> out = new ArrayList<>(records.size());
        records.forEach(r -> out.add(retrieved(r)));
        return out;
    }

    public static Points.ScoredPoint scored(ScoredPoint p) {
        Points.ScoredPoint.Builder b = Points.ScoredPoint.newBuilder()
                .setId(PointIdProto.write(p.id()))
                .setScore(p.score())
                .setVersion(p.version());
        if (p.payload() != null) {
            b.putAllPayload(ValueProto.toProtoMap(p.payload()));
        }
        if (p.vectors() != null) {
            b.setVectors(vectorsOutput(p.vectors()));
        }
        return b.build();
    }

    public static List<Points.ScoredPoint> scoredAll(List<ScoredPoint> hits) {
        List<Points.ScoredPoint> out = new ArrayList<>(hits.size());
        hits.forEach(h -> out.add(scored(h)));
        return out;
    }

    /** Vectors of a point: the unnamed vector alone as {@code vector}, otherwise named {@code vectors}. */
    public static Points.VectorsOutput vectorsOutput(Map<String, float[]> vectors) {
        Points.VectorsOutput.Builder b = Points.VectorsOutput.newBuilder();
        if (vectors.size() == 1 && vectors.containsKey("")) {
            return b.setVector(output(vectors.get(""))).build();
        }
        Points.NamedVectorsOutput.Builder named = Points.NamedVectorsOutput.newBuilder();
        vectors.forEach((name, v) -> named.putVectors(name, output(v)));
        return b.setVectors(named).build();
    }

    private static Points.VectorOutput output(float[] v) {
        Points.DenseVector.Builder d = Points.DenseVector.newBuilder();
        for (float f : v) {
            d.addData(f);
        }
        return Points.VectorOutput.newBuilder().setDense(d).build();
    }
}
