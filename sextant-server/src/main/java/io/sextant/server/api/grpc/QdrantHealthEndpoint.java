package io.sextant.server.api.grpc;

import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.QdrantGrpc;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckRequest;
import io.sextant.server.api.rest.RestServer;

/**
 * {@code qdrant.Qdrant/HealthCheck}: the server's title and the Qdrant API version it implements
 * (the same as REST's {@code GET /}); official clients compare that version with their own at
 * start-up. Stateless and thread-safe.
 */
final class QdrantHealthEndpoint extends QdrantGrpc.QdrantImplBase {

    /** The Qdrant API version served (the same constant REST's {@code GET /} reports). */
    static final String QDRANT_VERSION = RestServer.QDRANT_VERSION;

    @Override
    public void healthCheck(HealthCheckRequest request, StreamObserver<HealthCheckReply> observer) {
        UnaryCalls.run(observer, "Qdrant/HealthCheck", () -> HealthCheckReply.newBuilder()
                .setTitle("sextant - vector search engine")
                .setVersion(QDRANT_VERSION)
                .build());
    }
}
