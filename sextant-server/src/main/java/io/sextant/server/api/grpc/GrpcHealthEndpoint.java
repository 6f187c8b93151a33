package io.sextant.server.api.grpc;

import grpc.health.v1.HealthCheck.HealthCheckRequest;
import grpc.health.v1.HealthCheck.HealthCheckResponse;
import grpc.health.v1.HealthCheck.HealthCheckResponse.ServingStatus;
import grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.util.Set;

/**
 * The standard {@code grpc.health.v1.Health/Check}, as Qdrant serves it (its {@code
 * health_check.proto}, shipped in the client artifact, is used rather than grpc-services' copy:
 * both define the same service and server reflection refuses duplicates). SERVING for the empty
 * service name and each Qdrant service while the server is up, NOT_SERVING once shutdown has
 * begun, SERVICE_UNKNOWN for other names. Thread-safe.
 */
final class GrpcHealthEndpoint extends HealthGrpc.HealthImplBase {

    private final Set<String> services;
    private volatile boolean serving;

    GrpcHealthEndpoint(Set<String> services) {
        this.services = Set.copyOf(services);
    }

    void setServing(boolean serving) {
        this.serving = serving;
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> observer) {
        String name = request.getService();
        ServingStatus status = !name.isEmpty() && !services.contains(name)
                ? ServingStatus.SERVICE_UNKNOWN
                : serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        UnaryCalls.run(observer, "Health/Check", () -> HealthCheckResponse.newBuilder()
                .setStatus(status)
                .build());
    }
}
