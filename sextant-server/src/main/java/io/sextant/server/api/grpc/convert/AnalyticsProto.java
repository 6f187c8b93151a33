package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.Points;
import io.sextant.collection.facet.FacetHit;
import io.sextant.collection.facet.FacetRequest;
import io.sextant.collection.matrix.DistanceMatrix;
import io.sextant.collection.matrix.MatrixRequest;
import io.sextant.segment.PointId;
import io.sextant.segment.query.ScoredPoint;
import java.util.List;

/**
 * gRPC {@code Facet}, {@code SearchMatrixPairs} and {@code SearchMatrixOffsets}: requests to the
 * collection's {@link FacetRequest} / {@link MatrixRequest} and results back. Stateless and
 * thread-safe.
 */
public final class AnalyticsProto {
    private AnalyticsProto() {}

    public static FacetRequest facet(Points.FacetCounts r) {
        int limit = r.hasLimit() ? ProtoChecks.limit(r.getLimit(), "limit") : FacetRequest.DEFAULT_LIMIT;
        if (r.getKey().isEmpty()) {
            throw ProtoChecks.bad("key", "must not be empty");
        }
        return new FacetRequest(
                r.getKey(),
                FilterProto.parseOptional(r.hasFilter(), r.getFilter(), "filter"),
                limit,
                r.hasExact() && r.getExact());
    }

    public static List<Points.FacetHit> facetHits(List<FacetHit> hits) {
        return hits.stream()
                .map(h -> Points.FacetHit.newBuilder()
                        .setValue(
                                switch (h.value()) {
                                    case String s ->
                                        Points.FacetValue.newBuilder().setStringValue(s);
                                    case Long l ->
                                        Points.FacetValue.newBuilder().setIntegerValue(l);
                                    case Boolean b ->
                                        Points.FacetValue.newBuilder().setBoolValue(b);
                                    default -> throw new IllegalStateException("Unexpected facet value " + h.value());
                                })
                        .setCount(h.count())
                        .build())
                .toList();
    }

    public static MatrixRequest matrix(Points.SearchMatrixPoints r) {
        return new MatrixRequest(
                r.hasSample() ? ProtoChecks.toInt(r.getSample(), "sample") : MatrixRequest.DEFAULT_SAMPLE,
                r.hasLimit() ? ProtoChecks.toInt(r.getLimit(), "limit") : MatrixRequest.DEFAULT_LIMIT,
                FilterProto.parseOptional(r.hasFilter(), r.getFilter(), "filter"),
                r.hasUsing() ? r.getUsing() : "");
    }

    public static Points.SearchMatrixPairs pairs(DistanceMatrix m) {
        Points.SearchMatrixPairs.Builder b = Points.SearchMatrixPairs.newBuilder();
        for (int row = 0; row < m.ids().size(); row++) {
            for (ScoredPoint p : m.nearest().get(row)) {
                b.addPairs(Points.SearchMatrixPair.newBuilder()
                        .setA(PointIdProto.write(m.ids().get(row)))
                        .setB(PointIdProto.write(p.id()))
                        .setScore(p.score()));
            }
        }
        return b.build();
    }

    public static Points.SearchMatrixOffsets offsets(DistanceMatrix m) {
        Points.SearchMatrixOffsets.Builder b = Points.SearchMatrixOffsets.newBuilder();
        for (DistanceMatrix.Cell c : m.cells()) {
            b.addOffsetsRow(c.row()).addOffsetsCol(c.col()).addScores(c.score());
        }
        for (PointId id : m.ids()) {
            b.addIds(PointIdProto.write(id));
        }
        return b.build();
    }
}
