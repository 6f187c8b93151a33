package io.sextant.server.api.grpc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.sextant.server.testing.TestServer;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real server (REST and gRPC on random ports, {@code LocalShard} storage in a temp directory)
 * and the official Qdrant Java client connected to its gRPC port. Not thread-safe; one per test
 * class.
 */
final class GrpcFixture implements AutoCloseable {

    final TestServer server;
    final QdrantClient client;

    GrpcFixture(Path dir) {
        this(dir, Map.of());
    }

    /** A server with the given {@code SEXTANT__*} environment (e.g. API keys); the client sends no key. */
    GrpcFixture(Path dir, Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("SEXTANT__STORAGE__SNAPSHOTS_PATH", dir.resolve("snapshots").toString());
        server = new TestServer(dir.resolve("storage"), LocalShard::open, all);
        client = new QdrantClient(
                QdrantGrpcClient.newBuilder("127.0.0.1", server.server().grpcPort(), false)
                        .build());
    }

    /** The future's value, failing the test after 30 s. */
    static <T> T get(Future<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("gRPC call timed out", e);
        }
    }

    /** Asserts that the call fails with {@code code} and a description containing {@code text}. */
    static void assertStatus(Future<?> f, Status.Code code, String text) {
        assertThatThrownBy(() -> get(f))
                .isInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> {
                    Status s = ((StatusRuntimeException) e).getStatus();
                    org.assertj.core.api.Assertions.assertThat(s.getCode())
                            .as(s.toString())
                            .isEqualTo(code);
                    org.assertj.core.api.Assertions.assertThat(s.getDescription())
                            .contains(text);
                });
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.close();
        }
    }
}
