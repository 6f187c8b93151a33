package io.sextant.server.api.grpc;

import static io.qdrant.client.PointIdFactory.id;
import static io.sextant.server.api.grpc.GrpcFixture.assertStatus;
import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.Status;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.ScoredPoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multivectors over gRPC with the official Java client: {@code multivector_config} in and out,
 * points as {@code multi_dense} (and the deprecated {@code data} + {@code vectors_count}), query
 * with a multivector, retrieval written back as {@code multi_dense}, and ragged input refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcMultiVectorTest {
    @TempDir
    static Path dir;

    GrpcFixture fx;

    @BeforeAll
    void start() {
        fx = new GrpcFixture(dir);
        get(fx.client.createCollectionAsync(Collections.CreateCollection.newBuilder()
                .setCollectionName("gmv")
                .setVectorsConfig(Collections.VectorsConfig.newBuilder()
                        .setParams(Collections.VectorParams.newBuilder()
                                .setSize(2)
                                .setDistance(Collections.Distance.Dot)
                                .setMultivectorConfig(Collections.MultiVectorConfig.newBuilder()
                                        .setComparator(Collections.MultiVectorComparator.MaxSim))))
                .build()));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    static Points.Vector multi(float[]... vs) {
        Points.MultiDenseVector.Builder m = Points.MultiDenseVector.newBuilder();
        for (float[] v : vs) {
            Points.DenseVector.Builder d = Points.DenseVector.newBuilder();
            for (float x : v) {
                d.addData(x);
            }
            m.addVectors(d);
        }
        return Points.Vector.newBuilder().setMultiDense(m).build();
    }

    @SuppressWarnings("deprecation")
    static Points.Vector legacy(int count, Float... data) {
        return Points.Vector.newBuilder()
                .addAllData(List.of(data))
                .setVectorsCount(count)
                .build();
    }

    static PointStruct point(long id, Points.Vector v) {
        return PointStruct.newBuilder()
                .setId(id(id))
                .setVectors(Points.Vectors.newBuilder().setVector(v))
                .build();
    }

    @Test
    void multivectorsInQueryAndOut() {
        assertThat(get(fx.client.getCollectionInfoAsync("gmv"))
                        .getConfig()
                        .getParams()
                        .getVectorsConfig()
                        .getParams()
                        .getMultivectorConfig()
                        .getComparator())
                .isEqualTo(Collections.MultiVectorComparator.MaxSim);
        get(fx.client.upsertAsync(
                "gmv",
                List.of(
                        point(1, multi(new float[] {1, 0}, new float[] {0, 1})),
                        point(2, legacy(1, 2f, 2f)),
                        point(3, multi(new float[] {-1, 0})))));
        // query (1, 0), (0, 2): p1 1 + 2 = 3; p2 2 + 4 = 6; p3 -1 + 0 = -1
        Points.QueryPoints q = Points.QueryPoints.newBuilder()
                .setCollectionName("gmv")
                .setQuery(Points.Query.newBuilder()
                        .setNearest(Points.VectorInput.newBuilder()
                                .setMultiDense(Points.MultiDenseVector.newBuilder()
                                        .addVectors(Points.DenseVector.newBuilder()
                                                .addData(1f)
                                                .addData(0f))
                                        .addVectors(Points.DenseVector.newBuilder()
                                                .addData(0f)
                                                .addData(2f)))))
                .setWithVectors(WithVectorsSelectorFactory.enable(true))
                .build();
        List<ScoredPoint> hits = get(fx.client.queryAsync(q));
        assertThat(hits.stream().map(h -> h.getId().getNum()).toList()).containsExactly(2L, 1L, 3L);
        assertThat(hits.get(0).getScore()).isCloseTo(6f, within(1e-5f));
        assertThat(hits.get(1).getVectors().getVector().getMultiDense().getVectorsCount())
                .isEqualTo(2);
        assertThat(hits.get(1)
                        .getVectors()
                        .getVector()
                        .getMultiDense()
                        .getVectors(1)
                        .getDataList())
                .containsExactly(0f, 1f);
    }

    @Test
    void raggedMultivectorsAreRefused() {
        assertStatus(
                fx.client.upsertAsync("gmv", List.of(point(9, multi(new float[] {1, 0}, new float[] {1})))),
                Status.Code.INVALID_ARGUMENT,
                "same dimension");
        assertStatus(
                fx.client.upsertAsync("gmv", List.of(point(9, legacy(2, 1f, 2f, 3f)))),
                Status.Code.INVALID_ARGUMENT,
                "vectors_count");
    }
}
