package io.sextant.server.api.grpc;

import static io.sextant.server.api.grpc.GrpcFixture.assertStatus;
import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.sextant.server.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code storage.max_collections} (here from {@code QDRANT__STORAGE__MAX_COLLECTIONS}) over REST and gRPC. */
class MaxCollectionsConfigTest {

    private static final String BODY = "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}";

    @TempDir
    Path dir;

    @Test
    void creatingBeyondTheLimitIsRefusedWith400() {
        try (GrpcFixture fx = new GrpcFixture(dir, Map.of("QDRANT__STORAGE__MAX_COLLECTIONS", "2"))) {
            TestServer s = fx.server;
            assertThat(s.put("/collections/a", BODY).status()).isEqualTo(200);
            get(fx.client.createCollectionAsync(
                    "b", VectorParams.newBuilder().setSize(2).setDistance(Distance.Dot).build()));

            TestServer.Response third = s.put("/collections/c", BODY);
            assertThat(third.status()).isEqualTo(400);
            assertThat(third.json().path("status").path("error").asText())
                    .contains("Max collections limit reached: 2");
            assertStatus(
                    fx.client.createCollectionAsync(
                            "c", VectorParams.newBuilder().setSize(2).setDistance(Distance.Dot).build()),
                    Status.Code.INVALID_ARGUMENT,
                    "Max collections limit reached: 2");
            // an existing name still gets its own answer, and deleting frees a place
            assertThat(s.put("/collections/a", BODY).status()).isEqualTo(409);
            assertThat(s.delete("/collections/a").status()).isEqualTo(200);
            assertThat(s.put("/collections/c", BODY).status()).isEqualTo(200);
            assertThat(s.get("/collections").json().path("result").path("collections").size()).isEqualTo(2);
        }
    }
}
