package io.sextant.server.api.grpc;

import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The executor of the gRPC calls that do not stay on the Netty event loop (every call but a
 * standalone node's searches and point reads, see {@link EventLoopReads}), chosen by the system
 * property {@code sextant.grpc.executor}
 * (set through {@code SEXTANT_JAVA_OPTS}): {@code pool} (the default), a cached pool of platform
 * threads that are reused between calls and grow for calls that block (an update with {@code
 * wait}), or {@code virtual}, a new virtual thread per task (grpc-java submits several tasks per
 * call: message, half-close, completion). The choice was measured: {@code docs/server-path.md} in
 * this module. Stateless.
 */
final class GrpcExecutors {

    static final String PROPERTY = "sextant.grpc.executor";

    private GrpcExecutors() {}

    static ExecutorService create() {
        String mode = System.getProperty(PROPERTY, "pool").toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "pool" ->
                Executors.newCachedThreadPool(
                        Thread.ofPlatform().name("grpc-call-", 0).daemon(true).factory());
            case "virtual" -> Executors.newVirtualThreadPerTaskExecutor();
            default -> throw new IllegalArgumentException(PROPERTY + " must be pool or virtual, not '" + mode + "'");
        };
    }
}
