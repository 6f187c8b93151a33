package io.sextant.server.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import io.qdrant.client.grpc.PointsGrpc;
import io.qdrant.client.grpc.QdrantGrpc;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code sextant.grpc.reads}: which calls stay on the event loop (null executor) and which go to the pool. */
class EventLoopReadsTest {

    private static final Executor POOL = Runnable::run;

    @AfterEach
    void clear() {
        System.clearProperty(EventLoopReads.PROPERTY);
    }

    /** A call of {@code method}; only its descriptor is read. */
    private static <Q, A> ServerCall<Q, A> call(MethodDescriptor<Q, A> method) {
        return new ServerCall<>() {
            @Override
            public void request(int numMessages) {}

            @Override
            public void sendHeaders(Metadata headers) {}

            @Override
            public void sendMessage(A message) {}

            @Override
            public void close(Status status, Metadata trailers) {}

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public MethodDescriptor<Q, A> getMethodDescriptor() {
                return method;
            }
        };
    }

    private static Executor executorOf(EventLoopReads reads, MethodDescriptor<?, ?> method) {
        return reads.getExecutor(call(method), new Metadata());
    }

    @Test
    void standaloneSearchesStayOnTheEventLoopWritesGoToThePool() {
        EventLoopReads reads = EventLoopReads.create(POOL, true);
        assertThat(executorOf(reads, PointsGrpc.getQueryMethod())).isNull();
        assertThat(executorOf(reads, PointsGrpc.getSearchMethod())).isNull();
        assertThat(executorOf(reads, PointsGrpc.getQueryBatchMethod())).isNull();
        assertThat(executorOf(reads, PointsGrpc.getGetMethod())).isNull();
        assertThat(executorOf(reads, QdrantGrpc.getHealthCheckMethod())).isNull();
        assertThat(executorOf(reads, HealthGrpc.getCheckMethod())).isNull();
        // writes wait for the WAL (wait=true) and other calls: never on the event loop
        assertThat(executorOf(reads, PointsGrpc.getUpsertMethod())).isSameAs(POOL);
        assertThat(executorOf(reads, PointsGrpc.getDeleteMethod())).isSameAs(POOL);
        assertThat(executorOf(reads, PointsGrpc.getCreateFieldIndexMethod())).isSameAs(POOL);
        assertThat(executorOf(reads, PointsGrpc.getSearchMatrixPairsMethod())).isSameAs(POOL);
        assertThat(executorOf(reads, HealthGrpc.getWatchMethod())).isSameAs(POOL);
    }

    @Test
    void clusterNodesAndTheExecutorModeRunEverythingOnThePool() {
        EventLoopReads cluster = EventLoopReads.create(POOL, false);
        assertThat(executorOf(cluster, PointsGrpc.getQueryMethod())).isSameAs(POOL);
        System.setProperty(EventLoopReads.PROPERTY, "executor");
        EventLoopReads off = EventLoopReads.create(POOL, true);
        assertThat(executorOf(off, PointsGrpc.getQueryMethod())).isSameAs(POOL);
        assertThat(executorOf(off, PointsGrpc.getSearchMethod())).isSameAs(POOL);
    }

    @Test
    void everyListedReadIsAMethodTheServerServes() {
        Set<String> served = new HashSet<>();
        for (var d : java.util.List.of(
                PointsGrpc.getServiceDescriptor(),
                QdrantGrpc.getServiceDescriptor(),
                HealthGrpc.getServiceDescriptor())) {
            d.getMethods().forEach(m -> served.add(m.getFullMethodName()));
        }
        assertThat(served).containsAll(EventLoopReads.READS);
        // only unary calls: a stream would hold its event loop for as long as it lasts
        for (var d : java.util.List.of(
                PointsGrpc.getServiceDescriptor(),
                QdrantGrpc.getServiceDescriptor(),
                HealthGrpc.getServiceDescriptor())) {
            d.getMethods().stream()
                    .filter(m -> EventLoopReads.READS.contains(m.getFullMethodName()))
                    .forEach(m -> assertThat(m.getType())
                            .as(m.getFullMethodName())
                            .isEqualTo(MethodDescriptor.MethodType.UNARY));
        }
    }

    @Test
    void unknownModeIsRefused() {
        System.setProperty(EventLoopReads.PROPERTY, "direct");
        assertThatThrownBy(() -> EventLoopReads.create(POOL, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event-loop or executor");
    }
}
