package io.sextant.server.api.grpc;

import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import grpc.health.v1.HealthCheck.HealthCheckRequest;
import grpc.health.v1.HealthCheck.HealthCheckResponse;
import grpc.health.v1.HealthGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.PointsGrpc;
import io.qdrant.client.grpc.SnapshotsService;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Transport features: grpc.health.v1, server reflection, gzip, message size limit, snapshots. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcServerFeaturesTest {

    @TempDir
    static Path dir;

    GrpcFixture fx;
    ManagedChannel channel;

    @BeforeAll
    void start() {
        fx = new GrpcFixture(dir);
        channel = fx.client.grpcClient().channel();
        get(fx.client.createCollectionAsync(
                "f",
                VectorParams.newBuilder().setSize(3).setDistance(Distance.Dot).build()));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void standardHealthServiceReportsServing() {
        var health = HealthGrpc.newBlockingStub(channel);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder()
                                .setService("qdrant.Points")
                                .build())
                        .getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder()
                                .setService("no.Such")
                                .build())
                        .getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN);
    }

    @Test
    void reflectionListsQdrantServices() throws Exception {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> req = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        names.complete(r.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName)
                                .toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        names.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        req.onCompleted();
        assertThat(names.get(30, TimeUnit.SECONDS))
                .contains("qdrant.Qdrant", "qdrant.Collections", "qdrant.Points", "qdrant.Snapshots");
    }

    @Test
    void gzipCompressedCallsWork() {
        var points = PointsGrpc.newBlockingStub(channel).withCompression("gzip");
        points.upsert(Points.UpsertPoints.newBuilder()
                .setCollectionName("f")
                .setWait(true)
                .addPoints(Points.PointStruct.newBuilder()
                        .setId(PointIdFactory.id(1))
                        .setVectors(VectorsFactory.vectors(1f, 2f, 3f)))
                .build());
        var hits = points.query(Points.QueryPoints.newBuilder()
                .setCollectionName("f")
                .setQuery(io.qdrant.client.QueryFactory.nearest(1f, 0f, 0f))
                .build());
        assertThat(hits.getResultList()).hasSize(1);
    }

    @Test
    void oversizedMessageIsResourceExhausted() {
        // default max_request_size_mb is 32; a channel of its own, dropped at once, so that the
        // half-sent upload does not keep a connection open while the server drains at shutdown
        ManagedChannel own = io.grpc.ManagedChannelBuilder.forAddress(
                        "127.0.0.1", fx.server.server().grpcPort())
                .usePlaintext()
                .build();
        try {
            float[] big = new float[9_000_000];
            assertThatThrownBy(() -> PointsGrpc.newBlockingStub(own)
                            .upsert(Points.UpsertPoints.newBuilder()
                                    .setCollectionName("f")
                                    .addPoints(Points.PointStruct.newBuilder()
                                            .setId(PointIdFactory.id(2))
                                            .setVectors(VectorsFactory.vectors(big)))
                                    .build()))
                    .isInstanceOf(StatusRuntimeException.class)
                    .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
                    .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        } finally {
            own.shutdownNow();
        }
    }

    @Test
    void snapshotsCreateListDelete() {
        SnapshotsService.SnapshotDescription d = get(fx.client.createSnapshotAsync("f"));
        assertThat(d.getName()).startsWith("f-");
        assertThat(d.getSize()).isPositive();
        assertThat(get(fx.client.listSnapshotAsync("f")))
                .extracting(SnapshotsService.SnapshotDescription::getName)
                .contains(d.getName());
        get(fx.client.deleteSnapshotAsync("f", d.getName()));
        assertThat(get(fx.client.listSnapshotAsync("f"))).isEmpty();
        GrpcFixture.assertStatus(fx.client.deleteSnapshotAsync("f", d.getName()), Status.Code.NOT_FOUND, d.getName());

        SnapshotsService.SnapshotDescription full = get(fx.client.createFullSnapshotAsync());
        assertThat(get(fx.client.listFullSnapshotAsync()))
                .extracting(SnapshotsService.SnapshotDescription::getName)
                .contains(full.getName());
        get(fx.client.deleteFullSnapshotAsync(full.getName()));
        assertThat(get(fx.client.getCollectionInfoAsync("f")).getStatus())
                .isEqualTo(Collections.CollectionStatus.Green);
    }
}
