package io.sextant.server.api.grpc;

import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.VectorFactory.vector;
import static io.qdrant.client.VectorsFactory.namedVectors;
import static io.sextant.server.api.grpc.GrpcFixture.assertStatus;
import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Points/CreateVectorName} and {@code Points/DeleteVectorName} with the official Java client. */
class GrpcNamedVectorsTest {
    @TempDir
    Path dir;

    private static Collections.CreateCollection collection(String name) {
        return Collections.CreateCollection.newBuilder()
                .setCollectionName(name)
                .setVectorsConfig(Collections.VectorsConfig.newBuilder()
                        .setParamsMap(Collections.VectorParamsMap.newBuilder()
                                .putMap(
                                        "a",
                                        VectorParams.newBuilder()
                                                .setSize(2)
                                                .setDistance(Distance.Dot)
                                                .build())
                                .putMap(
                                        "b",
                                        VectorParams.newBuilder()
                                                .setSize(3)
                                                .setDistance(Distance.Euclid)
                                                .build())))
                .build();
    }

    private static Points.CreateVectorNameRequest.Builder dense(String coll, String name, long size) {
        return Points.CreateVectorNameRequest.newBuilder()
                .setCollectionName(coll)
                .setVectorName(name)
                .setWait(true)
                .setDenseConfig(Points.DenseVectorCreationConfig.newBuilder()
                        .setSize(size)
                        .setDistance(Distance.Cosine));
    }

    private static Points.DeleteVectorNameRequest drop(String coll, String name) {
        return Points.DeleteVectorNameRequest.newBuilder()
                .setCollectionName(coll)
                .setVectorName(name)
                .setWait(true)
                .build();
    }

    private static RetrievedPoint point(GrpcFixture fx, long id) {
        return get(fx.client.retrieveAsync("c", List.of(id(id)), false, true, null))
                .getFirst();
    }

    @Test
    void createUseAndDropANamedVectorThenRestart() {
        try (GrpcFixture fx = new GrpcFixture(dir)) {
            get(fx.client.createCollectionAsync(collection("c")));
            get(fx.client.upsertAsync(
                    "c",
                    List.of(
                            PointStruct.newBuilder()
                                    .setId(id(1))
                                    .setVectors(namedVectors(Map.of("a", vector(1f, 0f), "b", vector(1f, 2f, 3f))))
                                    .build(),
                            PointStruct.newBuilder()
                                    .setId(id(2))
                                    .setVectors(namedVectors(Map.of("a", vector(0f, 1f))))
                                    .build())));

            Points.UpdateResult r =
                    get(fx.client.createVectorNameAsync(dense("c", "img", 2).build()));
            assertThat(r.getStatus()).isEqualTo(Points.UpdateStatus.Completed);
            get(fx.client.createVectorNameAsync(Points.CreateVectorNameRequest.newBuilder()
                    .setCollectionName("c")
                    .setVectorName("kw")
                    .setSparseConfig(
                            Points.SparseVectorCreationConfig.newBuilder().setModifier(Collections.Modifier.Idf))
                    .build()));
            get(fx.client.deleteVectorNameAsync(drop("c", "b")));

            Collections.CollectionParams params =
                    get(fx.client.getCollectionInfoAsync("c")).getConfig().getParams();
            assertThat(params.getVectorsConfig().getParamsMap().getMapMap()).containsOnlyKeys("a", "img");
            assertThat(params.getSparseVectorsConfig().getMapMap()).containsOnlyKeys("kw");
            assertThat(point(fx, 1).getVectors().getVectors().getVectorsMap()).containsOnlyKeys("a");

            get(fx.client.updateVectorsAsync(
                    "c",
                    List.of(Points.PointVectors.newBuilder()
                            .setId(id(2))
                            .setVectors(namedVectors(Map.of("img", vector(3f, 4f))))
                            .build())));
            assertThat(point(fx, 2).getVectors().getVectors().getVectorsMap()).containsOnlyKeys("a", "img");

            // bad input: INVALID_ARGUMENT / NOT_FOUND, nothing changes
            assertStatus(
                    fx.client.createVectorNameAsync(dense("c", "a", 5).build()),
                    Status.Code.INVALID_ARGUMENT,
                    "already exists");
            assertStatus(
                    fx.client.createVectorNameAsync(dense("c", "z", 0).build()), Status.Code.INVALID_ARGUMENT, "size");
            assertStatus(fx.client.createVectorNameAsync(dense("nope", "z", 2).build()), Status.Code.NOT_FOUND, "nope");
            assertStatus(
                    fx.client.createVectorNameAsync(Points.CreateVectorNameRequest.newBuilder()
                            .setCollectionName("c")
                            .setVectorName("z")
                            .build()),
                    Status.Code.INVALID_ARGUMENT,
                    "dense_config");
            assertStatus(fx.client.deleteVectorNameAsync(drop("nope", "a")), Status.Code.NOT_FOUND, "nope");
            assertThat(get(fx.client.getCollectionInfoAsync("c"))
                            .getConfig()
                            .getParams()
                            .getVectorsConfig()
                            .getParamsMap()
                            .getMapMap())
                    .containsOnlyKeys("a", "img");
        }
        try (GrpcFixture fx = new GrpcFixture(dir)) {
            RetrievedPoint p = point(fx, 2);
            assertThat(p.getVectors().getVectors().getVectorsMap()).containsOnlyKeys("a", "img");
            assertThat(point(fx, 1).getVectors().getVectors().getVectorsMap()).containsOnlyKeys("a");
        }
    }
}
