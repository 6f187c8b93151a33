package io.sextant.server.api.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Which gRPC calls run on the Netty event loop that read them and which on the call executor
 * ({@link GrpcExecutors}), chosen per call by grpc-java ({@code ServerBuilder.callExecutor}): the
 * server's default executor is the event loop itself, and this supplier sends every call to the
 * executor except, when enabled, the standalone node's searches and point reads listed in {@link
 * #READS}. Those only compute on local, memory-mapped data, so running them where the request was
 * decoded saves the hand-offs of every call (event loop to executor for the call's start, message
 * and half-close, back to the event loop for the reply), which cost more CPU than the search itself
 * on 2 cores ({@code docs/server-path.md}). The price: a slow read (a large exact scan, page faults
 * on cold {@code on_disk} vectors) delays the other connections served by the same event loop
 * (grpc-java starts twice as many loops as there are cores) for its duration. Writes, collection
 * management and snapshots (which wait for disk or for other calls) always go to the executor, and
 * so does everything on a cluster node, whose reads may wait for other peers.
 *
 * <p>The system property {@code sextant.grpc.reads} ({@code event-loop}, the default, or {@code
 * executor}) turns it off. Immutable and thread-safe.
 */
final class EventLoopReads implements ServerCallExecutorSupplier {

    static final String PROPERTY = "sextant.grpc.reads";

    /**
     * Full method names run on the event loop: the unary point reads and searches of {@code
     * qdrant.Points} (not Facet and the distance matrices, which may scan a whole collection) and
     * the health checks.
     */
    static final Set<String> READS = java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(
                                    "Get",
                                    "Count",
                                    "Scroll",
                                    "Search",
                                    "SearchBatch",
                                    "SearchGroups",
                                    "Recommend",
                                    "RecommendBatch",
                                    "RecommendGroups",
                                    "Discover",
                                    "DiscoverBatch",
                                    "Query",
                                    "QueryBatch",
                                    "QueryGroups")
                            .map(m -> "qdrant.Points/" + m),
                    java.util.stream.Stream.of("qdrant.Qdrant/HealthCheck", "grpc.health.v1.Health/Check"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final Executor executor;
    private final boolean readsOnEventLoop;

    private EventLoopReads(Executor executor, boolean readsOnEventLoop) {
        this.executor = executor;
        this.readsOnEventLoop = readsOnEventLoop;
    }

    /**
     * @param executor where every other call runs
     * @param standalone false on a cluster node: then every call runs on {@code executor}
     */
    static EventLoopReads create(Executor executor, boolean standalone) {
        String mode = System.getProperty(PROPERTY, "event-loop").toLowerCase(Locale.ROOT);
        boolean onLoop =
                switch (mode) {
                    case "event-loop" -> standalone;
                    case "executor" -> false;
                    default ->
                        throw new IllegalArgumentException(
                                PROPERTY + " must be event-loop or executor, not '" + mode + "'");
                };
        return new EventLoopReads(executor, onLoop);
    }

    /** Whether the call of {@code fullMethodName} runs on the event loop. */
    boolean onEventLoop(String fullMethodName) {
        return readsOnEventLoop && READS.contains(fullMethodName);
    }

    @Override
    public <Q, A> Executor getExecutor(ServerCall<Q, A> call, Metadata headers) {
        // null keeps the server's default executor, the event loop (directExecutor)
        return onEventLoop(call.getMethodDescriptor().getFullMethodName()) ? null : executor;
    }
}
