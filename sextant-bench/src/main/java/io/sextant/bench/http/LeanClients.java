package io.sextant.bench.http;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.PointsGrpc;
import java.io.IOException;
import java.net.URI;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The light load-generator clients of {@code bin/bench serve} ({@code --client lean}, the default):
 * every client thread of a {@link ClosedLoop} run gets its own connection, opened on its first
 * request and closed by {@link #close()} after the run, so "N connections" means N TCP connections
 * for both transports. REST: {@link RawHttpConnection} with request bytes prepared before the run.
 * gRPC: {@link RawGrpcConnection} with frames prepared before the run, or one channel per thread
 * and the generated blocking stub (the calling thread runs the call's callbacks, no executor
 * hand-off), messages prepared before the run. Thread-safe.
 */
abstract class LeanClients<C> implements ClosedLoop.Session {

    private final ThreadLocal<C> mine = new ThreadLocal<>();
    private final Queue<C> opened = new ConcurrentLinkedQueue<>();

    abstract C open() throws IOException;

    abstract int[] ids(C client, int q) throws Exception;

    abstract void close(C client) throws Exception;

    @Override
    public final int[] ids(int q) throws Exception {
        C c = mine.get();
        if (c == null) {
            c = open();
            mine.set(c);
            opened.add(c);
        }
        return ids(c, q);
    }

    @Override
    public final void close() throws Exception {
        for (C c; (c = opened.poll()) != null; ) {
            close(c);
        }
    }

    /** {@code POST points/query} over raw keep-alive HTTP/1.1. */
    static LeanClients<RawHttpConnection> rest(URI uri, String[] bodies) {
        byte[][] requests = new byte[bodies.length][];
        for (int q = 0; q < bodies.length; q++) {
            requests[q] = RawHttpConnection.post(uri, bodies[q]);
        }
        return new LeanClients<>() {
            @Override
            RawHttpConnection open() throws IOException {
                return new RawHttpConnection(uri);
            }

            @Override
            int[] ids(RawHttpConnection c, int q) throws IOException {
                return c.exchange(requests[q]) == 200 ? ServeBench.idsOf(c.body()) : null;
            }

            @Override
            void close(RawHttpConnection c) throws IOException {
                c.close();
            }
        };
    }

    /** {@code Points/Query} over raw cleartext HTTP/2 ({@link RawGrpcConnection}), requests prepared. */
    static LeanClients<RawGrpcConnection> grpcRaw(String host, int port, Points.QueryPoints[] messages) {
        byte[][] requests = new byte[messages.length][];
        for (int q = 0; q < messages.length; q++) {
            requests[q] =
                    RawGrpcConnection.request(host + ":" + port, "/qdrant.Points/Query", messages[q].toByteArray());
        }
        return new LeanClients<>() {
            @Override
            RawGrpcConnection open() throws IOException {
                return new RawGrpcConnection(host, port);
            }

            @Override
            int[] ids(RawGrpcConnection c, int q) throws IOException {
                if (!c.call(requests[q])) {
                    return null; // the stream ended without a message: a gRPC error
                }
                Points.QueryResponse r = Points.QueryResponse.parseFrom(
                        com.google.protobuf.CodedInputStream.newInstance(c.message(), 5, c.messageLength() - 5));
                return idsOf(r);
            }

            @Override
            void close(RawGrpcConnection c) throws IOException {
                c.close();
            }
        };
    }

    /** {@code Points/Query} through the blocking stub, one plaintext channel per thread. */
    static LeanClients<PointsGrpc.PointsBlockingStub> grpc(String host, int port, Points.QueryPoints[] messages) {
        Queue<ManagedChannel> channels = new ConcurrentLinkedQueue<>();
        return new LeanClients<>() {
            @Override
            PointsGrpc.PointsBlockingStub open() {
                ManagedChannel ch = NettyChannelBuilder.forAddress(host, port)
                        .usePlaintext()
                        .directExecutor()
                        .build();
                channels.add(ch);
                return PointsGrpc.newBlockingStub(ch);
            }

            @Override
            int[] ids(PointsGrpc.PointsBlockingStub stub, int q) {
                Points.QueryResponse r =
                        stub.withDeadlineAfter(1, TimeUnit.MINUTES).query(messages[q]);
                return idsOf(r);
            }

            @Override
            void close(PointsGrpc.PointsBlockingStub stub) throws InterruptedException {
                for (ManagedChannel ch; (ch = channels.poll()) != null; ) {
                    ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        };
    }

    private static int[] idsOf(Points.QueryResponse r) {
        int[] ids = new int[r.getResultCount()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) r.getResult(i).getId().getNum();
        }
        return ids;
    }
}
