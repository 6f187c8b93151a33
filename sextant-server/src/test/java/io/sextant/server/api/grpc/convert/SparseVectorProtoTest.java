package io.sextant.server.api.grpc.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qdrant.client.QueryFactory;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Points;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.SparseVectorParams;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.VectorInput;
import io.sextant.segment.error.UserException;
import io.sextant.vector.sparse.SparseVector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sparse parts of the gRPC converters, without a server. */
class SparseVectorProtoTest {

    @Test
    void parseSortsByUnsignedIdAndWriteKeepsTheBits() {
        SparseVector v = SparseVectorProto.parse(List.of(-1, 5, Integer.MIN_VALUE), List.of(1f, 2f, 3f), "v");
        assertThat(v.indices()).containsExactly(5, Integer.MIN_VALUE, -1); // 5 < 2^31 < 2^32 - 1
        assertThat(v.values()).containsExactly(2f, 3f, 1f);
        Points.SparseVector wire = SparseVectorProto.write(v);
        assertThat(wire.getIndicesList()).containsExactly(5, Integer.MIN_VALUE, -1);
        assertThat(SparseVectorProto.parse(wire, "v")).isEqualTo(v);
    }

    @Test
    void invalidVectorsAreBadRequestsNamingTheField() {
        assertThatThrownBy(() -> SparseVectorProto.parse(List.of(1, 1), List.of(1f, 2f), "points[0].vectors.s"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("points[0].vectors.s")
                .hasMessageContaining("unique");
        assertThatThrownBy(() -> SparseVectorProto.parse(List.of(1), List.of(), "v"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("same length");
    }

    @Test
    @SuppressWarnings("deprecation")
    void everyVectorFormQdrantReads() {
        Points.Vector deprecatedSparse = Points.Vector.newBuilder()
                .addAllData(List.of(2f, 1f))
                .setIndices(Points.SparseIndices.newBuilder().addAllData(List.of(9, 3)))
                .build();
        assertThat(PointProto.vector(deprecatedSparse, "v"))
                .isEqualTo(new VectorInput.Sparse(new SparseVector(new int[] {3, 9}, new float[] {1f, 2f})));
        assertThat(PointProto.vector(Points.Vector.newBuilder().addData(1f).build(), "v"))
                .isInstanceOfSatisfying(
                        VectorInput.Dense.class, d -> assertThat(d.vector()).containsExactly(1f));
        Points.Vector both = deprecatedSparse.toBuilder().setVectorsCount(1).build();
        assertThatThrownBy(() -> PointProto.vector(both, "v"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("cannot be both specified");

        // a sparse vector as the single unnamed vector
        Points.Vectors unnamed =
                Points.Vectors.newBuilder().setVector(deprecatedSparse).build();
        assertThatThrownBy(() -> PointProto.vectors(unnamed, "p"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("Sparse vector must be named");
        PointProto.VectorMaps named = PointProto.vectors(
                Points.Vectors.newBuilder()
                        .setVectors(Points.NamedVectors.newBuilder()
                                .putVectors("s", deprecatedSparse)
                                .putVectors(
                                        "d",
                                        Points.Vector.newBuilder().addData(1f).build()))
                        .build(),
                "p");
        assertThat(named.dense()).containsOnlyKeys("d");
        assertThat(named.sparse()).containsOnlyKeys("s");
    }

    @Test
    void sparseConfigDatatypesAndModifiers() {
        Collections.SparseIndexConfig.Builder idx =
                Collections.SparseIndexConfig.newBuilder().setDatatype(Collections.Datatype.Default);
        CollectionConfig c = CollectionProto.create(Collections.CreateCollection.newBuilder()
                .setCollectionName("c")
                .setSparseVectorsConfig(Collections.SparseVectorConfig.newBuilder()
                        .putMap(
                                "s",
                                Collections.SparseVectorParams.newBuilder()
                                        .setIndex(idx)
                                        .setModifier(Collections.Modifier.None)
                                        .build()))
                .build());
        assertThat(c.params().sparseVectors().get("s"))
                .isEqualTo(new SparseVectorParams(null, null, null, SparseVectorParams.Modifier.NONE));
        assertThat(c.params().vectors()).isEmpty();

        assertThatThrownBy(() -> CollectionProto.sparseVectors(Collections.SparseVectorConfig.newBuilder()
                        .putMap(
                                "s",
                                Collections.SparseVectorParams.newBuilder()
                                        .setIndex(idx.clone().setDatatypeValue(99))
                                        .build())
                        .build()))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("Cannot convert datatype: 99");
    }

    @Test
    void rrfWeightsMustBeFinite() {
        Points.QueryPoints.Builder q = Points.QueryPoints.newBuilder()
                .setCollectionName("c")
                .setQuery(QueryFactory.rrf(Points.Rrf.newBuilder()
                        .setK(5)
                        .addWeights(0.5f)
                        .addWeights(2f)
                        .build()));
        assertThat(QueryProto.query(q.build()).query())
                .isEqualTo(new Query.Fusion(Query.FusionMethod.RRF, 5, List.of(0.5f, 2f)));
        q.setQuery(
                QueryFactory.rrf(Points.Rrf.newBuilder().addWeights(Float.NaN).build()));
        assertThatThrownBy(() -> QueryProto.query(q.build()))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("query.rrf.weights[0]");
    }
}
