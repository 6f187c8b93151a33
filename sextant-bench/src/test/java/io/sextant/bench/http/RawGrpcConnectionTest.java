package io.sextant.bench.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.PointsGrpc;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The raw HTTP/2 load-generator client against a real grpc-java (Netty) server: answers decode to
 * the ids the server sent, a gRPC error (trailers only) counts as an error, and thousands of calls
 * on one connection go through the flow-control windows (far past the 64 KiB initial connection
 * window) and the server's pings.
 */
class RawGrpcConnectionTest {

    private Server server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new PointsGrpc.PointsImplBase() {
                    @Override
                    public void query(Points.QueryPoints request, StreamObserver<Points.QueryResponse> answer) {
                        if (request.getCollectionName().equals("missing")) {
                            answer.onError(Status.NOT_FOUND
                                    .withDescription("Collection missing not found")
                                    .asRuntimeException());
                            return;
                        }
                        // echo the limit as ids limit, limit+1, ... so each answer is checkable
                        Points.QueryResponse.Builder r = Points.QueryResponse.newBuilder();
                        for (int i = 0; i < 10; i++) {
                            r.addResult(Points.ScoredPoint.newBuilder()
                                    .setId(Common.PointId.newBuilder().setNum(request.getLimit() + i))
                                    .setScore(1f / (i + 1)));
                        }
                        answer.onNext(r.build());
                        answer.onCompleted();
                    }
                })
                .build()
                .start();
        port = server.getPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static Points.QueryPoints query(String collection, int limit) {
        Points.Query.Builder nearest = Points.Query.newBuilder()
                .setNearest(Points.VectorInput.newBuilder()
                        .setDense(
                                Points.DenseVector.newBuilder().addAllData(java.util.Collections.nCopies(384, 0.25f))));
        return Points.QueryPoints.newBuilder()
                .setCollectionName(collection)
                .setQuery(nearest)
                .setLimit(limit)
                .build();
    }

    @Test
    void manyCallsOnOneConnectionDecodeTheirOwnAnswers() throws Exception {
        Points.QueryPoints[] messages = new Points.QueryPoints[5_000];
        for (int i = 0; i < messages.length; i++) {
            messages[i] = query("c", i * 3);
        }
        LeanClients<RawGrpcConnection> clients = LeanClients.grpcRaw("127.0.0.1", port, messages);
        try (clients) {
            // 5,000 requests of ~1.6 KB: about 8 MB sent, 120 times the initial connection window
            for (int i = 0; i < messages.length; i++) {
                int[] ids = clients.ids(i);
                assertEquals(10, ids.length, "call " + i);
                assertEquals(i * 3, ids[0], "call " + i);
                assertEquals(i * 3 + 9, ids[9], "call " + i);
            }
        }
    }

    @Test
    void aGrpcErrorIsAFailedCallAndTheConnectionGoesOn() throws Exception {
        Points.QueryPoints[] messages = {query("missing", 1), query("c", 7)};
        LeanClients<RawGrpcConnection> clients = LeanClients.grpcRaw("127.0.0.1", port, messages);
        try (clients) {
            assertNull(clients.ids(0));
            assertArrayEquals(new int[] {7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, clients.ids(1));
            assertNull(clients.ids(0));
        }
    }

    @Test
    void theRequestFramesAreHeadersThenDataEndingTheStream() {
        byte[] r = RawGrpcConnection.request("h:1", "/qdrant.Points/Query", new byte[] {1, 2, 3});
        int headers = (r[0] & 0xff) << 16 | (r[1] & 0xff) << 8 | (r[2] & 0xff);
        assertEquals(1, r[3], "first frame type HEADERS");
        assertEquals(0x4, r[4], "END_HEADERS, not END_STREAM");
        int d = 9 + headers;
        assertEquals(0, r[d + 3], "second frame type DATA");
        assertEquals(0x1, r[d + 4], "END_STREAM");
        assertEquals(8, (r[d] & 0xff) << 16 | (r[d + 1] & 0xff) << 8 | (r[d + 2] & 0xff), "5-byte prefix + 3");
        assertEquals(r.length, d + 9 + 8);
        assertFalse(r[d + 9] != 0, "not compressed");
    }
}
