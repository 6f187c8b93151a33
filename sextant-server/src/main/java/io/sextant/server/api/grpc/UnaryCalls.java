package io.sextant.server.api.grpc;

import io.grpc.stub.StreamObserver;
import io.sextant.shard.ThreadSlice;
import java.util.function.Supplier;

/**
 * Runs the body of a unary gRPC call: computes the response, sends it and completes, or sends the
 * error status ({@link GrpcErrors}), also for an {@link Error}; and measures Qdrant's {@code time} response fields. Stateless
 * and thread-safe.
 */
final class UnaryCalls {

    private UnaryCalls() {}

    /** Seconds elapsed since {@code startNanos}, as Qdrant's {@code time} fields. */
    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Answers {@code observer} with {@code body}'s result or its error. */
    static <T> void run(StreamObserver<T> observer, String method, Supplier<T> body) {
        ThreadSlice.shortenCurrent(); // a request thread: the short scheduler slice, once per thread
        T response;
        try {
            response = body.get();
        } catch (RuntimeException | Error e) {
            // an Error of one call (OutOfMemoryError, StackOverflowError) is answered with INTERNAL
            // like any unexpected failure; left to gRPC it would end the call without a description
            observer.onError(GrpcErrors.toStatus(e, method));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
