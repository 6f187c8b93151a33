package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar ({@code sextant-server.jar serve}, what {@code bin/sextant serve} runs) serves
 * gRPC on the port given by {@code --grpc-port}: the standard {@code grpc.health.v1} check answers
 * SERVING, Qdrant's own {@code HealthCheck} answers through the official Java client, and a
 * collection created over REST is visible over gRPC.
 */
class PackagedGrpcTest {
    @TempDir
    Path tmp;

    @Test
    void packagedJarServesGrpcOnTheConfiguredPort() throws Exception {
        try (ServerProcess server = new ServerProcess(tmp.resolve("storage"), tmp.resolve("server.log")).start()) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                    .usePlaintext()
                    .build();
            try {
                HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance());
                assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            RestCalls rest = new RestCalls(server.baseUrl());
            assertThat(rest.call("PUT", "/collections/over_rest", "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}")
                            .body()
                            .path("status")
                            .asText())
                    .isEqualTo("ok");
            try (QdrantClient client =
                    new QdrantClient(QdrantGrpcClient.newBuilder("127.0.0.1", server.grpcPort(), false)
                            .build())) {
                assertThat(client.healthCheckAsync().get(30, TimeUnit.SECONDS).getVersion())
                        .isNotEmpty();
                assertThat(client.listCollectionsAsync().get(30, TimeUnit.SECONDS))
                        .containsExactly("over_rest");
            }
            assertThat(Files.readString(tmp.resolve("server.log")))
                    .as("the startup line names the gRPC port")
                    .contains(Integer.toString(server.grpcPort()));
        }
    }
}
